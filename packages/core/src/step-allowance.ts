import type { ModelPrices } from "./accounting.js";
import type { ContextMessage } from "./context.js";
import type { GoalPolicy, StepAllowance } from "./engine-types.js";
import type { Goal, LimitName } from "./goal.js";
import type { RunningTurn } from "./session-runtime.js";
import { estimateTokens } from "./token-estimate.js";

/** How far past its token or dollar limit a goal may end, as a share of the limit: the one bound on overshoot. */
export const TOKEN_OVERSHOOT_SHARE = 0.05;

/** What a host knows of a model step before it sends it. */
export type StepEstimate = {
  /** Input the provider has not seen in this session before (charged uncached), estimated. */
  estimatedInputTokens?: number;
  /** The whole prompt, estimated; what is not new input is read from the prompt cache. Defaults to the new input. */
  promptTokens?: number;
  /** The model's prices: with them a dollar limit bounds the step before it is sent. */
  prices?: ModelPrices;
  /**
   * The most output the host asks of the step anyway (the model's own cap): what it holds against the spend
   * ceilings while in flight is its input and the lesser of this and its allowance.
   */
  outputCap?: number;
};

const PER_MILLION = 1_000_000;

/**
 * A limit an active goal reaches before its next step starts: time, counting the running turn (charged only
 * when the turn ends), or tokens or dollars, when the step's estimated input leaves less output room than a
 * wrap-up gets (such a step could only produce a cut-off answer while spending the rest).
 */
export function limitBeforeStep(
  goal: Goal,
  elapsedSeconds: number,
  estimate: StepEstimate,
  policy: GoalPolicy,
): LimitName | undefined {
  if (goal.status !== "active") return undefined;
  if (goal.limits.seconds !== undefined && goal.usage.seconds + elapsedSeconds >= goal.limits.seconds) return "seconds";
  const least = Math.max(1, policy.wrapUpMaxOutputTokens);
  const tokens = tokenRoom(goal, estimate, 0);
  if (tokens !== undefined && tokens < least) return "tokens";
  const dollars = dollarRoom(goal, estimate, 0);
  if (dollars !== undefined && dollars < least) return "costUSD";
  return undefined;
}

/**
 * Whether a goal turn's next step may run. No step starts at a reached limit, except one wrap-up step right
 * after the crossing, and only when its estimated input (the notice included) plus its output cap keep the goal
 * within 5% of its token and dollar limits; a pause stops continuation turns at once, while a person's own
 * turn goes on. A running step's output is capped by the tokens and the dollars left after its input.
 */
export function stepAllowance(
  goal: Goal,
  turn: RunningTurn,
  policy: GoalPolicy,
  estimate: StepEstimate,
  notice: ContextMessage[],
): StepAllowance {
  switch (goal.status) {
    case "active": {
      const room = outputRoom(goal, estimate, 0);
      return room === undefined ? { kind: "run" } : { kind: "run", maxOutputTokens: room };
    }
    case "budget_limited": {
      const noticeTokens = notice.reduce((sum, message) => sum + estimateTokens(message.text), 0);
      const withNotice = withNewInput(estimate, noticeTokens);
      const room = outputRoom(goal, withNotice, TOKEN_OVERSHOOT_SHARE);
      const cap = policy.wrapUpMaxOutputTokens;
      if (turn.limitCrossed && !turn.wrapUpUsed && cap > 0 && (room === undefined || room >= cap)) {
        return { kind: "wrap_up", maxOutputTokens: cap, append: notice };
      }
      const reason = goal.ceiling
        ? `the ${goal.ceiling.window} ceiling is reached`
        : `the goal's ${goal.limit ?? "budget"} limit is reached`;
      return { kind: "stop", reason };
    }
    case "paused":
      return turn.continuation ? { kind: "stop", reason: "the goal was paused" } : { kind: "run" };
    case "blocked":
    case "complete":
    case "waiting": {
      // The model may finish its answer after completing, blocking or asking to wait (no continuation follows
      // until the wait ends), within the same bound as a wrap-up.
      const room = outputRoom(goal, estimate, TOKEN_OVERSHOOT_SHARE);
      if (room === undefined) return { kind: "run" };
      if (room < 1) return { kind: "stop", reason: "the goal's limit is reached" };
      return { kind: "run", maxOutputTokens: room };
    }
  }
}

/** Output tokens a step may produce before passing a token or dollar limit by `share`; undefined: no such limit. */
function outputRoom(goal: Goal, estimate: StepEstimate, share: number): number | undefined {
  const tokens = tokenRoom(goal, estimate, share);
  const dollars = dollarRoom(goal, estimate, share);
  if (tokens === undefined) return dollars;
  if (dollars === undefined) return tokens;
  return Math.min(tokens, dollars);
}

function tokenRoom(goal: Goal, estimate: StepEstimate, share: number): number | undefined {
  const limit = goal.limits.tokens;
  if (limit === undefined) return undefined;
  return Math.floor(limit * (1 + share)) - goal.usage.tokens - newInput(estimate);
}

/**
 * The dollars left after the step's input, in output tokens at the model's output price. The new input is
 * priced at the dearer of uncached input and a cache write (Anthropic writes it to the cache), the rest of the
 * prompt as a cache read: the most the provider bills for that prompt unless its cache fails entirely.
 */
function dollarRoom(goal: Goal, estimate: StepEstimate, share: number): number | undefined {
  const limit = goal.limits.costUSD;
  const prices = estimate.prices;
  if (limit === undefined || prices === undefined || !(prices.output > 0)) return undefined;
  const left = limit * (1 + share) - (goal.usage.costUSD ?? 0) - estimatedInputCostUSD(estimate, prices);
  return Math.floor((left * PER_MILLION) / prices.output);
}

/** What a step's prompt costs before any output, estimated as `dollarRoom` says. */
export function estimatedInputCostUSD(estimate: StepEstimate, prices: ModelPrices): number {
  const fresh = newInput(estimate);
  const cached = Math.max(0, (estimate.promptTokens ?? fresh) - fresh);
  const freshPrice = Math.max(prices.input, prices.cacheWrite ?? prices.input);
  return (fresh * freshPrice + cached * (prices.cacheRead ?? prices.input)) / PER_MILLION;
}

const newInput = (estimate: StepEstimate): number => Math.max(0, Math.ceil(estimate.estimatedInputTokens ?? 0));

const withNewInput = (estimate: StepEstimate, tokens: number): StepEstimate => ({
  ...estimate,
  estimatedInputTokens: newInput(estimate) + tokens,
  ...(estimate.promptTokens !== undefined ? { promptTokens: estimate.promptTokens + tokens } : {}),
});
