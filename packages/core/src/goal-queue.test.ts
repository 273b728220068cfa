import { describe, expect, it } from "vitest";
import type { Actor, Goal } from "./goal.js";
import { GoalEngine } from "./goal-engine.js";
import { applyQueueCommand, type QueueCommand, type QueuedGoal, startsNextQueued } from "./goal-queue.js";
import { createMemoryGoalStore } from "./memory-store.js";
import { FakeClock, sequentialIds } from "./testing/fake-ports.js";
import { type GoalCommand, transition } from "./transition.js";

const S = "s1";
const queued = (id: string, objective = `goal ${id}`): QueuedGoal => ({
  id,
  sessionID: S,
  input: { objective },
  time: 1,
});
const queue = [queued("q1"), queued("q2"), queued("q3")];
const apply = (command: QueueCommand, actor: Actor = "user", from: QueuedGoal[] = queue) =>
  applyQueueCommand(S, from, command, actor);
const ids = (result: ReturnType<typeof apply>) => (result.ok ? result.value.map((item) => item.id) : result.error);

describe("a session's queue of next goals", () => {
  it("a person adds a goal at the end, its fields checked as a new goal's", () => {
    const added = apply({ type: "add", id: "q4", input: { objective: "  write docs ", limits: { turns: 5 } }, now: 9 });
    expect(added.ok && added.value.at(-1)).toEqual({
      id: "q4",
      sessionID: S,
      input: { objective: "write docs", limits: { turns: 5 } },
      time: 9,
    });
  });

  it.each([
    [{ objective: "" }, "objective", "objective must not be empty"],
    [{ objective: "x", limits: { tokens: -1 } }, "limits.tokens", "limits.tokens must be greater than 0"],
    [{ objective: "x", criteria: [""] }, "criteria.0.text", "criteria.0.text must not be empty"],
    [{ objective: "x", webhooks: [{ url: "nope" }] }, "webhooks.0.url", "must be an http(s) URL"],
  ])("refuses a queued goal %j, naming the field", (input, field, message) => {
    const result = apply({ type: "add", id: "q4", input, now: 9 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.field).toBe(field);
      expect(result.error.message).toContain(message);
    }
  });

  it("refuses the model and the runtime any change to the queue", () => {
    for (const actor of ["model", "runtime"] as const) {
      expect(apply({ type: "add", id: "q4", input: { objective: "x" }, now: 9 }, actor)).toEqual({
        ok: false,
        error: { code: "forbidden", message: "only the user can change the queue of next goals" },
      });
      expect(apply({ type: "drop", id: "q1" }, actor).ok).toBe(false);
    }
  });

  it("reorders by a full list of ids, refusing a list that misses, repeats or invents one", () => {
    expect(ids(apply({ type: "order", ids: ["q3", "q1", "q2"] }))).toEqual(["q3", "q1", "q2"]);
    expect(ids(apply({ type: "order", ids: ["q3", "q1"] }))).toMatchObject({
      message: "ids must name every queued goal; q2 is missing",
    });
    expect(ids(apply({ type: "order", ids: ["q3", "q3", "q1"] }))).toMatchObject({
      message: "ids names a queued goal twice",
    });
    expect(ids(apply({ type: "order", ids: ["q3", "q1", "q9"] }))).toMatchObject({ code: "not_found" });
  });

  it("drops one, refusing one it does not hold", () => {
    expect(ids(apply({ type: "drop", id: "q2" }))).toEqual(["q1", "q3"]);
    expect(ids(apply({ type: "drop", id: "q9" }))).toMatchObject({
      code: "not_found",
      message: "no queued goal q9 in this session",
    });
  });

  it("holds at most 50", () => {
    const full = Array.from({ length: 50 }, (_, i) => queued(`q${i}`));
    expect(ids(apply({ type: "add", id: "q50", input: { objective: "x" }, now: 1 }, "user", full))).toMatchObject({
      code: "conflict",
    });
  });
});

describe("when the queue moves", () => {
  const active = (() => {
    const result = transition(undefined, { type: "create", id: "g1", sessionID: S, objective: "o" }, "user", 1);
    if (!result.ok || !result.value.goal) throw new Error("create");
    return result.value.goal;
  })();

  it.each<[string, GoalCommand, Actor, boolean]>([
    ["the goal completes", { type: "complete", evidence: "done" }, "model", true],
    ["a person completes it", { type: "complete" }, "user", true],
    ["a limit stops it", { type: "limit", limit: "turns" }, "runtime", false],
    ["the model blocks it", { type: "block", reason: "need a key" }, "model", false],
    ["the runtime pauses it", { type: "pause", reason: "no progress" }, "runtime", false],
    ["a person pauses it", { type: "pause" }, "user", false],
  ])("%s: starts the next %s", (_name, command, actor, starts) => {
    const result = transition(active, command, actor, 2);
    if (!result.ok) throw new Error(result.error.message);
    expect(startsNextQueued(result.value.goal as Goal | null, result.value.history)).toBe(starts);
  });

  it("a cleared goal leaves the queue waiting", () => {
    const result = transition(active, { type: "clear" }, "user", 2);
    expect(result.ok && startsNextQueued(result.value.goal, result.value.history)).toBe(false);
  });
});

describe("a goal set while a turn runs", () => {
  it("starts right after that turn, with no backoff for a turn that was not its own", async () => {
    const clock = new FakeClock();
    const engine = new GoalEngine({ store: createMemoryGoalStore(), clock, ids: sequentialIds() });
    const idle = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
    await engine.createGoal(S, { objective: "first" });
    const turn = await engine.beginTurn(S, { turnID: "t1", continuation: true });
    await turn.executeTool("update_goal", { status: "complete", evidence: "done" });
    // The next queued goal is set as the completing turn winds down (the model's summary, no tool).
    await engine.createGoal(S, { objective: "next" });
    clock.advance(1_000);
    await turn.end({ outcome: "completed" });
    expect(await engine.sessionIdle(S, idle)).toEqual({ kind: "continue", at: clock.now() });
  });
});
