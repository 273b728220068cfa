import { testGoalEngine } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { ContinuationDriver, type ContinuationHost } from "./continuation-driver.js";
import type { RetryNotice } from "./retry-policy.js";
import { ManualTimers } from "./testing/manual-timers.js";

function setup(options: { startTurn?: ContinuationHost["startTurn"] } = {}) {
  const { engine, clock } = testGoalEngine({ policy: { backoffBaseMs: 2_000 } });
  const timers = new ManualTimers();
  const started: string[] = [];
  const retries: (RetryNotice | undefined)[] = [];
  const errors: unknown[] = [];
  let busy = false;
  const host: ContinuationHost = {
    facts: () => ({ idle: !busy, queuedUserMessage: false, waitingOnPerson: false }),
    startTurn:
      options.startTurn ??
      ((_sessionID, message) => {
        busy = true;
        started.push(message.text);
      }),
    retrying: (_sessionID, retry) => retries.push(retry),
    reportError: (_sessionID, error) => errors.push(error),
  };
  const driver = new ContinuationDriver(engine, clock, host, timers);
  /** The turn the driver started ends, having made no progress (nothing new happened). */
  const endTurn = async (outcome: "completed" | "error" = "completed") => {
    const turn = await engine.beginTurn("s", { turnID: `t${started.length}`, continuation: true });
    await turn.end(outcome === "error" ? { outcome, error: "500 boom" } : { outcome });
    busy = false;
    await driver.sessionIdle("s");
  };
  const settle = async () => {
    while (!driver.quiet() && timers.pending().length === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    clock,
    engine,
    timers,
    started,
    retries,
    errors,
    driver,
    endTurn,
    settle,
    setBusy: (b: boolean) => (busy = b),
  };
}

describe("ContinuationDriver", () => {
  it("starts an active goal's first turn at once when the session is idle", async () => {
    const { engine, driver, timers, started, settle } = setup();
    await engine.createGoal("s", { objective: "write files" });
    await driver.sessionIdle("s");
    expect(timers.pending()).toEqual([0]);
    timers.fire();
    await settle();
    expect(started).toHaveLength(1);
    expect(started[0]).toContain("Continue toward the goal");
    expect(driver.quiet()).toBe(true);
  });

  it("schedules again when a timer fires before the engine's time (never strands an active goal)", async () => {
    const { engine, driver, timers, started, clock, endTurn, settle } = setup();
    await engine.createGoal("s", { objective: "write files" });
    await driver.sessionIdle("s");
    timers.fire();
    await settle();
    await endTurn(); // no progress: back off 2 s
    expect(timers.pending()).toEqual([2_000]);
    clock.advance(1_999); // the timer fires a millisecond early
    timers.fire();
    await settle();
    expect(started).toHaveLength(1);
    expect(timers.pending()).toEqual([1]);
    clock.advance(1);
    timers.fire();
    await settle();
    expect(started).toHaveLength(2);
  });

  it("counts a turn the host could not start as failed: retried with backoff, then blocked with the error", async () => {
    const { engine, driver, timers, clock, retries, errors, settle, setBusy } = setup({
      startTurn: () => {
        setBusy(true);
        return Promise.reject(new Error("promptAsync: 500")).finally(() => setBusy(false));
      },
    });
    await engine.createGoal("s", { objective: "write files" });
    await driver.sessionIdle("s");
    for (const delay of [0, 2_000, 4_000]) {
      expect(timers.pending()).toEqual([delay]);
      clock.advance(delay);
      timers.fire();
      await settle();
    }
    expect(errors).toHaveLength(3);
    expect(timers.pending()).toEqual([]);
    expect(await engine.getGoal("s")).toMatchObject({
      status: "blocked",
      reason: "3 turns in a row failed; last error: promptAsync: 500",
    });
    expect(retries).toEqual([
      { attempt: 1, message: "promptAsync: 500", next: expect.any(Number) },
      undefined,
      { attempt: 2, message: "promptAsync: 500", next: expect.any(Number) },
      undefined,
    ]);
  });

  it("a pause while a continuation waits wins: the timer fires and nothing starts", async () => {
    const { engine, driver, timers, started, endTurn, clock, settle } = setup();
    await engine.createGoal("s", { objective: "write files" });
    await driver.sessionIdle("s");
    timers.fire();
    await settle();
    await endTurn("error");
    await engine.updateGoal("s", { status: "paused" });
    clock.advance(2_000);
    timers.fire();
    await settle();
    expect(started).toHaveLength(1);
    expect(timers.pending()).toEqual([]);
    expect(driver.quiet()).toBe(true);
  });

  it("starts nothing after close and leaves no timer behind", async () => {
    const { engine, driver, timers, started } = setup();
    await engine.createGoal("s", { objective: "write files" });
    await driver.sessionIdle("s");
    await driver.close();
    expect(timers.pending()).toEqual([]);
    await driver.sessionIdle("s");
    expect(timers.pending()).toEqual([]);
    expect(started).toHaveLength(0);
  });
});
