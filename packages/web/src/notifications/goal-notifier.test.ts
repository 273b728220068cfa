import type { Event, Goal } from "@pursuit/sdk";
import { describe, expect, it } from "vitest";
import { GoalNotifier } from "./goal-notifier.js";

const goal = (over: Partial<Goal>): Goal => ({
  id: "g1",
  sessionID: "s1",
  objective: "Ship it",
  status: "active",
  limits: {},
  usage: {
    tokens: 0,
    input: 0,
    cacheRead: 0,
    cacheWrite: 0,
    output: 0,
    reasoning: 0,
    costUSD: null,
    turns: 0,
    seconds: 0,
  },
  createdBy: "user",
  time: { created: 0, updated: 0 },
  ...over,
});
const updated = (over: Partial<Goal>): Event => ({
  type: "session.goal.updated",
  properties: { sessionID: "s1", goal: goal(over) },
});

describe("GoalNotifier", () => {
  it("tells of an active goal that completes, hits a limit or blocks; never of each turn", () => {
    const notifier = new GoalNotifier();
    expect(notifier.notice(updated({}))).toBeUndefined();
    expect(notifier.notice(updated({ usage: { ...goal({}).usage, turns: 1 } }))).toBeUndefined();
    expect(notifier.notice(updated({ status: "complete", evidence: "tests pass" }))).toEqual({
      title: "Goal complete",
      body: "Ship it\ntests pass",
      sessionID: "s1",
    });
    expect(notifier.notice(updated({ status: "complete" }))).toBeUndefined();
    const other = new GoalNotifier();
    other.notice(updated({}));
    expect(other.notice(updated({ status: "budget_limited", limit: "tokens" }))?.title).toBe(
      "Goal stopped at its limit",
    );
  });

  it("tells of a pause the runtime made, not of one a person made", () => {
    const notifier = new GoalNotifier();
    notifier.notice(updated({}));
    expect(notifier.notice(updated({ status: "paused", reason: "paused from the web app" }))).toBeUndefined();
    notifier.notice(updated({}));
    expect(notifier.notice(updated({ status: "paused", reason: "no progress in 3 turns" }))?.title).toBe(
      "Goal paused by the runtime",
    );
  });

  it("says nothing of a wait or a wake, but tells of a waiting goal the runtime paused", () => {
    const notifier = new GoalNotifier();
    notifier.notice(updated({}));
    expect(notifier.notice(updated({ status: "waiting", reason: "CI" }))).toBeUndefined();
    expect(notifier.notice(updated({ status: "active", reason: "`gh run view` passed" }))).toBeUndefined();
    notifier.notice(updated({ status: "waiting", reason: "CI" }));
    const paused = notifier.notice(
      updated({ status: "paused", reason: "waited 30m for CI; nothing changed twice in a row" }),
    );
    expect(paused?.title).toBe("Goal paused by the runtime");
  });
});
