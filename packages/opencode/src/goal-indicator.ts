import {
  type CriterionInput,
  formatDuration,
  formatTokens,
  type Goal,
  type GoalWait,
  parseTokens,
} from "@pursuit/core";

/** The one line the TUI shows beside the prompt: status, tokens used of the limit, busy time. */
export function goalIndicator(goal: Goal | undefined): string {
  if (!goal) return "no goal";
  const tokens =
    goal.limits.tokens === undefined
      ? `${formatTokens(goal.usage.tokens)} tok`
      : `${formatTokens(goal.usage.tokens)}/${formatTokens(goal.limits.tokens)} tok`;
  const status =
    goal.status === "budget_limited"
      ? `budget_limited (${goal.limit ?? "limit"})`
      : goal.wait
        ? `waiting (${waitWords(goal.wait)})`
        : goal.status;
  const criteria = goal.criteria?.length
    ? ` · criteria ${goal.criteria.filter((criterion) => criterion.closed).length}/${goal.criteria.length}`
    : "";
  return `goal ${status} · ${tokens}${criteria} · ${formatDuration(goal.usage.seconds)}`;
}

/** "needs input", "quota resets 14:05", "check, wakes by 14:30": short enough for one line. */
function waitWords(wait: GoalWait): string {
  const at = (time: number) => new Date(time).toTimeString().slice(0, 5);
  switch (wait.kind) {
    case "person":
      return "needs input";
    case "quota":
      return `quota resets ${at(wait.wakeAt ?? wait.until ?? wait.since)}`;
    case "check":
    case "time":
      return `${wait.kind}, wakes by ${at(wait.wakeAt ?? wait.since)}`;
  }
}

export type GoalMenuAction =
  | "set"
  | "edit"
  | "pause"
  | "resume"
  | "limit"
  | "criterion"
  | "criteria_clear"
  | "queue"
  | "clear";

/** What the /goal menu offers for the goal as it is now. */
export function goalMenu(goal: Goal | undefined): { action: GoalMenuAction; title: string; description: string }[] {
  if (!goal || goal.status === "complete") {
    return [{ action: "set", title: "Set a goal…", description: "the session works on it until it is done" }];
  }
  const items: { action: GoalMenuAction; title: string; description: string }[] = [
    { action: "edit", title: "Edit the objective…", description: goal.objective.slice(0, 60) },
  ];
  if (goal.status === "active")
    items.push({ action: "pause", title: "Pause", description: "no more continuation turns" });
  else if (goal.status === "waiting") {
    items.push(
      { action: "resume", title: "Wake now", description: goal.wait?.reason ?? "stop waiting and work" },
      { action: "pause", title: "Pause", description: "stop waiting; nothing wakes it" },
    );
  } else items.push({ action: "resume", title: "Resume", description: goal.reason ?? `the goal is ${goal.status}` });
  items.push(
    { action: "limit", title: "Set the token limit…", description: "e.g. 200k; empty removes it" },
    { action: "criterion", title: "Add an acceptance criterion…", description: "a sentence; `:: command` checks it" },
  );
  if (goal.criteria?.length) {
    const closed = goal.criteria.filter((criterion) => criterion.closed).length;
    items.push({
      action: "criteria_clear",
      title: "Remove the criteria",
      description: `${closed} of ${goal.criteria.length} closed`,
    });
  }
  items.push(
    { action: "queue", title: "Queue a next goal…", description: "it starts when this one completes" },
    { action: "clear", title: "Clear the goal", description: "its history stays" },
  );
  return items;
}

/**
 * The criterion prompt's answer: `the tests pass` or `the tests pass :: npm test` (the command after `::` must
 * pass for the criterion to close).
 */
export function parseCriterionInput(
  text: string,
): { ok: true; value: CriterionInput } | { ok: false; message: string } {
  const [sentence = "", ...rest] = text.split("::");
  const criterion = sentence.trim();
  const check = rest.join("::").trim();
  if (!criterion) return { ok: false, message: "write the criterion as a sentence (add `:: command` to check it)" };
  if (rest.length > 0 && !check) return { ok: false, message: "give the check command after `::`, or leave `::` out" };
  return { ok: true, value: check ? { text: criterion, check } : { text: criterion } };
}

/** The goal's criteria as a person gives them, to send back with one more (closures stay with unchanged ones). */
export function criteriaInputs(goal: Goal | undefined): CriterionInput[] {
  return (goal?.criteria ?? []).map(({ text, check }) => (check ? { text, check } : { text }));
}

/** The token-limit prompt's answer: "200k" sets it, an empty answer removes it. */
export function parseTokenLimitInput(
  text: string,
): { ok: true; value: number | null } | { ok: false; message: string } {
  if (text.trim() === "") return { ok: true, value: null };
  const parsed = parseTokens(text.trim(), "token limit");
  return parsed.ok ? { ok: true, value: parsed.value } : { ok: false, message: parsed.error.message };
}
