import type { LanguageModelUsage } from "ai";
import { describe, expect, it } from "vitest";
import { toStepUsage, toStoredUsage } from "./usage.js";

const usage = (fields: Partial<LanguageModelUsage>): LanguageModelUsage => ({
  inputTokens: undefined,
  inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: undefined, cacheWriteTokens: undefined },
  outputTokens: undefined,
  outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
  totalTokens: undefined,
  ...fields,
});

describe("toStepUsage", () => {
  it("maps AI SDK 6 usage, charging cache writes but not reads", () => {
    const mapped = toStepUsage(
      usage({
        inputTokens: 1000,
        inputTokenDetails: { noCacheTokens: 100, cacheReadTokens: 800, cacheWriteTokens: 100 },
        outputTokens: 50,
        outputTokenDetails: { textTokens: 30, reasoningTokens: 20 },
      }),
    );
    expect(mapped).toEqual({ noCacheInput: 100, cacheRead: 800, cacheWrite: 100, output: 50, reasoning: 20 });
    expect(toStoredUsage(mapped)).toEqual({ input: 1000, output: 50, reasoning: 20, cacheRead: 800, cacheWrite: 100 });
  });

  it("derives the non-cached input when the provider gives only totals", () => {
    const mapped = toStepUsage(
      usage({
        inputTokens: 1000,
        inputTokenDetails: { noCacheTokens: undefined, cacheReadTokens: 900, cacheWriteTokens: undefined },
        outputTokens: 10,
      }),
    );
    expect(mapped).toEqual({ noCacheInput: 100, cacheRead: 900, cacheWrite: 0, output: 10, reasoning: 0 });
    expect(toStepUsage(undefined)).toEqual({ noCacheInput: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
  });
});
