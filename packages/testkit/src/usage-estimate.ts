import { comparePrefix } from "./prefix-reuse.js";
import type { ChatRequestBody, UsageOverride, WireUsage } from "./types.js";

/** Bytes per token used by every estimate in the testkit: a rough but stable rule of thumb. */
export const BYTES_PER_TOKEN = 4;

/** Tokens for a piece of model output: ceil(characters / 4). */
export function estimateOutputTokens(text: string): number {
  return Math.ceil(countCharacters(text) / BYTES_PER_TOKEN);
}

/** Characters as code points, so a cut never splits a surrogate pair. */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** The bytes a provider would see as the prompt: the tool list, then the message list. */
export function promptBytes(body: Pick<ChatRequestBody, "messages" | "tools">): number {
  const toolBytes = body.tools === undefined ? 0 : utf8Bytes(JSON.stringify(body.tools));
  return toolBytes + utf8Bytes(JSON.stringify(body.messages));
}

/** prompt_tokens ~ ceil((bytes of JSON.stringify(tools) + bytes of JSON.stringify(messages)) / 4). */
export function estimatePromptTokens(body: Pick<ChatRequestBody, "messages" | "tools">): number {
  return Math.ceil(promptBytes(body) / BYTES_PER_TOKEN);
}

/**
 * cached_tokens as a prompt cache would report them: the prefix shared with the previous request of the same
 * conversation. Providers cache tools first, then messages, so a changed tool list invalidates everything.
 */
export function estimateCachedTokens(
  body: Pick<ChatRequestBody, "messages" | "tools">,
  previous: Pick<ChatRequestBody, "messages" | "tools"> | undefined,
): number {
  if (previous === undefined) return 0;
  const comparison = comparePrefix(previous, body);
  if (comparison.toolsChanged) return 0;
  const toolBytes = body.tools === undefined ? 0 : utf8Bytes(JSON.stringify(body.tools));
  return Math.floor((toolBytes + comparison.sharedPrefixBytes) / BYTES_PER_TOKEN);
}

/** A prompt cache caches nothing shorter than this many tokens (OpenAI's and Anthropic's minimum). */
export const MIN_CACHED_TOKENS = 1_024;
/** Cached prefixes grow in steps of this many tokens past the minimum (OpenAI). */
const CACHE_STEP_TOKENS = 128;
/** A cache entry unused this long is gone (both providers' default lifetime). */
export const CACHE_TTL_MS = 5 * 60_000;

/**
 * What a real prompt cache serves of a shared prefix: nothing under 1,024 tokens, whole 128-token steps above,
 * nothing when the entry went unused for 5 minutes, nothing when the request misses (evicted, another server).
 */
export function servedFromCache(sharedTokens: number, options: { idleMs: number; miss?: boolean }): number {
  if (options.miss || options.idleMs > CACHE_TTL_MS || sharedTokens < MIN_CACHED_TOKENS) return 0;
  return Math.floor(sharedTokens / CACHE_STEP_TOKENS) * CACHE_STEP_TOKENS;
}

export interface UsageInput {
  promptTokens: number;
  cachedTokens: number;
  /** Tokens of the emitted text and tool calls. */
  outputTokens: number;
  reasoningTokens: number;
  /** When set (the reply was cut by max_tokens), completion tokens are exactly this. */
  cappedAt?: number;
  override?: UsageOverride;
}

/** Builds the wire `usage` object; explicit overrides win over estimates. */
export function buildUsage(input: UsageInput): WireUsage {
  const override = input.override ?? {};
  const estimatedCompletion = input.cappedAt ?? input.outputTokens + input.reasoningTokens;
  const promptTokens = override.promptTokens ?? input.promptTokens;
  const completionTokens = override.completionTokens ?? estimatedCompletion;
  const cachedTokens = override.cachedTokens ?? Math.min(input.cachedTokens, promptTokens);
  const reasoningTokens = override.reasoningTokens ?? Math.min(input.reasoningTokens, completionTokens);
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: override.totalTokens ?? promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens },
    completion_tokens_details: { reasoning_tokens: reasoningTokens },
  };
}
