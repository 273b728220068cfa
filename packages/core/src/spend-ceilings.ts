import type { StepAllowance } from "./engine-types.js";
import type { CeilingHit, SpendWindow } from "./goal.js";
import { SPEND_WINDOWS } from "./goal.js";
import { err, ok, type Result } from "./result.js";
import { estimatedInputCostUSD, type StepEstimate } from "./step-allowance.js";

/** What one window may spend: tokens (charged as a goal's are) and/or dollars. */
export type SpendCap = { tokens?: number; costUSD?: number };

/** The ceilings above every goal of a server, from configuration. */
export type SpendCeilings = Partial<Record<SpendWindow, SpendCap>>;

/** Tokens charged and dollars spent (0 for steps of unpriced models). */
export type SpendAmount = { tokens: number; costUSD: number };

/** What a window has spent so far, and when it began and turns over (epoch ms). */
export type WindowSpend = { window: SpendWindow; start: number; end: number; spent: SpendAmount };

/** What `GET /spend` answers: each window's spend so far, with its ceiling when one is set. */
export type SpendReport = { windows: (WindowSpend & { ceiling?: SpendCap })[] };

export const DAY_MS = 86_400_000;
const PER_MILLION = 1_000_000;

export const noSpend = (): SpendAmount => ({ tokens: 0, costUSD: 0 });

/** The UTC day (from midnight) or the UTC week (from Monday midnight) that holds `now`. */
export function windowBounds(window: SpendWindow, now: number): { start: number; end: number } {
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
  switch (window) {
    case "daily":
      return { start: dayStart, end: dayStart + DAY_MS };
    case "weekly": {
      const sinceMonday = (new Date(dayStart).getUTCDay() + 6) % 7;
      const start = dayStart - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
  }
}

/** The first day the widest configured window reaches back to: what must be read to know every window's spend. */
export function earliestWindowStart(now: number): number {
  return Math.min(...SPEND_WINDOWS.map((window) => windowBounds(window, now).start));
}

/** One UTC day's spend across all goals, keyed by its midnight (epoch ms). */
export type DaySpend = SpendAmount & { day: number };

/** A window's spend from per-day totals. */
export function spendInWindow(window: SpendWindow, days: readonly DaySpend[], now: number): WindowSpend {
  const { start, end } = windowBounds(window, now);
  const spent = noSpend();
  for (const day of days) {
    if (day.day < start || day.day >= end) continue;
    spent.tokens += day.tokens;
    spent.costUSD += day.costUSD;
  }
  return { window, start, end, spent };
}

type CeilingRefusal = { message: string; field: string };

/**
 * Ceilings as configured, checked: `{"daily": {"tokens": 2000000, "costUSD": 20}, "weekly": {...}}`, each amount
 * positive; anything else is refused naming the field.
 */
export function validateSpendCeilings(input: unknown, path = "spendCeilings"): Result<SpendCeilings, CeilingRefusal> {
  if (input === undefined || input === null) return ok({});
  if (typeof input !== "object" || Array.isArray(input))
    return err({ message: `${path} must be an object with "daily" and/or "weekly"`, field: path });
  const ceilings: SpendCeilings = {};
  for (const [key, value] of Object.entries(input)) {
    if (!(SPEND_WINDOWS as readonly string[]).includes(key))
      return err({ message: `${path}.${key} is not a window; use "daily" or "weekly"`, field: `${path}.${key}` });
    const window = key as SpendWindow;
    if (typeof value !== "object" || value === null || Array.isArray(value))
      return err({ message: `${path}.${key} must be {"tokens"?, "costUSD"?}`, field: `${path}.${key}` });
    const cap: SpendCap = {};
    for (const [unit, amount] of Object.entries(value)) {
      const field = `${path}.${key}.${unit}`;
      if (unit !== "tokens" && unit !== "costUSD")
        return err({ message: `${field} is not a ceiling; use "tokens" or "costUSD"`, field });
      if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0)
        return err({ message: `${field} must be a positive number`, field });
      if (unit === "tokens" && !Number.isInteger(amount))
        return err({ message: `${field} must be a whole number of tokens`, field });
      cap[unit] = amount;
    }
    if (cap.tokens === undefined && cap.costUSD === undefined)
      return err({
        message: `${path}.${key} names no ceiling; give "tokens" and/or "costUSD"`,
        field: `${path}.${key}`,
      });
    ceilings[window] = cap;
  }
  return ok(ceilings);
}

/** The tightest ceiling for a step: the output tokens it leaves after the step's estimated input, and which it is. */
export type CeilingRoom = { room: number; hit: CeilingHit; used: number; allowed: number };

/**
 * The output a step may produce before its spend passes a ceiling by `share` (the same 5% a goal's limits allow a
 * wrap-up), in the tightest window and unit; undefined when no ceiling bounds it. The step's input is priced as
 * `dollarRoom` prices it for a goal: new input uncached (or as a cache write, whichever is dearer). A dollar
 * ceiling bounds a step only when the model's prices are known; its charge still counts afterwards.
 */
export function ceilingRoom(
  ceilings: SpendCeilings,
  windows: readonly WindowSpend[],
  estimate: StepEstimate,
  share: number,
): CeilingRoom | undefined {
  let tightest: CeilingRoom | undefined;
  const consider = (room: number, hit: CeilingHit, used: number, allowed: number) => {
    if (!tightest || room < tightest.room) tightest = { room, hit, used, allowed };
  };
  const newInput = Math.max(0, Math.ceil(estimate.estimatedInputTokens ?? 0));
  for (const spend of windows) {
    const cap = ceilings[spend.window];
    if (!cap) continue;
    const hit = (unit: CeilingHit["unit"]): CeilingHit => ({
      window: spend.window,
      unit,
      allowed: cap[unit] ?? 0,
      resetsAt: spend.end,
    });
    const { tokens, costUSD } = spend.spent;
    if (cap.tokens !== undefined) {
      consider(Math.floor(cap.tokens * (1 + share)) - tokens - newInput, hit("tokens"), tokens, cap.tokens);
    }
    const prices = estimate.prices;
    if (cap.costUSD !== undefined && prices && prices.output > 0) {
      const left = cap.costUSD * (1 + share) - costUSD - estimatedInputCostUSD(estimate, prices);
      consider(Math.floor((left * PER_MILLION) / prices.output), hit("costUSD"), costUSD, cap.costUSD);
    } else if (cap.costUSD !== undefined && costUSD >= cap.costUSD * (1 + share)) {
      consider(0, hit("costUSD"), costUSD, cap.costUSD);
    }
  }
  return tightest;
}

/**
 * A step's allowance under the tightest ceiling: its output capped by the room left, and no step (a wrap-up
 * included) that has less room than it needs.
 */
export function boundByCeiling(allowance: StepAllowance, room: CeilingRoom | undefined): StepAllowance {
  if (!room || allowance.kind === "stop") return allowance;
  const stop: StepAllowance = { kind: "stop", reason: ceilingReason(room.hit) };
  if (room.room < 1) return stop;
  if (allowance.kind === "wrap_up") return room.room >= allowance.maxOutputTokens ? allowance : stop;
  return { kind: "run", maxOutputTokens: Math.min(allowance.maxOutputTokens ?? room.room, room.room) };
}

/** What a goal stopped by a ceiling says: "the daily ceiling is reached". */
export const ceilingReason = (hit: CeilingHit): string => `the ${hit.window} ceiling is reached`;
