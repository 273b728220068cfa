import { applyQueueCommand, type WebhookDelivery } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { storeBackends } from "./fixtures/store-backends.js";

/** Goal queues and webhook deliveries keep the same contract on SQLite and on PostgreSQL. */
const { backends } = storeBackends();

const delivery = (id: string, nextAt: number, createdAt: number): WebhookDelivery => ({
  id,
  sessionID: "s1",
  goalID: "g1",
  event: "goal.complete",
  url: "http://127.0.0.1:9/hook",
  body: '{"event":"goal.complete"}',
  headers: { "x-pursuit-delivery": id },
  attempts: 0,
  nextAt,
  createdAt,
  state: "pending",
});

describe.each(backends)("on $name", (backend) => {
  it("keeps each session's goal queue in order through adds, reorders and drops; a refused change writes nothing", async () => {
    const queue = (await backend.open()).goalQueue;
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
    // Writers of one session's queue at once: each add lands, none is lost.
    await Promise.all(
      ["x1", "x2", "x3", "x4"].map((id, i) => change("s3", { type: "add", id, input: { objective: id }, now: i })),
    );
    expect((await queue.list("s3")).map((item) => item.id).sort()).toEqual(["x1", "x2", "x3", "x4"]);
  });

  it("keeps pending webhook deliveries, soonest first, until one is delivered or given up", async () => {
    const deliveries = (await backend.open()).webhookDeliveries;
    await deliveries.add(delivery("d2", 20, 1));
    await deliveries.add(delivery("d1", 10, 2));
    expect((await deliveries.pending()).map((one) => one.id)).toEqual(["d1", "d2"]);
    await deliveries.attempted("d1", { attempts: 1, nextAt: 30, state: "pending", lastError: "HTTP 500" });
    expect(await deliveries.pending()).toEqual([
      delivery("d2", 20, 1),
      { ...delivery("d1", 30, 2), attempts: 1, lastError: "HTTP 500" },
    ]);
    await deliveries.attempted("d1", { attempts: 2, nextAt: 30, state: "delivered" });
    await deliveries.attempted("d2", { attempts: 9, nextAt: 20, state: "failed", lastError: "gave up" });
    expect(await deliveries.pending()).toEqual([]);
    // The last error stays with a delivered one: its history says what went wrong before.
    expect(await deliveries.ofSession("s1")).toMatchObject([
      { id: "d2", state: "failed", lastError: "gave up" },
      { id: "d1", state: "delivered", attempts: 2, lastError: "HTTP 500" },
    ]);
  });

  it("lets one of two stores on a database claim a due delivery, and another once the claim ran out", async () => {
    const store = await backend.open();
    const replica = await store.openAnother();
    await store.webhookDeliveries.add(delivery("d1", 10, 1));
    expect(await store.webhookDeliveries.claim("d1", 5, 100)).toBe(false);
    const claims = await Promise.all([
      store.webhookDeliveries.claim("d1", 10, 100),
      replica.webhookDeliveries.claim("d1", 10, 100),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await replica.webhookDeliveries.claim("d1", 50, 150)).toBe(false);
    // The claimer died mid-attempt: once the claim runs out, the delivery is due again, for anyone.
    expect(await replica.webhookDeliveries.claim("d1", 100, 200)).toBe(true);
    await replica.webhookDeliveries.attempted("d1", { attempts: 1, nextAt: 200, state: "delivered" });
    expect(await store.webhookDeliveries.claim("d1", 300, 400)).toBe(false);
  });
});
