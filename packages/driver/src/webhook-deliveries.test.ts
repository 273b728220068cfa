import {
  emptyUsage,
  type Goal,
  type GoalChange,
  type WebhookDelivery,
  type WebhookDeliveryStore,
  type WebhookTarget,
} from "@pursuit/core";
import { pollUntil, startWebhookReceiver, validSignature, type WebhookReceiver } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type WebhookAttempt, WebhookDeliveries } from "./webhook-deliveries.js";

/** Deliveries kept in a map, as the SQLite store keeps them (its own tests cover the file). */
function memoryDeliveries(): WebhookDeliveryStore & { all: Map<string, WebhookDelivery> } {
  const all = new Map<string, WebhookDelivery>();
  return {
    all,
    add: async (delivery) => void all.set(delivery.id, delivery),
    pending: async () => [...all.values()].filter((one) => one.state === "pending").sort((a, b) => a.nextAt - b.nextAt),
    claim: async (id, now, until) => {
      const delivery = all.get(id);
      if (delivery?.state !== "pending" || delivery.nextAt > now) return false;
      all.set(id, { ...delivery, nextAt: until });
      return true;
    },
    attempted: async (id, outcome) => {
      const delivery = all.get(id);
      if (delivery) all.set(id, { ...delivery, ...outcome });
    },
  };
}

const goal = (over: Partial<Goal> = {}): Goal => ({
  id: "goal-1",
  sessionID: "ses-1",
  objective: "Ship 1.2",
  status: "complete",
  evidence: "npm test: 40 passed",
  limits: {},
  usage: { ...emptyUsage(), tokens: 12_000, turns: 3 },
  createdBy: "user",
  time: { created: 1, updated: 2, completed: 2 },
  ...over,
});

/** A committed change into `status`, as the engine hands it over. */
const moved = (to: Goal["status"], over: Partial<Goal> = {}, actor: "model" | "runtime" = "model"): GoalChange => {
  const after = goal({ status: to, ...over });
  return {
    goal: after,
    history: [
      {
        kind: "status",
        from: "active",
        to,
        ...(over.reason ? { reason: over.reason } : {}),
        goalID: after.id,
        sessionID: after.sessionID,
        actor,
        time: 5,
      },
    ],
  };
};

