import type { Actor, CeilingHit, Goal, GoalStatus, GoalWait, LimitName } from "./goal.js";
import type { GoalChange, GoalHistoryEntry, GoalHistoryEvent } from "./history.js";
import { err, ok, type Result } from "./result.js";

export type RefusalCode = "invalid" | "not_found" | "conflict" | "forbidden" | "verify_failed";

/** A refused command, with a message a person or a model can act on. */
export type GoalRefusal = { code: RefusalCode; message: string; field?: string };

export type TransitionResult = Result<GoalChange, GoalRefusal>;

/** The pieces every row of the transition table is written with. */
export const refuse = (code: RefusalCode, message: string, field?: string): { ok: false; error: GoalRefusal } =>
  err(field === undefined ? { code, message } : { code, message, field });

export const unchanged = (goal: Goal): TransitionResult => ok({ goal, history: [] });

/** A goal the runtime is working for or watching over: limits apply to it as they do while it runs. */
export const isRunning = (goal: Goal): boolean => goal.status === "active" || goal.status === "waiting";

/** The goal moved to another status, with the one history row that says so. */
export function withStatus(
  goal: Goal,
  to: GoalStatus,
  actor: Actor,
  now: number,
  detail: { reason?: string | undefined; limit?: LimitName; ceiling?: CeilingHit; wait?: GoalWait },
): GoalChange & { goal: Goal } {
  const { reason: _reason, limit: _limit, ceiling: _ceiling, wait: _wait, ...rest } = goal;
  const next: Goal = { ...rest, status: to, time: { ...goal.time, updated: now } };
  if (detail.reason) next.reason = detail.reason;
  if (to === "budget_limited" && detail.limit) next.limit = detail.limit;
  else if (to === "budget_limited" && detail.ceiling) next.ceiling = detail.ceiling;
  if (to === "waiting" && detail.wait) next.wait = detail.wait;
  const event: GoalHistoryEvent = {
    kind: "status",
    from: goal.status,
    to,
    ...(detail.reason ? { reason: detail.reason } : {}),
    ...(next.limit ? { limit: next.limit } : {}),
    ...(next.ceiling ? { ceiling: next.ceiling } : {}),
    ...(next.wait ? { wait: next.wait } : {}),
  };
  return { goal: next, history: [entry(next, actor, now, event)] };
}

export function entry(goal: Goal, actor: Actor, time: number, event: GoalHistoryEvent): GoalHistoryEntry {
  return { ...event, goalID: goal.id, sessionID: goal.sessionID, actor, time };
}
