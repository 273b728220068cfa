import type { Event, Goal, GoalStatus } from "@pursuit/sdk";

/** Where a goal ends up that a person wants to hear about: done, stopped at a limit, stuck, or paused by the runtime. */
const TERMINAL: GoalStatus[] = ["complete", "budget_limited", "blocked"];

const TITLES: Record<string, string> = {
  complete: "Goal complete",
  budget_limited: "Goal stopped at its limit",
  blocked: "Goal blocked",
  paused: "Goal paused by the runtime",
};

export type GoalNotice = { title: string; body: string; sessionID: string };

/**
 * Turns the event stream into the few notices worth a notification: a goal that was active (or waiting) reaching complete,
 * its limit, blocked, or paused by the runtime (stalled, errors), never a pause a person made nor each turn.
 */
export class GoalNotifier {
  private readonly last = new Map<string, GoalStatus>();

  notice(event: Event): GoalNotice | undefined {
    if (event.type !== "session.goal.updated") return undefined;
    const goal = event.properties.goal;
    const before = this.last.get(goal.id);
    this.last.set(goal.id, goal.status);
    // A waiting goal is as alive as an active one: a limit or a pause can end it too. Waiting itself is no news.
    const live = (status: GoalStatus | undefined) => status === "active" || status === "waiting";
    if (!live(before) || live(goal.status)) return undefined;
    if (!TERMINAL.includes(goal.status) && !(goal.status === "paused" && pausedByRuntime(goal))) return undefined;
    return { title: TITLES[goal.status] ?? "Goal changed", body: describe(goal), sessionID: goal.sessionID };
  }
}

function pausedByRuntime(goal: Goal): boolean {
  const reason = goal.reason ?? "";
  return reason !== "" && !/by the user|from the web app|paused by/i.test(reason);
}

function describe(goal: Goal): string {
  const why = goal.status === "complete" ? goal.evidence : goal.reason;
  return why ? `${goal.objective}\n${why}` : goal.objective;
}
