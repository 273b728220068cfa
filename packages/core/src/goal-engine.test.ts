import { describe, expect, it } from "vitest";
import type { ModelPrices, StepUsage } from "./accounting.js";
import type { SessionFacts } from "./continuation.js";
import type { GoalPolicy } from "./engine-types.js";
import { GoalEngine } from "./goal-engine.js";
import type { GoalTurn } from "./goal-turn.js";
import { createMemoryGoalStore } from "./memory-store.js";
import type { VerifyRunner } from "./ports.js";
import { fingerprintToolResult, type ToolResultFact } from "./progress.js";
import { EventLog, FakeClock, sequentialIds } from "./testing/fake-ports.js";

const S = "session-1";
const idle: SessionFacts = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
const usage = (noCacheInput: number, output = 0, cacheRead = 0): StepUsage => ({
  noCacheInput,
  cacheRead,
  cacheWrite: 0,
  output,
  reasoning: 0,
});
const wrote = (path: string): ToolResultFact => ({
  tool: "write",
  ok: true,
  changedWorkspace: true,
  fingerprint: fingerprintToolResult("write", { path }, "ok"),
});

/** Reports a finished step of a turn, as a host does: reserved before its request, settled with its usage. */
const finishStep = (
  turn: GoalTurn,
  step: { stepID: string; usage: StepUsage; prices?: ModelPrices; costUSD?: number },
) =>
  turn
    .reserveStep({ stepID: step.stepID, estimatedInputTokens: 0, ...(step.prices ? { prices: step.prices } : {}) })
    .finished({ usage: step.usage, ...(step.costUSD !== undefined ? { costUSD: step.costUSD } : {}) });

/** Runs one goal tool in a turn of its own, as the model would. */
const runTool = async (engine: GoalEngine, name: string, args: unknown) =>
  (await engine.beginTurn(S, { turnID: `tool-${name}`, continuation: false })).executeTool(name, args);

function setup(options: { verify?: VerifyRunner; policy?: Partial<GoalPolicy> } = {}) {
  const clock = new FakeClock();
  const events = new EventLog();
  const store = createMemoryGoalStore();
  const engine = new GoalEngine({ store, clock, ids: sequentialIds(), events, ...options });
  let turns = 0;
  /** Runs one turn of steps: each step [usage, tool results]. */
  async function turn(
    steps: [StepUsage, ToolResultFact[]][],
    opts: {
      continuation?: boolean;
      seconds?: number;
      outcome?: "completed" | "error" | "aborted";
      error?: string;
    } = {},
  ) {
    const turnID = `turn-${++turns}`;
    const goalTurn = await engine.beginTurn(S, { turnID, continuation: opts.continuation ?? true });
    const appended = [];
    for (const [i, [stepUsage, results]] of steps.entries()) {
      const allowance = await goalTurn.allowStep();
      if (allowance.kind === "stop") break;
      const done = await finishStep(goalTurn, { stepID: `${turnID}-${i}`, usage: stepUsage });
      goalTurn.recordToolResults(results);
      appended.push(...done.append);
    }
    clock.advance((opts.seconds ?? 1) * 1000);
    const end = await goalTurn.end({
      outcome: opts.outcome ?? "completed",
      ...(opts.error ? { error: opts.error } : {}),
    });
    return { appended: [...appended, ...end.append], goal: end.goal };
  }
  return { clock, events, store, engine, turn };
}

describe("GoalEngine: people's commands", () => {
  it("creates a goal, tells the host to append the goal context, and emits an update", async () => {
    const { engine, events } = setup();
    const created = await engine.createGoal(S, { objective: "ship <it>", limits: { tokens: 100 } });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.goal).toMatchObject({ sessionID: S, status: "active", limits: { tokens: 100 } });
    expect(created.value.append).toHaveLength(1);
    expect(created.value.append[0]?.text).toContain("<objective>ship &lt;it&gt;</objective>");
    expect(events.types()).toEqual(["session.goal.updated"]);
  });

  it("applies edits and status of one patch together, or not at all", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    const refused = await engine.updateGoal(S, { objective: "b", limits: { tokens: -1 } });
    expect(refused).toMatchObject({ ok: false, error: { code: "invalid", field: "limits.tokens" } });
    expect((await engine.getGoal(S))?.objective).toBe("a");
    const both = await engine.updateGoal(S, { objective: "b", status: "paused" });
    if (!both.ok) throw new Error(both.error.message);
    expect(both.value.goal).toMatchObject({ objective: "b", status: "paused" });
    expect(both.value.append[0]?.kind).toBe("objective_edited");
  });

  it("clearing deletes the goal but keeps its history, with each change's actor", async () => {
    const { engine, events } = setup();
    await engine.createGoal(S, { objective: "a" });
    await engine.updateGoal(S, { status: "paused" });
    await engine.updateGoal(S, { status: "active" });
    expect(await engine.clearGoal(S)).toEqual({ ok: true, value: { cleared: true } });
    expect(await engine.getGoal(S)).toBeUndefined();
    const history = await engine.history(S);
    expect(history.map((row) => [row.kind, row.actor])).toEqual([
      ["created", "user"],
      ["status", "user"],
      ["status", "user"],
      ["cleared", "user"],
    ]);
    expect(events.types().at(-1)).toBe("session.goal.cleared");
  });
});

