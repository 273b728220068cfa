import { describe, expect, it } from "vitest";
import type { StepUsage } from "./accounting.js";
import { CeilingGuard } from "./ceiling-guard.js";
import type { SessionFacts } from "./continuation.js";
import { GoalEngine } from "./goal-engine.js";
import { createMemoryGoalStore } from "./memory-store.js";
import type { SpendCeilings } from "./spend-ceilings.js";
import { FakeClock, sequentialIds } from "./testing/fake-ports.js";

const idle: SessionFacts = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
const output = (tokens: number): StepUsage => ({
  noCacheInput: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: tokens,
  reasoning: 0,
});
// Sunday 2026-12-06, 22:00 UTC: the day turns over in two hours, the week with it.
const SUNDAY_EVENING = Date.parse("2026-12-06T22:00:00Z");
const MONDAY = Date.parse("2026-12-07T00:00:00Z");

function setup(ceilings: SpendCeilings, wrapUpMaxOutputTokens = 0) {
  const clock = new FakeClock(SUNDAY_EVENING);
  const store = createMemoryGoalStore();
  const guard = new CeilingGuard({ ceilings, spend: store, now: () => clock.now() });
  const engine = new GoalEngine({
    store,
    clock,
    ids: sequentialIds(),
    ceilings: guard,
    policy: { wrapUpMaxOutputTokens },
  });
  /** One step of a turn, charged `tokens` of output; returns what the step was allowed. */
  async function step(sessionID: string, stepID: string, tokens: number) {
    const turn = await engine.beginTurn(sessionID, { turnID: `turn-${stepID}`, continuation: true });
    const allowance = await turn.allowStep({ estimatedInputTokens: 100 });
    if (allowance.kind !== "stop") {
      const produced = Math.min(tokens, allowance.maxOutputTokens ?? tokens);
      await turn
        .reserveStep({ stepID, estimatedInputTokens: 100 })
        .finished({ usage: { ...output(produced), noCacheInput: 100 } });
    }
    await turn.end({ outcome: "completed" });
    return allowance;
  }
  return { clock, store, guard, engine, step };
}

