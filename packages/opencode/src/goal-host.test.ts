import { createMemoryGoalStore, FakeClock, GoalEngine, sequentialIds } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { type HostEvent, type OpencodeControl, OpencodeGoalHost } from "./goal-host.js";

/** The host driven by OpenCode-shaped events, with OpenCode itself replaced by a recorder of what it is asked. */
function setup() {
  const clock = new FakeClock();
  const engine = new GoalEngine({ store: createMemoryGoalStore(), clock, ids: sequentialIds() });
  const prompts: { sessionID: string; text: string }[] = [];
  const control: OpencodeControl = {
    promptAsync: async (sessionID, text) => {
      prompts.push({ sessionID, text });
    },
    abort: async () => {},
    busySessions: async () => new Set(),
  };
  const host = new OpencodeGoalHost(engine, control, clock);
  const send = (event: HostEvent) => host.handleEvent(event);
  const turn = async (sessionID: string, toolPart?: Record<string, unknown>) => {
    await send({ type: "session.status", properties: { sessionID, status: { type: "busy" } } });
    if (toolPart)
      await send({ type: "message.part.updated", properties: { part: { sessionID, ...toolPart } as never } });
    await send({
      type: "message.part.updated",
      properties: {
        part: {
          type: "step-finish",
          id: `step-${prompts.length}`,
          sessionID,
          tokens: { input: 100, output: 20, reasoning: 5, cache: { read: 900, write: 0 } },
          cost: 0,
        },
      },
    });
    await send({ type: "session.idle", properties: { sessionID } });
  };
  return { engine, host, prompts, send, turn };
}

const write = (id: string) => ({
  type: "tool",
  id,
  tool: "write",
  state: { status: "completed", input: { filePath: id }, output: "ok" },
});

describe("OpencodeGoalHost", () => {
  it("starts work on a new goal at once and charges OpenCode's step usage by the core's rule", async () => {
    const { host, prompts, turn, engine } = setup();
    await host.createGoal("s", { objective: "write files" });
    expect(prompts).toHaveLength(1);
    expect(prompts[0]?.text).toContain("<objective>write files</objective>");
    await turn("s", write("a"));
    const goal = await engine.getGoal("s");
    // input 100 + output 20 + reasoning 5 charged; the 900 cache-read tokens recorded only.
    expect(goal?.usage).toMatchObject({ tokens: 125, cacheRead: 900, reasoning: 5, turns: 1 });
    expect(prompts).toHaveLength(2);
    expect(prompts[1]?.text).toContain("Continue toward the goal (turn 2;");
  });

  it("does not continue while a permission or a question waits on a person, and continues once answered", async () => {
    const { host, prompts, send } = setup();
    await host.createGoal("s", { objective: "write files" });
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await send({ type: "question.asked", properties: { id: "q1", sessionID: "s" } });
    await send({ type: "permission.asked", properties: { id: "p1", sessionID: "s" } });
    await send({ type: "message.part.updated", properties: { part: { sessionID: "s", ...write("b") } as never } });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect(prompts).toHaveLength(1);
    await send({ type: "question.replied", properties: { sessionID: "s", requestID: "q1" } });
    expect(prompts).toHaveLength(1);
    await send({ type: "permission.replied", properties: { sessionID: "s", requestID: "p1" } });
    expect(prompts).toHaveLength(2);
    expect(prompts[1]?.text).toContain("Continue toward the goal");
  });

  it("pauses the goal on a person's abort, but not when the plugin itself stopped the turn at a limit", async () => {
    const { host, engine, send, prompts } = setup();
    await host.createGoal("s", { objective: "x", limits: { tokens: 50 } });
    await send({ type: "session.status", properties: { sessionID: "s", status: { type: "busy" } } });
    await send({
      type: "message.part.updated",
      properties: {
        part: {
          type: "step-finish",
          id: "big",
          sessionID: "s",
          tokens: { input: 80, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
          cost: 0,
        },
      },
    });
    const output = { maxOutputTokens: 4096 as number | undefined };
    await host.beforeModelRequest("s", output);
    expect(output.maxOutputTokens).toBe(256);
    await host.beforeModelRequest("s", output);
    expect(output.maxOutputTokens).toBe(1);
    await send({ type: "session.error", properties: { sessionID: "s", error: { name: "MessageAbortedError" } } });
    await send({ type: "session.idle", properties: { sessionID: "s" } });
    expect((await engine.getGoal("s"))?.status).toBe("budget_limited");
    expect(prompts).toHaveLength(1);
  });
});
