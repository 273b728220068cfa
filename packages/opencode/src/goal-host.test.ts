import { testGoalEngine } from "@pursuit/core";
import { ManualTimers } from "@pursuit/driver";
import { describe, expect, it } from "vitest";
import { type OpencodeControl, OpencodeGoalHost } from "./goal-host.js";
import type { RawOpencodeEvent } from "./opencode-events.js";

/**
 * The host driven by OpenCode-shaped events, with OpenCode itself replaced by a recorder of what it is asked
 * and the driver's timers fired by hand.
 */
function setup(options: { promptAsync?: OpencodeControl["promptAsync"] } = {}) {
  const { engine, clock } = testGoalEngine({ policy: { backoffBaseMs: 2_000 } });
  const prompts: { sessionID: string; text: string }[] = [];
  const aborts: string[] = [];
  const control: OpencodeControl = {
    promptAsync:
      options.promptAsync ??
      (async (sessionID, text) => {
        prompts.push({ sessionID, text });
      }),
    abort: async (sessionID) => {
      aborts.push(sessionID);
    },
    busySessions: async () => new Set(),
  };
  const timers = new ManualTimers();
  const streamTimers = new ManualTimers();
  const host = new OpencodeGoalHost(engine, control, clock, () => {}, timers, {
    streamIdleTimeoutMs: 15_000,
    streamTimers,
  });
  const send = (event: RawOpencodeEvent) => host.handleEvent(event);
  /** Fires the one due timer and waits until the continuation it starts (or refuses) is done. */
  const fire = async () => {
    timers.fire();
    while (!host.driver.quiet() && timers.pending().length === 0) await new Promise((r) => setImmediate(r));
  };
  const step = (sessionID: string, id: string, input: number) =>
    send({
      type: "message.part.updated",
      properties: {
        part: {
          type: "step-finish",
          id,
          sessionID,
          tokens: { input, output: 20, reasoning: 5, cache: { read: 900, write: 0 } },
          cost: 0,
        },
      },
    });
  const turn = async (sessionID: string, toolPart?: Record<string, unknown>) => {
    await send({ type: "session.status", properties: { sessionID, status: { type: "busy" } } });
    if (toolPart) await send({ type: "message.part.updated", properties: { part: { sessionID, ...toolPart } } });
    await step(sessionID, `step-${prompts.length}`, 100);
    await send({ type: "session.idle", properties: { sessionID } });
  };
  return { engine, host, prompts, aborts, send, step, turn, timers, streamTimers, clock, fire };
}

const write = (id: string) => ({
  type: "tool",
  id,
  tool: "write",
  state: { status: "completed", input: { filePath: id }, output: "ok" },
});

