import type { WebhookDelivery } from "@pursuit/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "./open-store.js";

const delivery = (id: string, nextAt: number): WebhookDelivery => ({
  id,
  sessionID: "s1",
  goalID: "g1",
  event: "goal.complete",
  url: "http://127.0.0.1:9/hook",
  body: '{"event":"goal.complete"}',
  headers: { "x-pursuit-delivery": id },
  attempts: 0,
  nextAt,
  createdAt: 1,
  state: "pending",
});

describe("webhook deliveries in SQLite", () => {
  let store: Store | undefined;
  afterEach(() => store?.close());

  it("keeps pending deliveries, soonest first, until one is delivered or given up", async () => {
    store = await openStore({ path: ":memory:" });
    const deliveries = store.webhookDeliveries;
    await deliveries.add(delivery("d2", 20));
    await deliveries.add(delivery("d1", 10));
    expect((await deliveries.pending()).map((one) => one.id)).toEqual(["d1", "d2"]);
    await deliveries.attempted("d1", { attempts: 1, nextAt: 30, state: "pending", lastError: "HTTP 500" });
    expect(await deliveries.pending()).toEqual([
      delivery("d2", 20),
      { ...delivery("d1", 30), attempts: 1, lastError: "HTTP 500" },
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
});
