import type { ContextMessage } from "./context.js";
import type { GoalPolicy, StepAllowance } from "./engine-types.js";
import type { Goal, LimitName } from "./goal.js";
import { tokensLeft } from "./limits.js";
import type { RunningTurn } from "./session-runtime.js";

/**
 * A limit an active goal reaches before its next step starts: time, counting the running turn (charged only
 * when the turn ends), or tokens, when the step's estimated input leaves less output room than a wrap-up
 * gets (such a step could only produce a cut-off answer while spending the rest).
 */
export function limitBeforeStep(
  goal: Goal,
  elapsedSeconds: number,
  estimatedInputTokens: number,
  policy: GoalPolicy,
): LimitName | undefined {
  if (goal.status !== "active") return undefined;
  if (goal.limits.seconds !== undefined && goal.usage.seconds + elapsedSeconds >= goal.limits.seconds) return "seconds";
  const left = tokensLeft(goal.limits, goal.usage);
  if (left !== undefined && left - estimatedInputTokens < Math.max(1, policy.wrapUpMaxOutputTokens)) return "tokens";
  return undefined;
}

/** How far past its token limit a goal may end, as a share of the limit: the one bound on overshoot. */
export const TOKEN_OVERSHOOT_SHARE = 0.05;

/** Hosts estimate text they cannot count at 3 bytes a token: more tokens than most text has (conservative). */
export const ESTIMATE_BYTES_PER_TOKEN = 3;

/**
 * Whether a goal turn's next step may run. No step starts at a reached limit, except one wrap-up step right
 * after the crossing, and only when its estimated uncached input (the notice included) plus its output cap
 * keep the goal within 5% of its token limit; a pause stops continuation turns at once, while a person's own
 * turn goes on.
 */
export function stepAllowance(
  goal: Goal,
  turn: RunningTurn,
  policy: GoalPolicy,
  estimatedInputTokens: number,
  notice: ContextMessage[],
): StepAllowance {
  switch (goal.status) {
    case "active": {
      const left = tokensLeft(goal.limits, goal.usage);
      return left === undefined ? { kind: "run" } : { kind: "run", maxOutputTokens: left - estimatedInputTokens };
    }
    case "budget_limited": {
      const noticeTokens = notice.reduce((sum, message) => sum + estimateTokens(message.text), 0);
      const room = tokenRoomPastLimit(goal, estimatedInputTokens + noticeTokens);
      const cap = policy.wrapUpMaxOutputTokens;
      if (turn.limitCrossed && !turn.wrapUpUsed && cap > 0 && (room === undefined || room >= cap)) {
        return { kind: "wrap_up", maxOutputTokens: cap, append: notice };
      }
      return { kind: "stop", reason: `the goal's ${goal.limit ?? "budget"} limit is reached` };
    }
    case "paused":
      return turn.continuation ? { kind: "stop", reason: "the goal was paused" } : { kind: "run" };
    case "blocked":
    case "complete": {
      // The model may finish its answer after completing or blocking (no continuation follows), within the
      // same bound as a wrap-up.
      const room = tokenRoomPastLimit(goal, estimatedInputTokens);
      if (room === undefined) return { kind: "run" };
      if (room < 1) return { kind: "stop", reason: "the goal's token limit is reached" };
      return { kind: "run", maxOutputTokens: room };
    }
  }
}

/** Output tokens a step may still produce before usage passes the token limit by 5%; undefined: no limit. */
function tokenRoomPastLimit(goal: Goal, estimatedInputTokens: number): number | undefined {
  const limit = goal.limits.tokens;
  if (limit === undefined) return undefined;
  return Math.floor(limit * (1 + TOKEN_OVERSHOOT_SHARE)) - goal.usage.tokens - estimatedInputTokens;
}

/** A conservative token count for text a host cannot count itself. */
export function estimateTokens(text: string): number {
  return Math.ceil(utf8Length(text) / ESTIMATE_BYTES_PER_TOKEN);
}

/** UTF-8 byte length without platform APIs (the core is pure). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
