import { type GoalLimits, type GoalUsage, LIMIT_NAMES, type LimitName } from "./goal.js";

/** The first limit (in a fixed order) that usage has reached, if any. A limit is reached at equality. */
export function reachedLimit(limits: GoalLimits, usage: GoalUsage, extraSeconds = 0): LimitName | undefined {
  for (const name of LIMIT_NAMES) {
    const limit = limits[name];
    if (limit === undefined) continue;
    if (usedOf(name, usage, extraSeconds) >= limit) return name;
  }
  return undefined;
}

/** How much of one limit's unit the usage holds (seconds may include the running turn). */
export function usedOf(name: LimitName, usage: GoalUsage, extraSeconds = 0): number {
  switch (name) {
    case "tokens":
      return usage.tokens;
    case "turns":
      return usage.turns;
    case "seconds":
      return usage.seconds + extraSeconds;
    case "costUSD":
      return usage.costUSD ?? 0;
  }
}

/** Tokens left under the token limit, or undefined when there is no token limit. */
export function tokensLeft(limits: GoalLimits, usage: GoalUsage): number | undefined {
  return limits.tokens === undefined ? undefined : Math.max(0, limits.tokens - usage.tokens);
}

export { LIMIT_NAMES };
