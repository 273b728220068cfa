import { applyQueueCommand } from "@pursuit/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.js";

describe("goal queues in SQLite", () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it("keeps each session's queue in order through adds, reorders and drops; a refused change writes nothing", async () => {
    store = await openStore({ path: ":memory:" });
    const queue = store.goalQueue;
    const change = (sessionID: string, command: Parameters<typeof applyQueueCommand>[2]) =>
      queue.update<ReturnType<typeof applyQueueCommand>>(sessionID, (current) => {
        const next = applyQueueCommand(sessionID, current, command, "user");
        return next.ok ? { queue: next.value, result: next } : { result: next };
      });
    await change("s1", { type: "add", id: "a", input: { objective: "first" }, now: 1 });
    await change("s1", { type: "add", id: "b", input: { objective: "second", limits: { turns: 3 } }, now: 2 });
    await change("s2", { type: "add", id: "c", input: { objective: "other session" }, now: 3 });
    await change("s1", { type: "order", ids: ["b", "a"] });
    expect(await queue.list("s1")).toEqual([
      { id: "b", sessionID: "s1", input: { objective: "second", limits: { turns: 3 } }, time: 2 },
      { id: "a", sessionID: "s1", input: { objective: "first" }, time: 1 },
    ]);
    expect((await change("s1", { type: "drop", id: "zz" })).ok).toBe(false);
    expect((await queue.list("s1")).map((item) => item.id)).toEqual(["b", "a"]);
    const next = await queue.update("s1", (current) => ({ queue: current.slice(1), result: current[0] }));
    expect(next?.id).toBe("b");
    expect((await queue.list("s1")).map((item) => item.id)).toEqual(["a"]);
    expect((await queue.list("s2")).map((item) => item.id)).toEqual(["c"]);
  });
});
