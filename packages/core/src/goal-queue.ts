import type { Actor, Goal } from "./goal.js";
import type { GoalRefusal } from "./goal-change.js";
import type { GoalHistoryEntry } from "./history.js";
import { err, ok, type Result } from "./result.js";
import { transition } from "./transition.js";

/**
 * A goal waiting its turn in a session's queue: what a person gave for it (objective, limits, criteria, settings),
 * checked when queued, created as a new goal when the one before it completes.
 */
export type QueuedGoal = { id: string; sessionID: string; input: QueuedGoalInput; time: number };

/** A queued goal as given: the fields of a new goal (the engine checks them when it is queued and again when it starts). */
export type QueuedGoalInput = { objective: string } & Record<string, unknown>;

export const MAX_QUEUED_GOALS = 50;

/** What anyone may ask of a session's queue; only a person may. */
export type QueueCommand =
  | { type: "add"; id: string; input: unknown; now: number }
  | { type: "order"; ids: readonly string[] }
  | { type: "drop"; id: string };

const refuse = (code: GoalRefusal["code"], message: string, field?: string): { ok: false; error: GoalRefusal } =>
  err(field === undefined ? { code, message } : { code, message, field });

/**
 * The queue after a person's command, or why not. The model never edits the queue (it works on the goal in front
 * of it); the runtime only takes the next goal off it, through `nextAfter`.
 */
export function applyQueueCommand(
  sessionID: string,
  queue: readonly QueuedGoal[],
  command: QueueCommand,
  actor: Actor,
): Result<QueuedGoal[], GoalRefusal> {
  if (actor !== "user") return refuse("forbidden", "only the user can change the queue of next goals");
  switch (command.type) {
    case "add": {
      if (queue.length >= MAX_QUEUED_GOALS)
        return refuse("conflict", `the queue already holds ${MAX_QUEUED_GOALS} goals; drop one first`);
      const input = checkQueuedInput(sessionID, command.input, command.now);
      if (!input.ok) return input;
      return ok([...queue, { id: command.id, sessionID, input: input.value, time: command.now }]);
    }
    case "order": {
      const known = new Set(queue.map((item) => item.id));
      const given = new Set(command.ids);
      if (given.size !== command.ids.length) return refuse("invalid", "ids names a queued goal twice", "ids");
      const unknown = command.ids.find((id) => !known.has(id));
      if (unknown !== undefined) return refuse("not_found", `no queued goal ${unknown} in this session`, "ids");
      const missing = queue.find((item) => !given.has(item.id));
      if (missing) return refuse("invalid", `ids must name every queued goal; ${missing.id} is missing`, "ids");
      return ok(command.ids.map((id) => queue.find((item) => item.id === id) as QueuedGoal));
    }
    case "drop": {
      if (!queue.some((item) => item.id === command.id))
        return refuse("not_found", `no queued goal ${command.id} in this session`);
      return ok(queue.filter((item) => item.id !== command.id));
    }
  }
}

/**
 * A queued goal's fields, checked as the goal would be created (objective, limits, criteria, settings), so a
 * bad one is refused when queued rather than when its turn comes.
 */
function checkQueuedInput(sessionID: string, input: unknown, now: number): Result<QueuedGoalInput, GoalRefusal> {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return refuse("invalid", "a queued goal is an object with an objective");
  const fields = input as Record<string, unknown>;
  const probe = transition(
    undefined,
    { ...fields, type: "create", id: "queued", sessionID, objective: fields.objective as string },
    "user",
    now,
  );
  if (!probe.ok) return probe;
  return ok({ ...fields, objective: (probe.value.goal as Goal).objective });
}

/**
 * What a committed goal change means for the queue: the goal completed, so the next queued goal starts at once.
 * Any other stop (a limit, blocked, paused) leaves the queue waiting for a person, as does a cleared goal.
 */
export function startsNextQueued(goal: Goal | null, history: readonly GoalHistoryEntry[]): boolean {
  return (
    goal !== null && history.some((row) => row.kind === "status" && row.to === "complete" && row.goalID === goal.id)
  );
}
