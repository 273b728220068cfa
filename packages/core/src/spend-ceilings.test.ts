import { describe, expect, it } from "vitest";
import type { StepAllowance } from "./engine-types.js";
import {
  boundByCeiling,
  ceilingRoom,
  DAY_MS,
  spendInWindow,
  validateSpendCeilings,
  type WindowSpend,
  windowBounds,
} from "./spend-ceilings.js";

const at = (iso: string) => Date.parse(iso);

describe("windowBounds: UTC days and weeks from Monday", () => {
  it.each([
    ["2026-12-06T23:59:59.999Z", "daily", "2026-12-06T00:00:00.000Z", "2026-12-07T00:00:00.000Z"],
    ["2026-12-07T00:00:00.000Z", "daily", "2026-12-07T00:00:00.000Z", "2026-12-08T00:00:00.000Z"],
    // Sunday the 6th belongs to the week that began on Monday the 30th of November.
    ["2026-12-06T23:59:59.999Z", "weekly", "2026-11-30T00:00:00.000Z", "2026-12-07T00:00:00.000Z"],
    ["2026-12-07T00:00:00.000Z", "weekly", "2026-12-07T00:00:00.000Z", "2026-12-14T00:00:00.000Z"],
    ["2026-12-09T12:00:00.000Z", "weekly", "2026-12-07T00:00:00.000Z", "2026-12-14T00:00:00.000Z"],
    ["2027-01-01T08:00:00.000Z", "weekly", "2026-12-28T00:00:00.000Z", "2027-01-04T00:00:00.000Z"],
  ] as const)("%s %s: [%s, %s)", (now, window, start, end) => {
    expect(windowBounds(window, at(now))).toEqual({ start: at(start), end: at(end) });
  });

  it("sums the days inside a window only", () => {
    const days = [
      { day: at("2026-11-29T00:00:00Z"), tokens: 1000, costUSD: 1 },
      { day: at("2026-11-30T00:00:00Z"), tokens: 200, costUSD: 0.2 },
      { day: at("2026-12-06T00:00:00Z"), tokens: 30, costUSD: 0.03 },
    ];
    const now = at("2026-12-06T10:00:00Z");
    expect(spendInWindow("daily", days, now).spent).toEqual({ tokens: 30, costUSD: 0.03 });
    expect(spendInWindow("weekly", days, now).spent.tokens).toBe(230);
    // At midnight the day turns over, and so does the week.
    expect(spendInWindow("daily", days, now + 14 * 3_600_000).spent.tokens).toBe(0);
    expect(spendInWindow("weekly", days, now + 14 * 3_600_000).spent.tokens).toBe(0);
  });
});

describe("validateSpendCeilings", () => {
  it("accepts tokens and/or dollars per window", () => {
    expect(validateSpendCeilings({ daily: { tokens: 2_000_000 }, weekly: { costUSD: 50, tokens: 9_000_000 } })).toEqual(
      { ok: true, value: { daily: { tokens: 2_000_000 }, weekly: { costUSD: 50, tokens: 9_000_000 } } },
    );
    expect(validateSpendCeilings(undefined)).toEqual({ ok: true, value: {} });
  });

  it.each([
    [[], "spendCeilings"],
    [{ monthly: { tokens: 1 } }, "spendCeilings.monthly"],
    [{ daily: 5 }, "spendCeilings.daily"],
    [{ daily: {} }, "spendCeilings.daily"],
    [{ daily: { tokens: 0 } }, "spendCeilings.daily.tokens"],
    [{ daily: { tokens: 1.5 } }, "spendCeilings.daily.tokens"],
    [{ daily: { costUSD: "5" } }, "spendCeilings.daily.costUSD"],
    [{ weekly: { dollars: 5 } }, "spendCeilings.weekly.dollars"],
  ])("refuses %j, naming %s", (input, field) => {
    const result = validateSpendCeilings(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.field).toBe(field);
  });
});

