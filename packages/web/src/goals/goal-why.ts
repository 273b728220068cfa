import type { Goal } from "@pursuit/sdk";

const LIMIT_WORDS = { tokens: "token", turns: "turn", seconds: "time", costUSD: "cost" } as const;

/** Why a goal stands where it does: the evidence of a complete one, else its reason or the limit it reached. */
export function goalWhy(goal: Goal): string | undefined {
  if (goal.status === "complete") return goal.evidence;
  if (goal.reason) return goal.reason;
  return goal.status === "budget_limited" && goal.limit ? `the ${LIMIT_WORDS[goal.limit]} limit is reached` : undefined;
}
