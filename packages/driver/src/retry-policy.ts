import type { Clock } from "@pursuit/core";
import { realTimers, type Timers } from "./timers.js";

/** A failed model request as the host saw it. */
export type ProviderFailure = {
  message: string;
  /** The HTTP status, when the provider answered at all. */
  statusCode?: number;
  /** From Retry-After / retry-after-ms. */
  retryAfterMs?: number;
  /**
   * The request never reached the provider (a pooled connection it had just closed): the first retry is
   * sent at once, without a wait.
   */
  retryNow?: boolean;
  /** The provider said a usage quota is exhausted until this time (see `quotaResetOf`): no retry helps before it. */
  quotaResetAt?: number;
};

/**
 * What to do about a failure: `transient` ones (rate limits, overload, server errors, lost connections,
 * timeouts) are retried inside the turn; `permanent` ones fail the turn at once; `context_too_long` means the
 * prompt must shrink before any retry can succeed.
 */
export type FailureClass = "transient" | "permanent" | "context_too_long";

const TOO_LONG =
  /context[_ ]length[_ ]exceeded|prompt is too long|maximum context length|context window|exceed context limit|too many (input )?tokens|input is too long/i;

export function classifyFailure(failure: ProviderFailure): FailureClass {
  const status = failure.statusCode;
  if (status === 413 || ((status === undefined || status === 400) && TOO_LONG.test(failure.message)))
    return "context_too_long";
  // No answer at all: a reset, a refused or timed-out connection, a stream cut short.
  if (status === undefined) return "transient";
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return "transient";
  return "permanent";
}

export type RetryPolicy = {
  /** How long, from the first failure, transient failures are retried before the turn fails. */
  windowMs: number;
  /** First delay; it doubles with each attempt, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_RETRY_POLICY: RetryPolicy = { windowMs: 10 * 60_000, baseDelayMs: 1_000, maxDelayMs: 60_000 };

/**
 * The wait before retry `attempt` (1-based): exponential with "equal jitter" (half fixed, half random), so
 * many sessions hit by the same outage do not retry in step; never shorter than the provider's Retry-After.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exponential / 2 + random() * (exponential / 2));
  return Math.max(jittered, Math.ceil(retryAfterMs ?? 0));
}

/** A retry the caller is waiting for: shown as the session's `retrying` status. */
export type RetryNotice = { attempt: number; message: string; next: number };

export type RetryOptions<T> = {
  policy: RetryPolicy;
  clock: Clock;
  /** Ends a wait at once (abort, pause, clear); the last result is returned. */
  signal?: AbortSignal;
  /** The failure in a result, or undefined when it succeeded (or failed in a way retrying cannot help). */
  failureOf: (result: T) => ProviderFailure | undefined;
  onRetry?: (notice: RetryNotice) => void;
  /** The wait is over (the next attempt starts, or the waiting was cut short). */
  onRetryEnd?: () => void;
  timers?: Timers;
  random?: () => number;
};

/**
 * Calls `attempt` until it succeeds, fails in a way that is not transient, the retry window is spent, or the
 * signal aborts; transient failures wait `retryDelay` first. Returns the last result, so the caller sees
 * why it gave up.
 */
export async function callWithRetries<T>(attempt: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const timers = options.timers ?? realTimers;
  let firstFailureAt: number | undefined;
  for (let retry = 1; ; retry++) {
    const result = await attempt();
    const failure = options.failureOf(result);
    if (!failure || classifyFailure(failure) !== "transient" || options.signal?.aborted) return result;
    // An exhausted quota is waited out by the goal, not by a request held open in the turn.
    if (failure.quotaResetAt !== undefined) return result;
    const now = options.clock.now();
    firstFailureAt ??= now;
    if (failure.retryNow && retry === 1) continue;
    const delay = retryDelay(retry, failure.retryAfterMs, options.policy, options.random);
    if (now + delay - firstFailureAt > options.policy.windowMs) return result;
    options.onRetry?.({ attempt: retry, message: failure.message, next: now + delay });
    const waited = await wait(delay, timers, options.signal);
    options.onRetryEnd?.();
    if (!waited) return result;
  }
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function wait(ms: number, timers: Timers, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = timers.after(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