describe("ceilingRoom: the output a step may produce under the tightest ceiling", () => {
  const now = at("2026-12-06T10:00:00Z");
  const spent = (window: "daily" | "weekly", tokens: number, costUSD = 0): WindowSpend => ({
    ...windowBounds(window, now),
    window,
    spent: { tokens, costUSD },
  });
  const prices = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };

  it("counts the step's new input against a token ceiling", () => {
    const room = ceilingRoom(
      { daily: { tokens: 10_000 } },
      [spent("daily", 6_000)],
      { estimatedInputTokens: 1_000 },
      0,
    );
    expect(room).toMatchObject({ room: 3_000, used: 6_000, allowed: 10_000 });
    expect(room?.hit).toEqual({
      window: "daily",
      unit: "tokens",
      allowed: 10_000,
      resetsAt: at("2026-12-07T00:00:00Z"),
    });
  });

  it("gives the tightest of the windows and units", () => {
    const ceilings = { daily: { tokens: 100_000 }, weekly: { tokens: 1_000_000, costUSD: 2 } };
    // $1.97 spent this week; the step's 1,000 new tokens cost $0.00375 as a cache write; $0.02625 left at $15/M.
    const room = ceilingRoom(
      ceilings,
      [spent("daily", 10_000, 0.1), spent("weekly", 500_000, 1.97)],
      { estimatedInputTokens: 1_000, prices },
      0,
    );
    expect(room?.hit).toMatchObject({ window: "weekly", unit: "costUSD", resetsAt: at("2026-12-07T00:00:00Z") });
    expect(room?.room).toBe(1750);
  });

  it("allows 5% past a ceiling when asked (a wrap-up), never more", () => {
    const room = ceilingRoom({ daily: { tokens: 10_000 } }, [spent("daily", 10_000)], {}, 0.05);
    expect(room?.room).toBe(500);
  });

  it("bounds nothing without ceilings; a dollar ceiling without prices only once it is spent", () => {
    expect(ceilingRoom({}, [spent("daily", 10_000)], {}, 0)).toBeUndefined();
    expect(ceilingRoom({ daily: { costUSD: 1 } }, [spent("daily", 0, 0.5)], {}, 0)).toBeUndefined();
    expect(ceilingRoom({ daily: { costUSD: 1 } }, [spent("daily", 0, 1)], {}, 0)?.room).toBe(0);
  });

  it("a day has 86,400,000 ms", () => expect(DAY_MS).toBe(24 * 3_600_000));
});

describe("boundByCeiling", () => {
  const hit = { window: "daily" as const, unit: "tokens" as const, allowed: 100, resetsAt: 1 };
  const room = (n: number) => ({ room: n, hit, used: 0, allowed: 100 });
  it.each<[StepAllowance, number | undefined, StepAllowance]>([
    [{ kind: "run" }, 400, { kind: "run", maxOutputTokens: 400 }],
    [{ kind: "run", maxOutputTokens: 100 }, 400, { kind: "run", maxOutputTokens: 100 }],
    [{ kind: "run", maxOutputTokens: 900 }, 400, { kind: "run", maxOutputTokens: 400 }],
    [{ kind: "run" }, 0, { kind: "stop", reason: "the daily ceiling is reached" }],
    [{ kind: "wrap_up", maxOutputTokens: 256, append: [] }, 300, { kind: "wrap_up", maxOutputTokens: 256, append: [] }],
    [
      { kind: "wrap_up", maxOutputTokens: 256, append: [] },
      200,
      { kind: "stop", reason: "the daily ceiling is reached" },
    ],
    [{ kind: "stop", reason: "paused" }, 400, { kind: "stop", reason: "paused" }],
    [{ kind: "run", maxOutputTokens: 7 }, undefined, { kind: "run", maxOutputTokens: 7 }],
  ])("%j with room %s gives %j", (allowance, left, expected) => {
    expect(boundByCeiling(allowance, left === undefined ? undefined : room(left))).toEqual(expected);
  });
});