describe("webhook deliveries", () => {
  let receiver: WebhookReceiver | undefined;
  let deliveries: WebhookDeliveries | undefined;
  afterEach(async () => {
    await deliveries?.close();
    await receiver?.close();
  });

  function start(targets: WebhookTarget[], store = memoryDeliveries(), retry = {}) {
    const attempts: WebhookAttempt[] = [];
    const errors: string[] = [];
    let n = 0;
    deliveries = new WebhookDeliveries({
      store,
      targets,
      record: async (attempt) => void attempts.push(attempt),
      ids: () => `whd-${++n}`,
      retry: { firstRetryMs: 50, maxRetryMs: 200, timeoutMs: 300, ...retry },
      onError: (message) => errors.push(message),
    });
    return { deliveries, store, attempts, errors };
  }

  it("POSTs a signed JSON body naming the event, the goal, its evidence and its page", async () => {
    receiver = await startWebhookReceiver();
    const { deliveries, attempts } = start([{ url: receiver.url, secret: "s3cret" }]);
    deliveries.setWebAppURL("http://127.0.0.1:4096/");
    deliveries.onCommitted("ses-1", moved("complete"));
    await pollUntil("the delivery", () => attempts[0]);
    const [webhook] = receiver.received;
    expect(webhook && validSignature(webhook, "s3cret")).toBe(true);
    expect(webhook && validSignature(webhook, "another")).toBe(false);
    expect(webhook?.headers).toMatchObject({ "x-pursuit-event": "goal.complete", "x-pursuit-delivery": "whd-1" });
    expect(JSON.parse(webhook?.body ?? "")).toMatchObject({
      id: "whd-1",
      event: "goal.complete",
      session: "ses-1",
      goal: { id: "goal-1", objective: "Ship 1.2", status: "complete" },
      usage: { tokens: 12_000, turns: 3 },
      evidence: "npm test: 40 passed",
      url: "http://127.0.0.1:4096/#/session/ses-1",
    });
    expect(attempts).toMatchObject([{ attempt: 1, delivered: true, status: 200 }]);
  });

  it("retries a failing receiver with backoff, the same bytes each time, and records every attempt", async () => {
    receiver = await startWebhookReceiver((n) => (n <= 2 ? 500 : 200));
    const { deliveries, attempts, store } = start([{ url: receiver.url, secret: "k" }]);
    deliveries.onCommitted("ses-1", moved("blocked", { reason: "needs an API key" }));
    await pollUntil("the third attempt", () => attempts[2]);
    expect(attempts.map(({ attempt, delivered, status }) => [attempt, delivered, status])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 200],
    ]);
    const bodies = new Set(receiver.received.map((one) => one.body));
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0] ?? "")).toMatchObject({ event: "goal.blocked", reason: "needs an API key" });
    const [first, second, third] = receiver.received.map((one) => one.time);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(45);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(95);
    expect([...store.all.values()]).toMatchObject([{ state: "delivered", attempts: 3, lastError: "HTTP 500" }]);
  });

  it("never holds up the goal loop: a receiver that hangs is cut at the timeout and retried", async () => {
    receiver = await startWebhookReceiver((n) => (n === 1 ? "hang" : 200));
    const { deliveries, attempts } = start([{ url: receiver.url }]);
    const before = performance.now();
    deliveries.onCommitted("ses-1", moved("complete"));
    expect(performance.now() - before).toBeLessThan(5);
    await pollUntil("the retry after the hang", () => attempts[1]);
    expect(attempts[0]).toMatchObject({ delivered: false, error: "no answer within 0.3 s" });
    expect(attempts[1]).toMatchObject({ delivered: true });
  });

  it("flush waits for the deliveries a process owes before it exits, and says how many are left", async () => {
    receiver = await startWebhookReceiver(() => 503);
    const { deliveries } = start([{ url: receiver.url }]);
    deliveries.onCommitted("ses-1", moved("complete"));
    const started = performance.now();
    expect(await deliveries.flush(300)).toBe(1);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    receiver.setAnswer(() => 200);
    expect(await deliveries.flush(2_000)).toBe(0);
  });

  it("gives up after its time, saying so", async () => {
    receiver = await startWebhookReceiver(() => 503);
    const { deliveries, errors, store } = start([{ url: receiver.url }], memoryDeliveries(), { giveUpAfterMs: 150 });
    deliveries.onCommitted("ses-1", moved("complete"));
    await pollUntil("giving up", () => errors.find((message) => message.startsWith("gave up")));
    expect([...store.all.values()]).toMatchObject([{ state: "failed", lastError: "HTTP 503" }]);
    const attemptsMade = receiver.received.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(attemptsMade);
  });

  it("sends each target only the events it asked for, Slack's shape to a Slack target, a goal's own webhooks too", async () => {
    receiver = await startWebhookReceiver();
    const { deliveries, attempts } = start([
      { url: `${receiver.url}?all`, events: ["goal.waiting", "goal.complete"], format: "slack" },
      { url: `${receiver.url}?outcomes` },
    ]);
    const waiting: GoalChange = {
      goal: goal({ status: "waiting", webhooks: [{ url: `${receiver.url}?own`, events: ["goal.waiting"] }] }),
      history: [
        {
          kind: "status",
          from: "active",
          to: "waiting",
          wait: { kind: "check", reason: "CI", by: "model", since: 1 },
          goalID: "goal-1",
          sessionID: "ses-1",
          actor: "model",
          time: 5,
        },
      ],
    };
    deliveries.onCommitted("ses-1", waiting);
    deliveries.onCommitted("ses-1", moved("paused", { reason: "lunch" }, "model"));
    deliveries.onCommitted("ses-1", moved("complete"));
    await pollUntil("four deliveries", () => (attempts.length >= 4 ? attempts : undefined));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(
      receiver.received.map((one) => [one.headers["x-pursuit-event"], one.body.startsWith('{"text"')]).sort(),
    ).toEqual([
      ["goal.complete", false],
      ["goal.complete", true],
      ["goal.waiting", false],
      ["goal.waiting", true],
    ]);
    const slack = JSON.parse(receiver.received.find((one) => one.body.startsWith('{"text"'))?.body ?? "{}");
    expect(slack.text).toMatch(/^\*Goal (waiting|complete)\*: Ship 1\.2/);
  });
});
