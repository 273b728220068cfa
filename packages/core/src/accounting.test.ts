import { describe, expect, it } from "vitest";
import { addCharge, sanitizeStepUsage, stepCharge, turnCharge } from "./accounting.js";
import { emptyUsage } from "./goal.js";

describe("stepCharge", () => {
  it.each([
    ["plain input and output", { noCacheInput: 100, cacheRead: 0, cacheWrite: 0, output: 20, reasoning: 0 }, 120],
    [
      "cache reads are recorded, not charged",
      { noCacheInput: 10, cacheRead: 5000, cacheWrite: 0, output: 20, reasoning: 0 },
      30,
    ],
    ["cache writes are charged", { noCacheInput: 10, cacheRead: 0, cacheWrite: 400, output: 20, reasoning: 0 }, 430],
    [
      "reasoning is part of output and charged",
      { noCacheInput: 0, cacheRead: 0, cacheWrite: 0, output: 300, reasoning: 250 },
      300,
    ],
  ])("%s", (_name, usage, tokens) => {
    const charge = stepCharge(usage);
    expect(charge.tokens).toBe(tokens);
    expect(charge).toMatchObject({
      input: usage.noCacheInput,
      cacheRead: usage.cacheRead,
      cacheWrite: usage.cacheWrite,
      output: usage.output,
      reasoning: usage.reasoning,
      costUSD: null,
      turns: 0,
      seconds: 0,
    });
  });

  it("prices per million tokens, cache reads and writes at their own prices", () => {
    const charge = stepCharge(
      { noCacheInput: 1_000_000, cacheRead: 2_000_000, cacheWrite: 1_000_000, output: 100_000, reasoning: 0 },
      { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
    );
    expect(charge.costUSD).toBeCloseTo(3 + 0.6 + 3.75 + 1.5, 9);
  });

  it("prices cache tokens like input when the model has no cache prices", () => {
    expect(
      stepCharge(
        { noCacheInput: 0, cacheRead: 1_000_000, cacheWrite: 0, output: 0, reasoning: 0 },
        { input: 2, output: 8 },
      ).costUSD,
    ).toBe(2);
  });
});

describe("addCharge", () => {
  it("sums usage; dollars stay null until a priced step arrives, then add exactly", () => {
    let usage = addCharge(
      emptyUsage(),
      stepCharge({ noCacheInput: 7, cacheRead: 3, cacheWrite: 1, output: 2, reasoning: 1 }),
    );
    expect(usage).toMatchObject({
      tokens: 10,
      input: 7,
      cacheRead: 3,
      cacheWrite: 1,
      output: 2,
      reasoning: 1,
      costUSD: null,
    });
    for (let i = 0; i < 10; i++) {
      usage = addCharge(
        usage,
        stepCharge(
          { noCacheInput: 100_000, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
          { input: 1, output: 1 },
        ),
      );
    }
    expect(usage.costUSD).toBe(1);
    usage = addCharge(usage, turnCharge(12.5));
    expect(usage).toMatchObject({ turns: 1, seconds: 12.5, costUSD: 1 });
  });
});

describe("sanitizeStepUsage", () => {
  it("turns untrusted provider numbers into whole non-negative counts", () => {
    expect(
      sanitizeStepUsage({ noCacheInput: -4, cacheRead: Number.NaN, cacheWrite: "9", output: 10.6, reasoning: 50 }),
    ).toEqual({
      noCacheInput: 0,
      cacheRead: 0,
      cacheWrite: 0,
      output: 11,
      reasoning: 11,
    });
  });
});
