import type { GoalHistoryEntry } from "@pursuit/sdk";
import { describe, expect, it } from "vitest";
import { burnRate, limitOnScale, spendSeries } from "./spend-series.js";

const base = { goalID: "g2", sessionID: "s", actor: "runtime" as const };
const charge = (time: number, tokens: number, cacheRead = 0): GoalHistoryEntry => ({
  ...base,
  time,
  kind: "charged",
  key: `step:${time}`,
  charge: {
    tokens,
    input: tokens,
    cacheRead,
    cacheWrite: 0,
    output: 0,
    reasoning: 0,
    costUSD: null,
    turns: 0,
    seconds: 0,
  },
});

describe("spend series", () => {
  it("accumulates the latest goal's charges, cache reads apart, skipping turn rows", () => {
    const history: GoalHistoryEntry[] = [
      { ...base, goalID: "g1", time: 0, kind: "created", objective: "old", limits: {} },
      { ...charge(500, 999), goalID: "g1" },
      { ...base, time: 1_000, kind: "created", objective: "new", limits: {} },
      charge(2_000, 100, 50),
      charge(3_000, 0),
      charge(4_000, 300, 70),
    ];
    expect(spendSeries(history)).toEqual({ times: [1, 2, 4], tokens: [0, 100, 400], cacheRead: [0, 50, 120] });
  });

  it("burns tokens per minute over the recent window", () => {
    const series = { times: [0, 60, 120], tokens: [0, 1_000, 3_000], cacheRead: [0, 0, 0] };
    expect(burnRate(series, 120_000, 60_000)).toBe(2_000);
    expect(burnRate(series, 600_000, 60_000)).toBe(0);
  });
});

describe("limitOnScale", () => {
  const series = (tokens: number[]) => ({ times: tokens.map((_, i) => i), tokens, cacheRead: tokens.map(() => 0) });
  it.each([
    ["a 2k run under a 200k limit is drawn on its own scale", [0, 1_000, 2_000], 200_000, false],
    ["a run at a quarter of its limit shows the limit", [0, 25_000], 100_000, true],
    ["a run near its limit shows it", [0, 90_000], 100_000, true],
    ["no limit, no line", [0, 5], undefined, false],
    ["nothing charged yet", [0], 1_000, false],
  ])("%s", (_name, tokens, limit, drawn) => {
    expect(limitOnScale(series(tokens), limit)).toBe(drawn);
  });
});
