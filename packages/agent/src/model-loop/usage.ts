import type { LanguageModelV3Usage } from "@ai-sdk/provider";
import { type StepUsage, sanitizeStepUsage } from "@pursuit/core";
import type { StoredUsage } from "@pursuit/store";

/**
 * A provider's usage (the language model specification's) -> the engine's StepUsage. Input tokens include
 * cache reads and writes; when the provider gives no non-cached count, it is what remains of the input after
 * them.
 */
export function toStepUsage(usage: LanguageModelV3Usage | undefined): StepUsage {
  if (!usage) return sanitizeStepUsage({});
  const input = usage.inputTokens.total ?? 0;
  const cacheRead = usage.inputTokens.cacheRead ?? 0;
  const cacheWrite = usage.inputTokens.cacheWrite ?? 0;
  return sanitizeStepUsage({
    noCacheInput: usage.inputTokens.noCache ?? input - cacheRead - cacheWrite,
    cacheRead,
    cacheWrite,
    output: usage.outputTokens.total,
    reasoning: usage.outputTokens.reasoning,
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
