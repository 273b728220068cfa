import type { CeilingHit, Goal } from "./goal.js";
import { type TransitionResult, unchanged, withStatus } from "./goal-change.js";
import { reachedLimit } from "./limits.js";
import { ok } from "./result.js";
import { ceilingReason } from "./spend-ceilings.js";

/** The runtime's commands for the spend ceilings across goals. */
export type CeilingCommand =
  /** A step of this active goal would pass a ceiling: it stops until the window turns over. */
  | { type: "ceiling"; hit: CeilingHit }
  /** The window turned over, or a person raised the ceiling: the goal goes on. */
  | { type: "ceiling_lifted"; reason: string };

/**
 * An active goal stopped by a ceiling is budget_limited with the ceiling and why; one already stopped by a
 * ceiling that is still reached when its window turns over (a weekly one past a daily one) takes the new one.
 */
export function ceilingReached(current: Goal, hit: CeilingHit, now: number): TransitionResult {
  const detail = { reason: ceilingReason(hit), ceiling: hit };
  if (current.status === "active") return ok(withStatus(current, "budget_limited", "runtime", now, detail));
  const held = current.ceiling;
  if (current.status !== "budget_limited" || !held) return unchanged(current);
  const same =
    held.window === hit.window &&
    held.unit === hit.unit &&
    held.allowed === hit.allowed &&
    held.resetsAt === hit.resetsAt;
  if (same) return unchanged(current);
  return ok(withStatus(current, "budget_limited", "runtime", now, detail));
}

/** A goal a ceiling stopped goes on, unless its own limit is reached meanwhile (then that limit holds it). */
export function ceilingLifted(current: Goal, reason: string, now: number): TransitionResult {
  if (current.status !== "budget_limited" || !current.ceiling) return unchanged(current);
  const limit = reachedLimit(current.limits, current.usage);
  if (limit) return ok(withStatus(current, "budget_limited", "runtime", now, { limit }));
  return ok(withStatus(current, "active", "runtime", now, { reason }));
}