describe("GoalEngine: accounting", () => {
  it("charges steps once by step id, and each turn's busy time once", async () => {
    const { engine, clock } = setup();
    await engine.createGoal(S, { objective: "a" });
    const goalTurn = await engine.beginTurn(S, { turnID: "t1", continuation: false });
    await finishStep(goalTurn, { stepID: "x", usage: usage(100, 10, 5000) });
    await finishStep(goalTurn, { stepID: "x", usage: usage(100, 10, 5000) });
    clock.advance(2500);
    await goalTurn.end({ outcome: "completed" });
    clock.advance(60_000); // idle time is never charged
    await goalTurn.end({ outcome: "completed" });
    const goal = await engine.getGoal(S);
    expect(goal?.usage).toMatchObject({ tokens: 110, input: 100, cacheRead: 5000, output: 10, turns: 1, seconds: 2.5 });
  });

  it("takes dollars the host already knows over model prices, and tool results reported apart", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    goalTurn.recordToolResults([wrote("a.txt")]);
    await finishStep(goalTurn, { stepID: "1", usage: usage(1000), prices: { input: 1, output: 1 }, costUSD: 0.25 });
    await goalTurn.end({ outcome: "completed" });
    expect((await engine.getGoal(S))?.usage.costUSD).toBe(0.25);
    expect(await engine.sessionIdle(S, idle)).toMatchObject({ kind: "continue" });
  });

  it("never charges a turn's steps to a goal another writer put in place meanwhile", async () => {
    const { engine, store } = setup();
    await engine.createGoal(S, { objective: "first" });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: false });
    // Another process (the HTTP API, say) completes the goal and sets a new one while the turn runs.
    const other = new GoalEngine({ store, clock: new FakeClock(), ids: { next: (prefix) => `${prefix}-other` } });
    await other.updateGoal(S, { status: "complete" });
    await other.createGoal(S, { objective: "second" });
    await finishStep(goalTurn, { stepID: "late", usage: usage(500) });
    expect(await engine.getGoal(S)).toMatchObject({ objective: "second", usage: { tokens: 0 } });
  });

  it("does not charge turns that started without an active goal", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "a" });
    await engine.updateGoal(S, { status: "paused" });
    await turn([[usage(100), []]], { continuation: false });
    expect((await engine.getGoal(S))?.usage.tokens).toBe(0);
  });
});

