import type { CeilingHit, Goal, GoalLimits, GoalUsage, LimitName } from "./goal.js";
import { openCriteria } from "./goal-criteria.js";
import { usedOf } from "./limits.js";
import { escapeUserText, renderTemplate } from "./templates.js";
import { utf8Length } from "./token-estimate.js";
import { formatAmount } from "./transition.js";

/**
 * Goal context reaches the model only as messages the host appends and persists; earlier messages are
 * never rewritten, so every request extends the previous one and the prompt cache keeps working.
 */
export type ContextMessage = {
  kind: "goal_set" | "objective_edited" | "continuation" | "budget_notice" | "goal_restored";
  text: string;
};

export function goalSetMessage(goal: Goal): ContextMessage {
  const criteria = describeOpenCriteria(goal, CONTINUATION_MAX_BYTES).trim();
  return {
    kind: "goal_set",
    text: renderTemplate("goal-set", {
      objective: escapeUserText(goal.objective),
      limits: describeLimits(goal.limits),
      criteria: criteria ? `\n${criteria}` : "",
    }),
  };
}

export function objectiveEditedMessage(goal: Goal): ContextMessage {
  return {
    kind: "objective_edited",
    text: renderTemplate("objective-edited", { objective: escapeUserText(goal.objective) }),
  };
}

/**
 * The counters make each continuation distinct yet deterministic: same goal + same usage = same bytes. An active
 * goal's reason (why it woke from a wait, or that a limit was raised) is told here once.
 */
export function continuationMessage(goal: Goal): ContextMessage {
  const reason =
    goal.status === "active" && goal.reason ? ` Note: ${escapeUserText(clip(goal.reason, NOTE_CHARS))}.` : "";
  const render = (criteria: string) =>
    renderTemplate("continuation", {
      turn: String(goal.usage.turns + 1),
      usage: describeUsage(goal),
      note: reason,
      criteria,
    });
  const room = CONTINUATION_MAX_BYTES - utf8Length(render(""));
  return { kind: "continuation", text: render(describeOpenCriteria(goal, room)) };
}

/** The most a continuation carries, open criteria included. */
export const CONTINUATION_MAX_BYTES = 600;
const CRITERION_CHARS = 48;

/**
 * ` Open criteria: 1 "tests pass"; 3 "docs upda…" (+2 more, see get_goal).`: the open criteria by number with
 * short text, within `room` bytes (an empty string when none are open or none fit).
 */
function describeOpenCriteria(goal: Goal, room: number): string {
  const open = openCriteria(goal);
  if (open.length === 0) return "";
  const head = " Open criteria (close each with update_goal {criterion, evidence}): ";
  const listed = open.map((criterion) => `${criterion.id} "${escapeUserText(clip(criterion.text, CRITERION_CHARS))}"`);
  for (let shown = listed.length; shown >= 0; shown--) {
    const more = shown < listed.length ? ` (+${listed.length - shown} more, see get_goal)` : "";
    const text = `${head}${listed.slice(0, shown).join("; ")}${more}.`;
    if (utf8Length(text) <= room) return text;
  }
  return "";
}

/** The longest note a continuation carries (a wait's reason can be long; get_goal has it whole). */
const NOTE_CHARS = 160;
const clip = (text: string, chars: number): string => (text.length > chars ? `${text.slice(0, chars - 3)}...` : text);

/** The most goal context the first request after a compaction carries. */
export const GOAL_RESTORED_MAX_BYTES = 600;
const CUT_OBJECTIVE = "… (cut; get_goal has all of it)";

/**
 * After a compaction the goal goes back into the model's view, short: objective, status, what was used of
 * the limits, and that earlier history was summarised (or its old tool outputs dropped). A long objective is
 * cut to keep the message within GOAL_RESTORED_MAX_BYTES; get_goal has it whole.
 */
export function goalRestoredMessage(goal: Goal, compaction: { summarised: boolean }): ContextMessage {
  const render = (objective: string) =>
    renderTemplate("goal-restored", {
      compacted: compaction.summarised ? "summarised" : "trimmed (old tool outputs dropped)",
      status: goal.status,
      objective: escapeUserText(objective),
      usage: describeUsage(goal),
    });
  let text = render(goal.objective);
  if (utf8Length(text) > GOAL_RESTORED_MAX_BYTES) {
    const room = Math.max(0, GOAL_RESTORED_MAX_BYTES - utf8Length(render("")) - utf8Length(CUT_OBJECTIVE));
    // Escaping can lengthen the objective: cut until the rendered text fits.
    let keep = Math.min(goal.objective.length, room);
    while (keep > 0 && utf8Length(render(goal.objective.slice(0, keep) + CUT_OBJECTIVE)) > GOAL_RESTORED_MAX_BYTES)
      keep--;
    text = render(goal.objective.slice(0, keep) + CUT_OBJECTIVE);
  }
  return { kind: "goal_restored", text };
}

/** The instruction appended to a session's own history to have the model summarise it. */
export function compactionPrompt(): string {
  return renderTemplate("compaction-prompt", {});
}

/** How a summary stands in for the messages it replaced, at the start of the model's view. */
export function compactionSummaryText(summary: string): string {
  return renderTemplate("compaction-summary", { summary });
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

/** The notice of a step stopped by a spend ceiling across goals: the model wraps up; the goal goes on later. */
export function ceilingNoticeMessage(room: { hit: CeilingHit; used: number; allowed: number }): ContextMessage {
  const unit = room.hit.unit === "tokens" ? "tokens" : "costUSD";
  return {
    kind: "budget_notice",
    text: renderTemplate("ceiling-notice", {
      window: room.hit.window,
      used: formatQuantity(unit, room.used),
      allowed: formatQuantity(unit, room.allowed),
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