describe("spend ceilings across goals (engine)", () => {
  it("a daily ceiling stops two goals in two sessions; the day's turnover lets both go on", async () => {
    const { clock, engine, step, guard } = setup({ daily: { tokens: 2_000 } });
    await engine.createGoal("a", { objective: "first" });
    await engine.createGoal("b", { objective: "second" });
    expect(await step("a", "a1", 900)).toEqual({ kind: "run", maxOutputTokens: 1_900 });
    // b's step is capped by what a left under the ceiling: 2,000 - 1,000 spent - its own 100 of input.
    expect(await step("b", "b1", 5_000)).toEqual({ kind: "run", maxOutputTokens: 900 });
    const stopped = await step("a", "a2", 10);
    expect(stopped).toEqual({ kind: "stop", reason: "the daily ceiling is reached" });
    const a = await engine.getGoal("a");
    expect(a).toMatchObject({ status: "budget_limited", reason: "the daily ceiling is reached" });
    expect(a?.ceiling).toEqual({ window: "daily", unit: "tokens", allowed: 2_000, resetsAt: MONDAY });
    expect(a?.limit).toBeUndefined();
    // b is idle and active: its continuation (due after the backoff) does not start, it waits for midnight instead.
    clock.advance(60_000);
    const started = await engine.startContinuation("b", { facts: () => idle, start: () => {} });
    expect(started).toEqual({ started: false, decision: { kind: "waiting", at: MONDAY } });
    expect((await engine.getGoal("b"))?.status).toBe("budget_limited");
    expect((await guard.windows()).find((w) => w.window === "daily")?.spent.tokens).toBe(2_000);

    // A person cannot resume it while the ceiling holds; the refusal says when it turns over.
    const resumed = await engine.updateGoal("a", { status: "active" });
    expect(resumed).toMatchObject({ ok: false, error: { code: "conflict", field: "spendCeilings.daily.tokens" } });
    if (!resumed.ok) expect(resumed.error.message).toContain("2026-12-07T00:00:00.000Z");
    // Nor does an edit of its objective resume it.
    await engine.updateGoal("a", { objective: "first, reworded" });
    expect((await engine.getGoal("a"))?.status).toBe("budget_limited");

    // Before midnight an alarm changes nothing; at midnight both go on by themselves.
    clock.time = MONDAY - 1;
    expect((await engine.waitAlarm("a"))?.status).toBe("budget_limited");
    clock.time = MONDAY;
    expect(await engine.waitAlarm("a")).toMatchObject({ status: "active", reason: "the daily ceiling turned over" });
    expect(await engine.waitAlarm("b")).toMatchObject({ status: "active" });
    expect(await engine.sessionIdle("b", idle)).toEqual({ kind: "continue", at: MONDAY });
    expect(await step("b", "b2", 500)).toEqual({ kind: "run", maxOutputTokens: 1_900 });
  });

  it("a step that would pass the ceiling does not start, even when some room is left", async () => {
    const { engine, step } = setup({ daily: { tokens: 1_000 } });
    await engine.createGoal("a", { objective: "x" });
    await step("a", "a1", 890); // 990 spent: 10 left, less than the step's 100 of input
    expect(await step("a", "a2", 10)).toEqual({ kind: "stop", reason: "the daily ceiling is reached" });
    expect((await engine.getGoal("a"))?.usage.tokens).toBe(990);
  });

  it("a step waits while other sessions' steps in flight hold the room, and is not stopped for it", async () => {
    const { engine } = setup({ daily: { tokens: 10_000 } }, 200);
    await engine.createGoal("a", { objective: "x" });
    await engine.createGoal("b", { objective: "y" });
    const turnA = await engine.beginTurn("a", { turnID: "ta", continuation: true });
    const turnB = await engine.beginTurn("b", { turnID: "tb", continuation: true });
    expect(await turnA.allowStep({ estimatedInputTokens: 1_000 })).toEqual({ kind: "run", maxOutputTokens: 9_000 });
    // a holds 10,000 (1,000 in, up to 9,000 out): b's step waits for it, and b's goal stays active meanwhile.
    let allowedB: unknown;
    const waitingB = turnB.allowStep({ estimatedInputTokens: 1_000 }).then((allowance) => {
      allowedB = allowance;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(allowedB).toBeUndefined();
    expect((await engine.getGoal("b"))?.status).toBe("active");
    // A person's pause of b is not held up by b's waiting step.
    expect((await engine.updateGoal("b", { status: "paused" })).ok).toBe(true);
    expect((await engine.updateGoal("b", { status: "active" })).ok).toBe(true);
    await turnA
      .reserveStep({ stepID: "sa", estimatedInputTokens: 1_000 })
      .finished({ usage: { ...output(500), noCacheInput: 1_000 } });
    await waitingB;
    // a charged 1,500: b may use the rest after its own 1,000 of input.
    expect(allowedB).toEqual({ kind: "run", maxOutputTokens: 7_500 });
    await turnA.end({ outcome: "completed" });
    // Now b holds 8,500: a's next step waits in turn.
    const turnA2 = await engine.beginTurn("a", { turnID: "ta2", continuation: true });
    const nextA = turnA2.allowStep({ estimatedInputTokens: 1_000 });
    await turnB.end({ outcome: "completed" });
    expect(await nextA).toEqual({ kind: "run", maxOutputTokens: 7_500 });
  });

  it("a step holds no more output than its host asks for; one that may not wait gets a wrap-up's room", async () => {
    const { engine } = setup({ daily: { tokens: 10_000 } }, 200);
    for (const id of ["a", "b", "c"]) await engine.createGoal(id, { objective: id });
    const turnA = await engine.beginTurn("a", { turnID: "ta", continuation: true });
    expect(await turnA.allowStep({ estimatedInputTokens: 1_000, outputCap: 4_000 })).toEqual({
      kind: "run",
      maxOutputTokens: 9_000,
    });
    // a holds 5,000 (1,000 in, at most 4,000 out as its host asks): b has the rest at once.
    const turnB = await engine.beginTurn("b", { turnID: "tb", continuation: true });
    expect(await turnB.allowStep({ estimatedInputTokens: 1_000, outputCap: 4_000 })).toEqual({
      kind: "run",
      maxOutputTokens: 4_000,
    });
    // a and b hold it all: c, which may not wait, gets a wrap-up's room instead of waiting or stopping.
    const turnC = await engine.beginTurn("c", { turnID: "tc", continuation: true });
    expect(await turnC.allowStep({ estimatedInputTokens: 1_000 }, { waitForRoom: false })).toEqual({
      kind: "run",
      maxOutputTokens: 200,
    });
    expect((await engine.getGoal("c"))?.status).toBe("active");
  });

  it("a step that settles between another's look and its wait is not missed", async () => {
    const { guard } = setup({ daily: { tokens: 10_000 } });
    guard.hold("a", { estimatedInputTokens: 1_000 }, 9_000);
    const seen = guard.settlements;
    guard.release("a"); // before the waiter registers
    let woke = false;
    await Promise.race([
      guard.settledAfter(seen).then(() => {
        woke = true;
      }),
      new Promise((resolve) => setTimeout(resolve, 50)),
    ]);
    expect(woke).toBe(true);
    // With nothing let go since, a wait lasts until the next release.
    let later = false;
    const waiting = guard.settledAfter(guard.settlements).then(() => {
      later = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(later).toBe(false);
    guard.hold("b", {}, 10);
    guard.release("b");
    await waiting;
    expect(later).toBe(true);
  });

  it("a weekly ceiling still reached at the day's turnover keeps the goal until Monday's", async () => {
    const clock = new FakeClock(Date.parse("2026-12-02T20:00:00Z")); // a Wednesday
    const store = createMemoryGoalStore();
    const ceilings = { daily: { tokens: 1_000 }, weekly: { tokens: 1_500 } };
    const guard = new CeilingGuard({ ceilings, spend: store, now: () => clock.now() });
    const engine = new GoalEngine({
      store,
      clock,
      ids: sequentialIds(),
      ceilings: guard,
      policy: { wrapUpMaxOutputTokens: 0 },
    });
    await engine.createGoal("a", { objective: "x" });
    for (const [id, day] of [
      ["d1", "2026-12-02T20:00:00Z"],
      ["d2", "2026-12-03T01:00:00Z"],
      ["d3", "2026-12-03T02:00:00Z"],
    ] as const) {
      clock.time = Date.parse(day);
      const turn = await engine.beginTurn("a", { turnID: id, continuation: true });
      const allowance = await turn.allowStep({});
      if (allowance.kind === "stop") break;
      await turn
        .reserveStep({ stepID: id, estimatedInputTokens: 0 })
        .finished({ usage: output(Math.min(800, allowance.maxOutputTokens ?? 800)) });
      await turn.end({ outcome: "completed" });
    }
    const held = await engine.getGoal("a");
    expect(held?.ceiling).toEqual({ window: "weekly", unit: "tokens", allowed: 1_500, resetsAt: MONDAY });
    expect(held?.usage.tokens).toBe(1_500);
  });

  it("a ceiling raised after a restart lets the goal go on at once", async () => {
    const { clock, store, engine, step } = setup({ daily: { tokens: 1_000 } });
    await engine.createGoal("a", { objective: "x" });
    await step("a", "a1", 900);
    await step("a", "a2", 10);
    expect((await engine.getGoal("a"))?.status).toBe("budget_limited");
    const raised = new CeilingGuard({ ceilings: { daily: { tokens: 5_000 } }, spend: store, now: () => clock.now() });
    const restarted = new GoalEngine({ store, clock, ids: sequentialIds(), ceilings: raised });
    expect((await restarted.recover()).map((goal) => goal.sessionID)).toEqual(["a"]);
    expect(await restarted.sessionIdle("a", idle)).toEqual({ kind: "continue", at: clock.now() });
    expect(await restarted.getGoal("a")).toMatchObject({ status: "active", reason: "the daily ceiling was raised" });
  });

  it("a goal's own limit reached meanwhile holds it when the ceiling lifts", async () => {
    const { clock, engine, step } = setup({ daily: { tokens: 1_000 } });
    await engine.createGoal("a", { objective: "x", limits: { turns: 2 } });
    await step("a", "a1", 900);
    await step("a", "a2", 10); // stopped by the ceiling; its turn still counts
    expect((await engine.getGoal("a"))?.usage.turns).toBe(2);
    clock.time = MONDAY;
    expect(await engine.waitAlarm("a")).toMatchObject({ status: "budget_limited", limit: "turns" });
  });
});