describe("GoalEngine: hard limits", () => {
  it("caps each step's output by the tokens left minus the estimated input", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a", limits: { tokens: 1000 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    expect(await goalTurn.allowStep({ estimatedInputTokens: 200 })).toEqual({ kind: "run", maxOutputTokens: 800 });
    await finishStep(goalTurn, { stepID: "1", usage: usage(300, 200) });
    expect(await goalTurn.allowStep()).toEqual({ kind: "run", maxOutputTokens: 500 });
  });

  it("wraps up instead of starting a step whose estimated input leaves less room than a wrap-up", async () => {
    const { engine } = setup({ policy: { wrapUpMaxOutputTokens: 64 } });
    await engine.createGoal(S, { objective: "a", limits: { tokens: 10_000 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    expect(await goalTurn.allowStep({ estimatedInputTokens: 9_936 })).toEqual({
      kind: "run",
      maxOutputTokens: 64,
    });
    const wrap = await goalTurn.allowStep({ estimatedInputTokens: 9_937 });
    expect(wrap.kind).toBe("wrap_up");
    if (wrap.kind === "wrap_up") {
      expect(wrap.maxOutputTokens).toBe(64);
      expect(wrap.append.map((m) => m.kind)).toEqual(["budget_notice"]);
    }
    expect(await engine.getGoal(S)).toMatchObject({ status: "budget_limited", limit: "tokens" });
    expect((await goalTurn.allowStep()).kind).toBe("stop");
  });

  it("starts no wrap-up whose input and output cap would pass the token limit by more than 5%", async () => {
    const { engine } = setup({ policy: { wrapUpMaxOutputTokens: 256 } });
    await engine.createGoal(S, { objective: "a", limits: { tokens: 20_000 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    await finishStep(goalTurn, { stepID: "1", usage: usage(15_000, 4_500) });
    // The next request sends the 4.5k-token answer back: 19.5k + 4.5k input passes the limit.
    const allowance = await goalTurn.allowStep({ estimatedInputTokens: 4_600 });
    expect(allowance).toEqual({ kind: "stop", reason: "the goal's tokens limit is reached" });
    expect(await engine.getGoal(S)).toMatchObject({ status: "budget_limited", usage: { tokens: 19_500 } });
  });

  it("caps the answer after the model completes its goal by what the 5% bound leaves", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a", limits: { tokens: 1_000 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    await finishStep(goalTurn, { stepID: "1", usage: usage(900, 50) });
    await engine.apply(S, [{ type: "complete", evidence: "done" }], "model");
    expect(await goalTurn.allowStep({ estimatedInputTokens: 60 })).toEqual({ kind: "run", maxOutputTokens: 40 });
    expect((await goalTurn.allowStep({ estimatedInputTokens: 100 })).kind).toBe("stop");
  });

  it("the crossing step appends the budget notice once, allows one wrap-up step, then stops every step", async () => {
    const { engine } = setup({ policy: { wrapUpMaxOutputTokens: 64 } });
    await engine.createGoal(S, { objective: "a", limits: { tokens: 10_000 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    const crossed = await finishStep(goalTurn, { stepID: "1", usage: usage(9_900, 150) });
    expect(crossed.goal).toMatchObject({ status: "budget_limited", limit: "tokens" });
    expect(crossed.append.map((m) => m.kind)).toEqual(["budget_notice"]);
    expect(await goalTurn.allowStep()).toEqual({ kind: "wrap_up", maxOutputTokens: 64, append: [] });
    const wrap = await finishStep(goalTurn, { stepID: "2", usage: usage(40, 64) });
    expect(wrap.append).toEqual([]);
    expect(await goalTurn.allowStep()).toEqual({ kind: "stop", reason: "the goal's tokens limit is reached" });
    const end = await goalTurn.end({ outcome: "completed" });
    expect(end.append).toEqual([]);
    expect(await engine.sessionIdle(S, idle)).toEqual({ kind: "none", why: "goal is budget_limited" });
  });

  it("a seconds limit reached during a turn stops the next step after one wrap-up with the notice", async () => {
    const { engine, clock } = setup();
    await engine.createGoal(S, { objective: "a", limits: { seconds: 10 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    expect((await goalTurn.allowStep()).kind).toBe("run");
    clock.advance(10_000);
    const wrap = await goalTurn.allowStep();
    expect(wrap.kind).toBe("wrap_up");
    if (wrap.kind === "wrap_up") expect(wrap.append[0]?.text).toContain("time limit is reached (10 s of 10 s)");
    expect((await goalTurn.allowStep()).kind).toBe("stop");
    await goalTurn.end({ outcome: "completed" });
    expect(await engine.getGoal(S)).toMatchObject({
      status: "budget_limited",
      limit: "seconds",
      usage: { seconds: 10, turns: 1 },
    });
  });

  it("a turns limit is reached when the turn ends, with the notice", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "a", limits: { turns: 2 } });
    await turn([[usage(1), [wrote("a")]]]);
    const second = await turn([[usage(1), [wrote("b")]]]);
    expect(second.goal).toMatchObject({ status: "budget_limited", limit: "turns" });
    expect(second.appended.map((m) => m.kind)).toEqual(["budget_notice"]);
  });

  it("a cost limit flips with priced steps", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a", limits: { costUSD: 0.5 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    const step = await finishStep(goalTurn, {
      stepID: "1",
      usage: usage(100_000, 0),
      prices: { input: 5, output: 5 },
    });
    expect(step.goal).toMatchObject({ status: "budget_limited", limit: "costUSD", usage: { costUSD: 0.5 } });
  });

  it("caps a priced step's output by the dollars left after its input, cache reads and writes priced apart", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a", limits: { costUSD: 0.25 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    const flat = { input: 3, output: 15 };
    // 10k new tokens at $3/M leave $0.22: 14,666 tokens at $15/M.
    expect(await goalTurn.allowStep({ estimatedInputTokens: 10_000, prices: flat })).toEqual({
      kind: "run",
      maxOutputTokens: 14_666,
    });
    // New input priced as a cache write ($3.75/M), the 98k cached rest as cache reads ($0.30/M): $0.0369.
    const cached = { ...flat, cacheRead: 0.3, cacheWrite: 3.75 };
    expect(await goalTurn.allowStep({ estimatedInputTokens: 2_000, promptTokens: 100_000, prices: cached })).toEqual({
      kind: "run",
      maxOutputTokens: 14_206,
    });
  });

  it("stops before a priced step whose input alone would pass the dollar limit, without a wrap-up past +5%", async () => {
    const { engine } = setup();
    const prices = { input: 3, output: 15 };
    await engine.createGoal(S, { objective: "a", limits: { costUSD: 0.25 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    await finishStep(goalTurn, { stepID: "1", usage: usage(10_000, 14_000), prices });
    expect((await engine.getGoal(S))?.usage.costUSD).toBe(0.24);
    // The next request sends the 14k-token answer back: $0.072 of input with $0.01 left.
    expect(await goalTurn.allowStep({ estimatedInputTokens: 14_000, promptTokens: 24_000, prices })).toEqual({
      kind: "stop",
      reason: "the goal's costUSD limit is reached",
    });
    expect(await engine.getGoal(S)).toMatchObject({ status: "budget_limited", limit: "costUSD" });
  });

  it("after a priced step crosses the dollar limit, one wrap-up runs only within +5% of it", async () => {
    const { engine } = setup({ policy: { wrapUpMaxOutputTokens: 256 } });
    const prices = { input: 3, output: 15 };
    await engine.createGoal(S, { objective: "a", limits: { costUSD: 0.25 } });
    const goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    const crossed = await finishStep(goalTurn, { stepID: "1", usage: usage(2_000, 16_400), prices });
    expect(crossed.goal).toMatchObject({ status: "budget_limited", limit: "costUSD", usage: { costUSD: 0.252 } });
    expect(await goalTurn.allowStep({ estimatedInputTokens: 100, prices })).toMatchObject({
      kind: "wrap_up",
      maxOutputTokens: 256,
    });
    expect((await goalTurn.allowStep({ estimatedInputTokens: 100, prices })).kind).toBe("stop");
  });

  it("raising the limit re-activates the goal and it continues", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "a", limits: { tokens: 1_000 } });
    await turn([[usage(1_500), [wrote("a")]]]);
    expect((await engine.getGoal(S))?.status).toBe("budget_limited");
    expect((await engine.updateGoal(S, { status: "active" })).ok).toBe(false);
    const raised = await engine.updateGoal(S, { limits: { tokens: 10_000 } });
    expect(raised.ok && raised.value.goal.status).toBe("active");
    expect((await engine.sessionIdle(S, idle)).kind).toBe("continue");
  });
});

describe("GoalEngine: continuation", () => {
  it("continues after progress, backs off, then pauses after 3 continuation turns without progress", async () => {
    const { engine, turn, clock } = setup();
    await engine.createGoal(S, { objective: "a" });
    await turn([[usage(10), [wrote("a")]]]);
    expect(await engine.sessionIdle(S, idle)).toEqual({ kind: "continue", at: clock.now() });
    await turn([[usage(10), []]]);
    expect(await engine.sessionIdle(S, idle)).toEqual({ kind: "continue", at: clock.now() + 2000 });
    await turn([[usage(10), []]]);
    expect(await engine.sessionIdle(S, idle)).toEqual({ kind: "continue", at: clock.now() + 4000 });
    await turn([[usage(10), []]]);
    expect(await engine.sessionIdle(S, idle)).toEqual({
      kind: "pause",
      reason: "no progress in 3 continuation turns in a row",
    });
    expect(await engine.getGoal(S)).toMatchObject({
      status: "paused",
      reason: "no progress in 3 continuation turns in a row",
    });
  });

  it("does not count polling the same command as progress", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "wait for CI" });
    const poll = (): ToolResultFact => ({
      tool: "bash",
      ok: true,
      changedWorkspace: false,
      fingerprint: fingerprintToolResult("bash", { command: "sleep 5; echo waiting" }, "waiting"),
    });
    await turn([[usage(10), [poll()]]]);
    for (let i = 0; i < 3; i++) await turn([[usage(10), [poll()]]]);
    expect((await engine.sessionIdle(S, idle)).kind).toBe("pause");
  });

  it("blocks after 3 failed turns with the last error", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "a" });
    for (let i = 0; i < 3; i++) await turn([], { outcome: "error", error: "HTTP 500" });
    expect(await engine.sessionIdle(S, idle)).toEqual({
      kind: "block",
      reason: "3 turns in a row failed; last error: HTTP 500",
    });
    expect((await engine.getGoal(S))?.status).toBe("blocked");
  });

  it("an aborted turn pauses the goal and nothing continues", async () => {
    const { engine, turn } = setup();
    await engine.createGoal(S, { objective: "a" });
    const aborted = await turn([[usage(10), []]], { outcome: "aborted" });
    expect(aborted.goal).toMatchObject({ status: "paused", reason: "aborted by the user" });
    expect((await engine.sessionIdle(S, idle)).kind).toBe("none");
  });

  it("startContinuation records the continuation, emits continued and hands the host the message", async () => {
    const { engine, events } = setup();
    await engine.createGoal(S, { objective: "a" });
    const started: string[] = [];
    const result = await engine.startContinuation(S, {
      facts: () => idle,
      start: (message) => started.push(message.text),
    });
    expect(result.started).toBe(true);
    expect(started[0]).toContain("Continue toward the goal (turn 1;");
    expect(events.types()).toContain("session.goal.continued");
    expect((await engine.history(S)).map((row) => row.kind)).toEqual(["created", "continued"]);
  });

  it("a pause racing a continuation wins: the continuation does not start", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    let started = 0;
    const pause = engine.updateGoal(S, { status: "paused" });
    const cont = engine.startContinuation(S, { facts: () => idle, start: () => started++ });
    await Promise.all([pause, cont]);
    expect(started).toBe(0);
    expect((await cont).started).toBe(false);
  });

  it("a queued user message pre-empts a continuation", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    const result = await engine.startContinuation(S, {
      facts: () => ({ ...idle, queuedUserMessage: true }),
      start: () => {},
    });
    expect(result).toEqual({ started: false, decision: { kind: "none", why: "a user message is queued" } });
  });

  it("a pause during a continuation turn stops its next step; a user turn is not stopped", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    let goalTurn = await engine.beginTurn(S, { turnID: "t", continuation: true });
    await engine.updateGoal(S, { status: "paused" });
    expect(await goalTurn.allowStep()).toEqual({ kind: "stop", reason: "the goal was paused" });
    await goalTurn.end({ outcome: "completed" });
    await engine.updateGoal(S, { status: "active" });
    goalTurn = await engine.beginTurn(S, { turnID: "u", continuation: false });
    await engine.updateGoal(S, { status: "paused" });
    expect(await goalTurn.allowStep()).toEqual({ kind: "run" });
  });

  it("recover lists active goals for a restarted host", async () => {
    const { engine, store } = setup();
    await engine.createGoal(S, { objective: "a" });
    await engine.createGoal("other", { objective: "b" });
    await engine.updateGoal("other", { status: "paused" });
    const restarted = new GoalEngine({ store, clock: new FakeClock(), ids: sequentialIds() });
    expect((await restarted.recover()).map((goal) => goal.sessionID)).toEqual([S]);
  });

  it("recover leaves a session whose turn already runs alone, so its steps are still charged", async () => {
    const { store } = setup();
    const restarted = new GoalEngine({ store, clock: new FakeClock(), ids: sequentialIds() });
    await restarted.createGoal(S, { objective: "a" });
    const goalTurn = await restarted.beginTurn(S, { turnID: "t", continuation: true });
    expect(await restarted.recover()).toEqual([]);
    await finishStep(goalTurn, { stepID: "1", usage: usage(40) });
    expect((await restarted.getGoal(S))?.usage.tokens).toBe(40);
  });
});

