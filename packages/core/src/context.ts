import type { Goal, GoalLimits, GoalUsage, LimitName } from "./goal.js";
import { usedOf } from "./limits.js";
import { escapeUserText, renderTemplate } from "./templates.js";
import { formatAmount } from "./transition.js";

/**
 * Goal context reaches the model only as messages the host appends and persists; earlier messages are
 * never rewritten, so every request extends the previous one and the prompt cache keeps working.
 */
export type ContextMessage = {
  kind: "goal_set" | "objective_edited" | "continuation" | "budget_notice";
  text: string;
};

export function goalSetMessage(goal: Goal): ContextMessage {
  return {
    kind: "goal_set",
    text: renderTemplate("goal-set", {
      objective: escapeUserText(goal.objective),
      limits: describeLimits(goal.limits),
    }),
  };
}

export function objectiveEditedMessage(goal: Goal): ContextMessage {
  return {
    kind: "objective_edited",
    text: renderTemplate("objective-edited", { objective: escapeUserText(goal.objective) }),
  };
}

/** The counters make each continuation distinct yet deterministic: same goal + same usage = same bytes. */
export function continuationMessage(goal: Goal): ContextMessage {
  return {
    kind: "continuation",
    text: renderTemplate("continuation", { turn: String(goal.usage.turns + 1), usage: describeUsage(goal) }),
  };
}

/** `extraSeconds` adds the running turn's time, which is charged only when the turn ends. */
export function budgetNoticeMessage(goal: Goal, limit: LimitName, extraSeconds = 0): ContextMessage {
  return {
    kind: "budget_notice",
    text: renderTemplate("budget-notice", {
      limit: LIMIT_LABELS[limit],
      used: formatQuantity(limit, usedOf(limit, goal.usage, extraSeconds)),
      allowed: formatQuantity(limit, goal.limits[limit] ?? 0),
    }),
  };
}

const LIMIT_LABELS: Record<LimitName, string> = { tokens: "token", turns: "turn", seconds: "time", costUSD: "cost" };

function formatQuantity(limit: LimitName, value: number): string {
  switch (limit) {
    case "tokens":
      return `${Math.round(value)} tokens`;
    case "turns":
      return `${Math.round(value)} turns`;
    case "seconds":
      return `${Math.round(value)} s`;
    case "costUSD":
      return `$${value.toFixed(2)}`;
  }
}

export function describeLimits(limits: GoalLimits): string {
  const parts = (["tokens", "turns", "seconds", "costUSD"] as const)
    .filter((name) => limits[name] !== undefined)
    .map((name) => formatQuantity(name, limits[name] ?? 0));
  return parts.length === 0 ? "Limits: none." : `Limits: ${parts.join(", ")}.`;
}

/** "1200 of 20000 tokens, 3 turns, 45 s" — each limited quantity shows its limit. */
export function describeUsage(goal: Goal): string {
  const usage: GoalUsage = goal.usage;
  const part = (name: LimitName, value: number): string => {
    const limit = goal.limits[name];
    const shown = formatQuantity(name, value);
    if (limit === undefined) return shown;
    return name === "costUSD"
      ? `${shown} of ${formatQuantity(name, limit)}`
      : `${formatAmount(Math.round(value))} of ${formatQuantity(name, limit)}`;
  };
  const parts = [part("tokens", usage.tokens), part("turns", usage.turns), part("seconds", usage.seconds)];
  if (usage.costUSD !== null || goal.limits.costUSD !== undefined) parts.push(part("costUSD", usage.costUSD ?? 0));
  return parts.join(", ");
}
