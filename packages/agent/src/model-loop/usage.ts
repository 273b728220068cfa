import { type StepUsage, sanitizeStepUsage } from "@pursuit/core";
import type { StoredUsage } from "@pursuit/store";
import type { LanguageModelUsage } from "ai";

/**
 * AI SDK 6 usage -> the engine's StepUsage. Input tokens include cache reads and writes; when the provider
 * gives no non-cached count, it is what remains of the input after them.
 */
export function toStepUsage(usage: LanguageModelUsage | undefined): StepUsage {
  if (!usage) return sanitizeStepUsage({});
  const input = usage.inputTokens ?? 0;
  const cacheRead = usage.inputTokenDetails?.cacheReadTokens ?? 0;
  const cacheWrite = usage.inputTokenDetails?.cacheWriteTokens ?? 0;
  return sanitizeStepUsage({
    noCacheInput: usage.inputTokenDetails?.noCacheTokens ?? input - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output: usage.outputTokens,
    reasoning: usage.outputTokenDetails?.reasoningTokens,
  });
}

/** The stored form on messages and step-finish parts: input there means all input tokens. */
export function toStoredUsage(usage: StepUsage): StoredUsage {
  return {
    input: usage.noCacheInput + usage.cacheRead + usage.cacheWrite,
    output: usage.output,
    reasoning: usage.reasoning,
    cacheRead: usage.cacheRead,
    cacheWrite: usage.cacheWrite,
  };
}
