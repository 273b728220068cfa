import type { RecordedRequest } from "@pursuit/testkit";
import { expect } from "vitest";

/** OpenAI's prompt cache serves whole steps of this many tokens: a bill may count up to one more as input. */
const CACHE_STEP_TOKENS = 128;

/**
 * A request whose stream broke off was charged from estimates close to its bill: its input within one cache
 * step of the uncached input billed, its output within 10% of the output streamed before the break.
 */
export function expectCutChargedNearBill(charge: { input: number; output: number }, request: RecordedRequest): void {
  const usage = request.response?.usage;
  if (!usage) throw new Error(`request ${request.index} has no usage`);
  const uncached = usage.prompt_tokens - usage.prompt_tokens_details.cached_tokens;
  expect(Math.abs(charge.input - uncached)).toBeLessThanOrEqual(CACHE_STEP_TOKENS);
  const streamed = request.streamedOutputTokens ?? 0;
  expect(charge.output).toBeGreaterThanOrEqual(Math.floor(0.9 * streamed));
  expect(charge.output).toBeLessThanOrEqual(Math.ceil(1.1 * streamed));
}
