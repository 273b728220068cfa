import type { Goal } from "@pursuit/sdk";

const LIMIT_WORDS = { tokens: "token", turns: "turn", seconds: "time", costUSD: "cost" } as const;

/**
 * Why a goal stands where it does: the evidence of a complete one, else its reason or the limit it reached; a goal a
 * spend ceiling stopped also says when it goes on.
 */
export function goalWhy(goal: Goal): string | undefined {
  if (goal.status === "complete") return goal.evidence;
  if (goal.status === "budget_limited" && goal.ceiling) {
    const at = new Date(goal.ceiling.resetsAt)
      .toISOString()
      .replace(/:\d\d\.\d+Z$/, " UTC")
      .replace("T", " ");
    return `${goal.reason ?? `the ${goal.ceiling.window} ceiling is reached`}; goes on by itself at ${at}`;
  }
  if (goal.reason) return goal.reason;
  return goal.status === "budget_limited" && goal.limit ? `the ${LIMIT_WORDS[goal.limit]} limit is reached` : undefined;
}
