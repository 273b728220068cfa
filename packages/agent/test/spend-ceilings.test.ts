import type { Goal } from "@pursuit/core";
import { lastUserText } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness } from "./harness.js";

const DAY_MS = 86_400_000;
const CEILING = 3_000;

/** A clock that runs at real speed from `secondsBefore` seconds before the next UTC midnight. */
function clockBeforeMidnight(secondsBefore: number) {
  const midnight = (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
  const offset = midnight - secondsBefore * 1000 - Date.now();
  return { midnight, clock: { now: () => Date.now() + offset } };
}

describe("spend ceilings across goals", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("a daily ceiling stops two goals in two sessions with no request while it holds; midnight resumes both", async () => {
    const { midnight, clock } = clockBeforeMidnight(8);
    harness = await Harness.start({
      behaviour: fileByFileBehaviour(6),
      clock,
      config: { spendCeilings: { daily: { tokens: CEILING } } },
    });
    const sessions = [await harness.session(), await harness.session()];
    for (const sessionID of sessions) {
      await harness.runtime.goals.create(sessionID, { objective: "Write a1..a6, one file per turn" });
    }
    const held: Goal[] = [];
    for (const sessionID of sessions) {
      held.push(await harness.waitForGoal(sessionID, (goal) => goal.status === "budget_limited"));
    }
    for (const goal of held) {
      expect(goal).toMatchObject({ reason: "the daily ceiling is reached" });
      expect(goal.ceiling).toEqual({ window: "daily", unit: "tokens", allowed: CEILING, resetsAt: midnight });
    }
    await harness.settle();
    expect(clock.now()).toBeLessThan(midnight);
    const turnsHeld = await Promise.all(
      sessions.map(async (sessionID) => (await harness!.runtime.goals.get(sessionID))!.usage.turns),
    );
    const before = await harness.runtime.spend();
    const today = before.windows.find((window) => window.window === "daily")!;
    // Hard: nothing past the ceiling but the one short wrap-up a goal gets, within 5%.
    expect(today.spent.tokens).toBeGreaterThan(CEILING * 0.8);
    expect(today.spent.tokens).toBeLessThanOrEqual(CEILING * 1.05);
    expect(today.ceiling).toEqual({ tokens: CEILING });
    // While the ceiling holds, the model is not asked anything; each goal got at most its one wrap-up.
    const requestsWhileHeld = harness.model.requests.length;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, midnight - clock.now() - 300)));
    expect(harness.model.requests.length).toBe(requestsWhileHeld);
    const wrapUps = harness.model.requests.filter((request) => lastUserText(request).includes("spend ceiling"));
    expect(wrapUps.length).toBeLessThanOrEqual(2);

    // The day turns over: both goals go on by themselves (a goal alone needs ~3.5k tokens: neither could finish).
    const resumed = await Promise.all(
      sessions.map((sessionID, i) =>
        harness!.waitForGoal(sessionID, (goal) => goal.usage.turns > turnsHeld[i]!, 20_000),
      ),
    );
    expect(harness.model.requests.length).toBeGreaterThan(requestsWhileHeld);
    for (const goal of resumed) expect(goal.time.updated).toBeGreaterThanOrEqual(midnight);
    for (const sessionID of sessions) {
      const history = await harness.runtime.goals.history(sessionID);
      const statuses = history.flatMap((row) =>
        row.kind === "status" ? [`${row.from}->${row.to}: ${row.reason}`] : [],
      );
      expect(statuses.slice(0, 2)).toEqual([
        "active->budget_limited: the daily ceiling is reached",
        "budget_limited->active: the daily ceiling turned over",
      ]);
    }
    await harness.settle();
    const after = (await harness.runtime.spend()).windows.find((window) => window.window === "daily")!;
    expect(after.start).toBe(midnight);
    expect(after.spent.tokens).toBeGreaterThan(0);
    expect(after.spent.tokens).toBeLessThanOrEqual(CEILING * 1.05);
  }, 40_000);
});
