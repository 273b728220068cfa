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

/**
 * Whether a goal turn's next step may run. No step starts at a reached limit, except one wrap-up step right
 * after the crossing; a pause stops continuation turns at once, while a person's own turn goes on.
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
    case "budget_limited":
      if (turn.limitCrossed && !turn.wrapUpUsed && policy.wrapUpMaxOutputTokens > 0) {
        return { kind: "wrap_up", maxOutputTokens: policy.wrapUpMaxOutputTokens, append: notice };
      }
      return { kind: "stop", reason: `the goal's ${goal.limit ?? "budget"} limit is reached` };
    case "paused":
      return turn.continuation ? { kind: "stop", reason: "the goal was paused" } : { kind: "run" };
    case "blocked":
    case "complete":
      // The model may finish its answer after completing or blocking; no continuation follows.
      return { kind: "run" };
  }
}