describe("OpencodeGoalHost", () => {
  it("starts work on a new goal at once and charges OpenCode's step usage by the core's rule", async () => {
    const { host, prompts, turn, engine, fire, timers } = setup();
    await host.createGoal("s", { objective: "write files" });
    expect(timers.pending()).toEqual([0]);
    await fire();
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.text).toContain("<objective>write files</objective>");
    await turn("s", write("a"));
    const goal = await engine.getGoal("s");
    // input 100 + output 20 + reasoning 5 charged; the 900 cache-read tokens recorded only.
    expect(goal?.usage).toMatchObject({ tokens: 125, cacheRead: 900, reasoning: 5, turns: 1 });
    await fire();
    expect(prompts).toHaveLength(2);
    expect(prompts[1]?.text).toContain("Continue toward the goal (turn 2;");
  });

  it("does not continue while a permission or a question waits on a person, and continues once answered", async () => {
    const { host, prompts, send, fire, timers } = setup();
    await host.createGoal("s", { objective: "write files" });
    await fire();
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await send({ type: "question.asked", properties: { id: "q1", sessionID: "s" } });
    await send({ type: "permission.asked", properties: { id: "p1", sessionID: "s" } });
    await send({ type: "message.part.updated", properties: { part: { sessionID: "s", ...write("b") } } });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect(timers.pending()).toEqual([]);
    await send({ type: "question.replied", properties: { sessionID: "s", requestID: "q1" } });
    expect(timers.pending()).toEqual([]);
    await send({ type: "permission.replied", properties: { sessionID: "s", requestID: "p1" } });
    await fire();
    expect(prompts).toHaveLength(2);
    expect(prompts[1]?.text).toContain("Continue toward the goal");
  });

  it("pauses the goal on a person's abort, but not when the plugin itself stopped the turn at a limit", async () => {
    const { host, engine, send, step, prompts, aborts, timers } = setup();
    await host.createGoal("s", { objective: "x", limits: { tokens: 10_000 } });
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await step("s", "big", 9_990);
    // The step's charge crossed the limit: the plugin stops the turn before OpenCode runs its tools and asks again.
    expect(aborts).toEqual(["s"]);
    await send({ type: "session.error", properties: { sessionID: "s", error: { name: "MessageAbortedError" } } });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect((await engine.getGoal("s"))?.status).toBe("budget_limited");
    expect(prompts).toHaveLength(0);
    expect(timers.pending()).toEqual([]);
  });

  it("schedules again when a continuation timer fires a millisecond early", async () => {
    const { host, prompts, turn, fire, timers, clock } = setup();
    await host.createGoal("s", { objective: "write files" });
    await fire();
    await turn("s"); // no progress: the next continuation waits 2 s
    expect(timers.pending()).toEqual([2_000]);
    clock.advance(1_999);
    await fire();
    expect(prompts).toHaveLength(1);
    expect(timers.pending()).toEqual([1]);
    clock.advance(1);
    await fire();
    expect(prompts).toHaveLength(2);
  });

  it("retries a continuation whose prompt OpenCode refused, then blocks the goal with the error", async () => {
    let calls = 0;
    const { host, engine, fire, timers, clock } = setup({
      promptAsync: async () => {
        calls++;
        throw new Error("promptAsync: 503 unavailable");
      },
    });
    await host.createGoal("s", { objective: "write files" });
    for (const delay of [0, 2_000, 4_000]) {
      expect(timers.pending()).toEqual([delay]);
      clock.advance(delay);
      await fire();
    }
    expect(calls).toBe(3);
    expect(timers.pending()).toEqual([]);
    expect(await engine.getGoal("s")).toMatchObject({
      status: "blocked",
      reason: "3 turns in a row failed; last error: promptAsync: 503 unavailable",
    });
  });

  it("caps a model request that comes before its turn's busy event", async () => {
    const { host, send, step, fire } = setup();
    await host.createGoal("s", { objective: "x", limits: { tokens: 3_000 } });
    await fire();
    // The first turn used 925 tokens (2,075 left); the next request arrives before OpenCode's busy event for its turn.
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await step("s", "first", 900);
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    const output = { maxOutputTokens: 4096 as number | undefined };
    const request = host.beforeModelRequest("s", output);
    void send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await request;
    // Capped by what is left, less the estimated new input of this request (the goal context, the last answer).
    expect(output.maxOutputTokens).toBeLessThanOrEqual(2_075);
    expect(output.maxOutputTokens).toBeGreaterThan(1_500);
  });

  it("waits as long as the provider's retry-after-ms asks after a failed turn", async () => {
    const { host, send, fire, timers } = setup();
    await host.createGoal("s", { objective: "x" });
    await fire();
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await send({
      type: "session.error",
      properties: {
        sessionID: "s",
        error: { name: "APIError", data: { message: "rate limited", responseHeaders: { "retry-after-ms": "7500" } } },
      },
    });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect(timers.pending()).toEqual([7_500]);
  });

  it("reserves the previous answer as the next request's input: no wrap-up that would pass the limit by 5%", async () => {
    const { host, send, fire, engine, aborts } = setup();
    await host.createGoal("s", { objective: "x", limits: { tokens: 20_000 } });
    await fire();
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    const output = { maxOutputTokens: 8_192 as number | undefined };
    await host.beforeModelRequest("s", output);
    // A 4.5k-token answer takes the goal to 19.5k; the next request would send it back.
    await send({
      type: "message.part.updated",
      properties: {
        part: {
          type: "step-finish",
          id: "long",
          sessionID: "s",
          tokens: { input: 15_000, output: 4_500, reasoning: 0, cache: { read: 0, write: 0 } },
          cost: 0,
        },
      },
    });
    await host.beforeModelRequest("s", output);
    expect(output.maxOutputTokens).toBe(1);
    expect(aborts).toEqual(["s"]);
    expect(await engine.getGoal("s")).toMatchObject({ status: "budget_limited", usage: { tokens: 19_500 } });
  });

  it("lets one wrap-up request run when a step would not fit, then stops the turn before its tools run", async () => {
    const { host, send, fire, engine, aborts, step } = setup();
    await host.createGoal("s", { objective: "x", limits: { tokens: 10_000 } });
    await fire();
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await step("s", "first", 9_600);
    expect(aborts).toEqual([]);
    // 400 tokens left, less than the previous answer plus a wrap-up: the limit is reached before the request.
    const output = { maxOutputTokens: 8_192 as number | undefined };
    await host.beforeModelRequest("s", output);
    expect(output.maxOutputTokens).toBe(256);
    expect(await engine.getGoal("s")).toMatchObject({ status: "budget_limited", limit: "tokens" });
    await step("s", "wrap-up", 100);
    expect(aborts).toEqual(["s"]);
  });

  it("cuts a model stream silent for the idle timeout: the turn fails and is retried, the goal stays active", async () => {
    const { host, send, fire, engine, aborts, streamTimers, timers } = setup();
    await host.createGoal("s", { objective: "x" });
    await fire();
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await host.beforeModelRequest("s", { maxOutputTokens: undefined });
    // A running tool is no silence of the model's.
    const running = {
      sessionID: "s",
      id: "t",
      type: "tool",
      tool: "write",
      state: { status: "running", input: { filePath: "t" } },
    };
    await send({ type: "message.part.updated", properties: { part: running } });
    expect(streamTimers.pending()).toEqual([]);
    await send({ type: "message.part.updated", properties: { part: { ...write("t"), sessionID: "s" } } });
    expect(streamTimers.pending()).toEqual([15_000]);
    // The next answer streams 300 characters, then nothing.
    const delta = { sessionID: "s", messageID: "m", partID: "p", field: "text", delta: "y".repeat(150) };
    await send({ type: "message.part.delta", properties: delta });
    await send({ type: "message.part.delta", properties: delta });
    streamTimers.fire();
    expect(aborts).toEqual(["s"]);
    await send({ type: "session.error", properties: { sessionID: "s", error: { name: "MessageAbortedError" } } });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect(await engine.getGoal("s")).toMatchObject({ status: "active" });
    // What it streamed is charged once, estimated (OpenCode reports no usage for a cut step): the tool call
    // ("write" and {"filePath":"t"}, 21 characters) and 300 characters of text at the typical 4 a token, the
    // session having no answer yet to learn its own rate from.
    const cut = (await engine.history("s")).filter((row) => row.kind === "charged" && row.estimated);
    expect(cut).toEqual([expect.objectContaining({ charge: expect.objectContaining({ output: 81 }) })]);
    // Retried after the error backoff, like any failed turn.
    expect(timers.pending()).toHaveLength(1);
    expect(await host.continuation("s")).toMatchObject({ state: "scheduled", retry: { attempt: 1 } });
  });

  it("pauses the goal when OpenCode compacts three times in a row with no tool finishing between", async () => {
    const { host, send, engine } = setup();
    await host.createGoal("s", { objective: "x" });
    const compacted = () => send({ type: "session.compacted", properties: { sessionID: "s" } });
    await compacted();
    await send({ type: "message.part.updated", properties: { part: { ...write("w1"), sessionID: "s" } } });
    await compacted();
    await compacted();
    expect(await engine.getGoal("s")).toMatchObject({ status: "active" });
    await compacted();
    expect(await engine.getGoal("s")).toMatchObject({
      status: "paused",
      reason: expect.stringContaining("compacted the session 3 times in a row"),
    });
  });
});
