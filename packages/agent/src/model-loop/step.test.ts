import type { LanguageModelV3Usage } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { toStepUsage, toStoredUsage } from "./usage.js";

type Input = Partial<LanguageModelV3Usage["inputTokens"]>;
type Output = Partial<LanguageModelV3Usage["outputTokens"]>;
const usage = (input: Input, output: Output): LanguageModelV3Usage => ({
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined, ...input },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined, ...output },
});

describe("toStepUsage", () => {
  it("maps a provider's usage, charging cache writes but not reads", () => {
    const mapped = toStepUsage(
      usage({ total: 1000, noCache: 100, cacheRead: 800, cacheWrite: 100 }, { total: 50, text: 30, reasoning: 20 }),
    );
    expect(mapped).toEqual({ noCacheInput: 100, cacheRead: 800, cacheWrite: 100, output: 50, reasoning: 20 });
    expect(toStoredUsage(mapped)).toEqual({ input: 1000, output: 50, reasoning: 20, cacheRead: 800, cacheWrite: 100 });
  });

  it("derives the non-cached input when the provider gives only totals", () => {
    const mapped = toStepUsage(usage({ total: 1000, cacheRead: 900 }, { total: 10 }));
    expect(mapped).toEqual({ noCacheInput: 100, cacheRead: 900, cacheWrite: 0, output: 10, reasoning: 0 });
    expect(toStepUsage(undefined)).toEqual({ noCacheInput: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
  });
});
