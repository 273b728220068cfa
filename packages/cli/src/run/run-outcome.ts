import type { Goal } from "@pursuit/core";
import { formatDuration, formatTokens } from "@pursuit/core";
import { criteriaLines } from "../criteria-lines.js";

/** Exit codes of `pursuit run`: what a script needs to know about how the goal ended. */
export const EXIT = { complete: 0, error: 1, budgetLimited: 2, stopped: 3, interrupted: 130 } as const;

export function exitCodeFor(goal: Goal | undefined): number {
  switch (goal?.status) {
    case "complete":
      return EXIT.complete;
    case "budget_limited":
      return EXIT.budgetLimited;
    case "paused":
    case "blocked":
      return EXIT.stopped;
    case "active":
    case "waiting":
    case undefined:
      return EXIT.error;
  }
}

/** The final summary, plain text, one fact per line. */
export function summaryText(goal: Goal | undefined, sessionID: string, elapsedSeconds: number): string {
  if (!goal) return `No goal on session ${sessionID} (it was cleared). Elapsed ${formatDuration(elapsedSeconds)}.\n`;
  const { usage, limits } = goal;
  const headline: Record<Goal["status"], string> = {
    complete: "Goal complete",
    budget_limited: `Goal stopped: the ${goal.limit ?? "budget"} limit is reached`,
    paused: "Goal paused",
    blocked: "Goal blocked",
    active: "Goal still active",
    waiting: "Goal waiting",
  };
  const of = (limit: number | undefined, text: (n: number) => string) => (limit ? ` of ${text(limit)}` : "");
  const lines = [
    `${headline[goal.status]}.`,
    `  objective: ${goal.objective.split("\n")[0]}`,
    `  turns:     ${usage.turns}${of(limits.turns, String)}`,
    `  tokens:    ${formatTokens(usage.tokens)}${of(limits.tokens, formatTokens)} charged (${formatTokens(usage.cacheRead)} read from cache, not charged)`,
    `  time:      ${formatDuration(usage.seconds)} busy${of(limits.seconds, formatDuration)}, ${formatDuration(elapsedSeconds)} elapsed`,
  ];
  if (usage.costUSD !== null || limits.costUSD) {
    lines.push(`  cost:      $${(usage.costUSD ?? 0).toFixed(4)}${of(limits.costUSD, (n) => `$${n.toFixed(2)}`)}`);
  }
  if (goal.reason && goal.status !== "complete") lines.push(`  reason:    ${goal.reason}`);
  if (goal.criteria?.length) lines.push(...criteriaLines(goal.criteria, "criteria:  "));
  if (goal.evidence) lines.push(`  evidence:  ${goal.evidence.split("\n")[0]}`);
  lines.push(`  session:   ${sessionID}`);
  if (goal.status === "paused" || goal.status === "blocked") {
    lines.push(`Resume with: pursuit run --session ${sessionID}`);
  } else if (goal.status === "budget_limited") {
    lines.push(`Raise the limit and resume with: pursuit run --session ${sessionID} --${limitFlag(goal.limit)} <more>`);
  }
  return `${lines.join("\n")}\n`;
}

function limitFlag(limit: Goal["limit"]): string {
  switch (limit) {
    case "seconds":
      return "time";
    case "costUSD":
      return "cost";
    case "turns":
      return "turns";
    default:
      return "tokens";
  }
}

/** Runs shorter than this end silently: whoever started them is still watching. */
export const BELL_AFTER_SECONDS = 60;

/** Whether the end of a run rings the terminal's bell: on a terminal, after a run of more than a minute. */
export function ringsBell(sink: { isTTY?: boolean }, elapsedSeconds: number): boolean {
  return sink.isTTY === true && elapsedSeconds > BELL_AFTER_SECONDS;
}
