import type { ProviderFailure, RetryPolicy } from "./retry-policy.js";

/** What a 429 answer carries that can say a usage quota is exhausted, and until when. */
export type QuotaAnswer = {
  statusCode?: number;
  /** The error message and, when known, the response body. */
  text: string;
  headers?: Record<string, string | undefined>;
  /** From Retry-After, when the provider sent one. */
  retryAfterMs?: number;
};

const QUOTA_WORDS = /usage limit|quota|insufficient_quota|limit (?:will )?resets?|resets? at/i;

/**
 * When a usage quota a provider says is exhausted resets (epoch ms), or undefined when the answer is an ordinary
 * rate limit (retried inside the turn). A quota is exhausted when a rate-limit header says nothing remains
 * (OpenAI's `x-ratelimit-remaining-*: 0`, Anthropic's `anthropic-ratelimit-*-remaining: 0`) or the text speaks of
 * a usage limit or quota; its reset is the latest time the answer names: the matching reset header, a time or
 * a wait in the text, or Retry-After.
 */
export function quotaResetOf(answer: QuotaAnswer, now: number): number | undefined {
  if (answer.statusCode !== 429) return undefined;
  const headers = lowerCased(answer.headers);
  const resets: number[] = [];
  let exhausted = false;
  for (const [name, value] of Object.entries(headers)) {
    const openai = name.match(/^x-ratelimit-remaining-(.+)$/);
    const anthropic = name.match(/^anthropic-ratelimit-(.+)-remaining$/);
    if ((!openai && !anthropic) || Number(value) !== 0) continue;
    exhausted = true;
    const reset = openai
      ? headers[`x-ratelimit-reset-${openai[1]}`]
      : headers[`anthropic-ratelimit-${anthropic?.[1]}-reset`];
    const at = reset === undefined ? undefined : openai ? parseOpenAiDuration(reset, now) : parseTime(reset);
    if (at !== undefined) resets.push(at);
  }
  const text = answer.text;
  if (!exhausted && !QUOTA_WORDS.test(text)) return undefined;
  const named = text.match(/resets? (?:at|on) ([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(?:Z|[+-][0-9:]+)?)/i);
  if (named?.[1]) {
    const at = parseTime(named[1]);
    if (at !== undefined) resets.push(at);
  }
  const within = text.match(/(?:try again |resets? )?in (\d+(?:\.\d+)?) ?(seconds?|minutes?|hours?|s|m|h)\b/i);
  if (within?.[1] && within[2]) resets.push(now + Number(within[1]) * unitMs(within[2]));
  if (answer.retryAfterMs !== undefined) resets.push(now + answer.retryAfterMs);
  const future = resets.filter((at) => at > now);
  return future.length === 0 ? undefined : Math.max(...future);
}

/**
 * Added to a quota's reset, at most (and at most a tenth of the wait): sessions hit by one quota do not all send
 * in the same instant.
 */
export const QUOTA_JITTER_MAX_MS = 5_000;

/**
 * Until when a failed request's goal should wait instead of retrying: a quota exhausted until a known time, or a
 * rate limit whose Retry-After lies beyond the retry window (retrying could only fail the turn); plus a little
 * jitter.
 */
export function quotaWaitUntil(
  failure: ProviderFailure,
  policy: RetryPolicy,
  now: number,
  random: () => number = Math.random,
): number | undefined {
  const jittered = (at: number) => at + Math.round(random() * Math.min(QUOTA_JITTER_MAX_MS, (at - now) / 10));
  if (failure.quotaResetAt !== undefined) return jittered(failure.quotaResetAt);
  if (failure.statusCode === 429 && failure.retryAfterMs !== undefined && failure.retryAfterMs > policy.windowMs)
    return jittered(now + failure.retryAfterMs);
  return undefined;
}

function lowerCased(headers: Record<string, string | undefined> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) if (value !== undefined) result[key.toLowerCase()] = value;
  return result;
}

/** OpenAI's reset headers: "1s", "6m0s", "1h2m3.5s", "20ms". */
function parseOpenAiDuration(text: string, now: number): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) return parseTime(text);
  let ms = 0;
  for (const [, amount, unit] of parts) ms += Number(amount) * unitMs(unit ?? "s");
  return now + ms;
}

function parseTime(text: string): number | undefined {
  const at = Date.parse(text.trim());
  return Number.isNaN(at) ? undefined : at;
}

function unitMs(unit: string): number {
  const u = unit.toLowerCase();
  if (u === "ms") return 1;
  if (u.startsWith("h")) return 3_600_000;
  if (u.startsWith("m")) return 60_000;
  return 1_000;
}