describe("GoalEngine: the model's tools", () => {
  it("get_goal describes the goal; create_goal refuses while one is unfinished", async () => {
    const { engine } = setup();
    expect(await runTool(engine, "get_goal", {})).toEqual({
      output: "This session has no goal.",
      isError: false,
    });
    const created = await runTool(engine, "create_goal", { objective: "model goal" });
    expect(created.isError).toBe(false);
    expect(created.goal?.createdBy).toBe("model");
    expect((await runTool(engine, "get_goal", "{}")).output).toContain("Objective: model goal\nStatus: active");
    const again = await runTool(engine, "create_goal", { objective: "another" });
    expect(again).toMatchObject({ isError: true });
    expect(again.output).toContain("already has an unfinished goal");
  });

  it("create_goal sets the limits the user asked for, over configured defaults; get_goal and the context show them", async () => {
    const { store } = setup();
    const engine = new GoalEngine({
      store,
      clock: new FakeClock(),
      ids: sequentialIds(),
      defaultLimits: { turns: 40, tokens: 1_000_000 },
    });
    const created = await runTool(engine, "create_goal", {
      objective: "write the report",
      token_budget: 20_000,
      time_budget_seconds: "30m",
    });
    expect(created.isError).toBe(false);
    expect(created.goal?.limits).toEqual({ tokens: 20_000, turns: 40, seconds: 1_800 });
    expect(created.output).toContain("Limits: 20000 tokens, 40 turns, 1800 s.");
    expect((await runTool(engine, "get_goal", {})).output).toContain("Limits: 20000 tokens, 40 turns, 1800 s.");
  });

  it.each([
    [{ objective: "x", budget: 20_000 }, "does not know the argument budget"],
    [{ objective: "x", token_budget: -5 }, "token_budget must be a positive whole number"],
    [{ objective: "x", token_budget: 1.5 }, "token_budget must be a positive whole number"],
    [{ objective: "x", turn_budget: "many" }, "turn_budget must be a positive whole number"],
  ])("refuses create_goal %j, naming the argument, and creates nothing", async (args, message) => {
    const { engine } = setup();
    const result = await runTool(engine, "create_goal", args);
    expect(result).toMatchObject({ isError: true, output: expect.stringContaining(message) });
    expect(await engine.getGoal(S)).toBeUndefined();
  });

  it("refuses get_goal with arguments it does not know", async () => {
    const { engine } = setup();
    expect(await runTool(engine, "get_goal", { verbose: true })).toMatchObject({
      isError: true,
      output: expect.stringContaining("get_goal takes no arguments; got verbose"),
    });
  });

  it.each([
    [{ status: "paused" }, "only the user can pause, resume or clear"],
    [{ status: "complete", evidence: "done", token_budget: 1e9 }, "update_goal cannot change token_budget"],
    [{ status: "active" }, 'update_goal accepts only status "complete"'],
    [{ status: "complete" }, "completing needs evidence"],
    [{ status: "complete", evidence: "done", limits: { tokens: 1e9 } }, "update_goal cannot change limits"],
    [{ status: "cleared" }, 'got "cleared"'],
    ["{not json", "not valid JSON"],
  ])("refuses update_goal %j and changes nothing", async (args, message) => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a", limits: { tokens: 50 } });
    const before = await engine.getGoal(S);
    const result = await runTool(engine, "update_goal", args);
    expect(result.isError).toBe(true);
    expect(result.output).toContain(message);
    expect(await engine.getGoal(S)).toEqual(before);
  });

  it("completes with evidence only after the verify command passes, reporting its output otherwise", async () => {
    let passing = false;
    const verify: VerifyRunner = {
      run: async (_session, command) => ({
        passed: passing,
        exitCode: passing ? 0 : 1,
        output: `${command}: done.txt missing`,
      }),
    };
    const { engine } = setup({ verify });
    await engine.createGoal(S, { objective: "a", verify: "test -f done.txt" });
    const refused = await runTool(engine, "update_goal", { status: "complete", evidence: "I wrote it" });
    expect(refused.isError).toBe(true);
    expect(refused.output).toContain("test -f done.txt: done.txt missing");
    expect((await engine.getGoal(S))?.status).toBe("active");
    passing = true;
    const done = await runTool(engine, "update_goal", { status: "complete", evidence: "I wrote it" });
    expect(done.isError).toBe(false);
    expect(await engine.getGoal(S)).toMatchObject({ status: "complete", evidence: "I wrote it" });
  });

  it("blocks with a reason", async () => {
    const { engine } = setup();
    await engine.createGoal(S, { objective: "a" });
    expect((await runTool(engine, "update_goal", { status: "blocked", reason: "need a key" })).isError).toBe(false);
    expect(await engine.getGoal(S)).toMatchObject({ status: "blocked", reason: "need a key" });
    const history = await engine.history(S);
    expect(history.at(-1)).toMatchObject({ kind: "status", to: "blocked", actor: "model" });
  });
});
