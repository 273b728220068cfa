import type { Actor, Goal } from "./goal.js";
import type { GoalHistoryEntry } from "./history.js";
import type { StoreUpdate } from "./ports.js";
import { err, ok, type Result } from "./result.js";
import { type GoalCommand, type GoalRefusal, transition } from "./transition.js";

/** A committed change: the goal afterwards (null once cleared) and the history rows written. */
export type Committed = Result<{ goal: Goal | null; history: GoalHistoryEntry[] }, GoalRefusal>;

/**
 * What one store transaction decides for a list of commands: each runs through the transition table in
 * order, a refusal leaves everything unchanged, and a charge whose key is already charged is skipped (charges
 * are idempotent). With `onlyGoalID`, nothing happens unless that goal is still the session's (a charge never
 * lands on a goal that replaced it). Pure: the store may call it again after losing a race.
 */
export function applyCommands(
  current: Goal | undefined,
  charged: (key: string) => boolean,
  commands: readonly GoalCommand[],
  actor: Actor,
  now: number,
  onlyGoalID?: string,
): StoreUpdate<Committed> {
  if (onlyGoalID !== undefined && current?.id !== onlyGoalID)
    return { result: ok({ goal: current ?? null, history: [] }) };
  let goal: Goal | undefined = current;
  let cleared = false;
  const history: GoalHistoryEntry[] = [];
  for (const command of commands) {
    if (command.type === "charge" && goal && charged(command.key)) continue;
    const step = transition(goal, command, actor, now);
    if (!step.ok) return { result: err(step.error) };
    history.push(...step.value.history);
    cleared = step.value.goal === null;
    goal = step.value.goal ?? undefined;
  }
  if (history.length === 0) return { result: ok({ goal: current ?? null, history }) };
  const next = cleared ? null : (goal ?? null);
  return { change: { goal: next, history }, result: ok({ goal: next, history }) };
}
