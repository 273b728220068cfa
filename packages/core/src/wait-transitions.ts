import type { Actor, Goal } from "./goal.js";
import { entry, refuse, type TransitionResult, unchanged, withStatus } from "./goal-change.js";
import { afterCheck, startWait, type WaitEnd, type WaitPolicy, type WaitRequest, wakeDue } from "./goal-wait.js";
import type { GoalChange, GoalHistoryEntry } from "./history.js";
import { ok } from "./result.js";

/** The rows of the transition table that take a goal into and out of `waiting` (see goal-wait.ts for the rules). */
export type WaitCommand =
  /** An active goal waits (the model asked, or the runtime saw polling, a quota exhausted or a question asked). */
  | { type: "wait"; request: WaitRequest; policy: WaitPolicy }
  /** The runtime ran a waiting goal's check: it wakes the goal or the wait goes on. */
  | { type: "checked"; command: string; exitCode: number | null; output: string; policy: WaitPolicy }
  /** The runtime wakes a waiting goal whose time has come, or whose person answered (`answered`). */
  | { type: "wake"; answered?: true };

/**
 * An active goal waits. The model may ask only while the goal is active (never to slip out of a person's pause or
 * a limit); the runtime's waits replace an earlier wait of its own (a question asked while a check runs).
 */
export function wait(
  current: Goal,
  command: Extract<WaitCommand, { type: "wait" }>,
  actor: Actor,
  now: number,
): TransitionResult {
  const waitable = current.status === "active" || (actor === "runtime" && current.status === "waiting");
  if (!waitable) {
    return actor === "model"
      ? refuse("forbidden", `the goal is ${current.status}; only the user can change it now`)
      : unchanged(current);
  }
  const by = actor === "model" ? "model" : "runtime";
  // The goal's own bound, when a person gave one, wins over the configured one.
  const policy =
    current.maxWaitSeconds === undefined
      ? command.policy
      : { ...command.policy, waitMaxMs: current.maxWaitSeconds * 1000 };
  const started = startWait(command.request, by, now, policy);
  if (!started.ok) return refuse("invalid", started.error.message, started.error.field);
  return ok(withStatus(current, "waiting", actor, now, { reason: started.value.reason, wait: started.value }));
}

/** A check's run: it wakes the goal, or the wait goes on with its next run (a `wait_checked` row either way). */
export function checked(
  current: Goal,
  command: Extract<WaitCommand, { type: "checked" }>,
  now: number,
): TransitionResult {
  const check = current.wait?.check;
  // The goal stopped waiting (or waits for something else) while the check ran: its result is of no use now.
  if (current.status !== "waiting" || !current.wait || check?.command !== command.command) return unchanged(current);
  const outcome = afterCheck(current.wait, command, now, command.policy);
  const output = command.output.slice(-2_000);
  const row = (changed: boolean): GoalHistoryEntry =>
    entry(current, "runtime", now, {
      kind: "wait_checked",
      command: command.command,
      exitCode: command.exitCode,
      output,
      woke: changed,
    });
  if ("end" in outcome) {
    const woken = wakeWith(current, outcome.end, now);
    return ok({ goal: woken.goal, history: [row(true), ...woken.history] });
  }
  const goal: Goal = { ...current, wait: outcome.wait, time: { ...current.time, updated: now } };
  const due = wakeDue(outcome.wait, now);
  if (due) {
    const woken = wakeWith(goal, due, now);
    return ok({ goal: woken.goal, history: [row(false), ...woken.history] });
  }
  return ok({ goal, history: [row(false)] });
}

export function wake(current: Goal, answered: boolean, now: number): TransitionResult {
  if (current.status !== "waiting" || !current.wait) return unchanged(current);
  if (answered) {
    if (current.wait.kind !== "person") return unchanged(current);
    return ok(wakeWith(current, { reason: "the person answered", quiet: false }, now));
  }
  const due = wakeDue(current.wait, now);
  return due ? ok(wakeWith(current, due, now)) : unchanged(current);
}

/**
 * A wait ends: the goal is active again, with why in its reason (the next continuation tells the model). A wait
 * that ended at its bound with nothing changed wakes the goal once; the second in a row pauses it.
 */
function wakeWith(current: Goal, end: WaitEnd, now: number): GoalChange & { goal: Goal } {
  const quiet = end.quiet ? (current.quietWakes ?? 0) + 1 : 0;
  if (quiet >= 2) {
    const paused = withStatus(current, "paused", "runtime", now, { reason: `${end.reason} twice in a row` });
    const { quietWakes: _quiet, ...goal } = paused.goal;
    return { goal, history: paused.history };
  }
  const woken = withStatus(current, "active", "runtime", now, { reason: end.reason });
  const { quietWakes: _quiet, ...goal } = woken.goal;
  return { goal: quiet > 0 ? { ...goal, quietWakes: quiet } : goal, history: woken.history };
}
