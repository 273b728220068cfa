import type { GoalUsage } from "./goal.js";
import type { Charge } from "./history.js";

/**
 * One model step's token use, in the host-neutral form the engine charges. Hosts map their provider's
 * numbers onto it (the AI SDK reports input with cache details; OpenCode reports input without cache and
 * output without reasoning).
 */
export type StepUsage = {
  /** Input tokens neither read from nor written to a prompt cache. */
  noCacheInput: number;
  cacheRead: number;
  cacheWrite: number;
  /** Output tokens, reasoning included. */
  output: number;
  /** The reasoning part of `output`. */
  reasoning: number;
};

/** Dollars per million tokens. Cache prices default to the input price when a provider gives none. */
export type ModelPrices = { input: number; output: number; cacheRead?: number; cacheWrite?: number };

const PER_MILLION = 1_000_000;

/** Rounds away floating-point dust so sums of many small costs stay exact to a nano-dollar. */
const roundUSD = (value: number): number => Math.round(value * 1e9) / 1e9;

/** Charged tokens = non-cached input + cache-write input + output (reasoning included); cache reads are free. */
export function stepCharge(usage: StepUsage, prices?: ModelPrices): Charge {
  const tokens = usage.noCacheInput + usage.cacheWrite + usage.output;
  const costUSD =
    prices === undefined
      ? null
      : roundUSD(
          (usage.noCacheInput * prices.input +
            usage.cacheRead * (prices.cacheRead ?? prices.input) +
            usage.cacheWrite * (prices.cacheWrite ?? prices.input) +
            usage.output * prices.output) /
            PER_MILLION,
        );
  return {
    tokens,
    input: usage.noCacheInput,
    cacheRead: usage.cacheRead,
    cacheWrite: usage.cacheWrite,
    output: usage.output,
    reasoning: usage.reasoning,
    costUSD,
    turns: 0,
    seconds: 0,
  };
}

/** One goal turn and the busy seconds it ran, charged once when the turn ends. */
export function turnCharge(seconds: number): Charge {
  return {
    tokens: 0,
    input: 0,
    cacheRead: 0,
    cacheWrite: 0,
    output: 0,
    reasoning: 0,
    costUSD: null,
    turns: 1,
    seconds: Math.max(0, seconds),
  };
}

/** Usage after a charge. costUSD stays null until some charge carries a known price. */
export function addCharge(usage: GoalUsage, charge: Charge): GoalUsage {
  return {
    tokens: usage.tokens + charge.tokens,
    input: usage.input + charge.input,
    cacheRead: usage.cacheRead + charge.cacheRead,
    cacheWrite: usage.cacheWrite + charge.cacheWrite,
    output: usage.output + charge.output,
    reasoning: usage.reasoning + charge.reasoning,
    costUSD: charge.costUSD === null ? usage.costUSD : roundUSD((usage.costUSD ?? 0) + charge.costUSD),
    turns: usage.turns + charge.turns,
    seconds: usage.seconds + charge.seconds,
  };
}

/** Provider usage is untrusted input: negative, fractional or missing numbers become whole non-negatives. */
export function sanitizeStepUsage(usage: Partial<Record<keyof StepUsage, unknown>>): StepUsage {
  const count = (value: unknown): number =>
    typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
  const output = count(usage.output);
  return {
    noCacheInput: count(usage.noCacheInput),
    cacheRead: count(usage.cacheRead),
    cacheWrite: count(usage.cacheWrite),
    output,
    reasoning: Math.min(count(usage.reasoning), output),
  };
}
