import { openStore } from "@pursuit/store";
import {
  type BehaviourFunction,
  pollUntil,
  startWebhookReceiver,
  toolCallsMade,
  validSignature,
  type WebhookReceiver,
} from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

/** Writes one file, then completes with evidence. */
const writeThenComplete: BehaviourFunction = (request) => {
  if (request.body.messages.at(-1)?.role === "tool") return { text: "Done." };
  if (toolCallsMade(request, "write").length === 0)
    return { toolCalls: [{ name: "write", arguments: { path: "out.txt", content: "x" } }] };
  return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "out.txt written" } }] };
};

describe("webhooks on goal outcomes, in the native host", () => {
  let harness: Harness | undefined;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await harness?.close();
    await receiver?.close();
  });

  it("POSTs a signed goal.complete from pursuit.json's webhooks, and records the attempt in the history", async () => {
    receiver = await startWebhookReceiver();
    harness = await Harness.start({
      behaviour: writeThenComplete,
      config: { webhooks: [{ url: receiver.url, secret: "team-secret" }] },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write out.txt" });
    await harness.waitForGoal(sessionID, (goal) => goal.status === "complete");
    const webhook = await pollUntil("the webhook", () => receiver?.received[0]);
    expect(validSignature(webhook, "team-secret")).toBe(true);
    expect(JSON.parse(webhook.body)).toMatchObject({
      event: "goal.complete",
      session: sessionID,
      evidence: "out.txt written",
      goal: { status: "complete", objective: "Write out.txt" },
    });
    const attempt = await pollUntil("the attempt in the history", async () =>
      (await harness?.runtime.goals.history(sessionID))?.find((row) => row.kind === "webhook_attempted"),
    );
    expect(attempt).toMatchObject({
      event: "goal.complete",
      attempt: 1,
      delivered: true,
      status: 200,
      actor: "runtime",
    });
    expect(receiver.received).toHaveLength(1);
  });

  it("a receiver that fails twice gets the third attempt, across a restart, with the same delivery id and bytes", async () => {
    receiver = await startWebhookReceiver(() => 500);
    harness = await Harness.start({
      behaviour: writeThenComplete,
      config: { webhooks: [{ url: receiver.url }] },
      webhookRetry: { firstRetryMs: 100, maxRetryMs: 200 },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, {
      objective: "Write out.txt",
      webhooks: [{ url: `${receiver.url}?own`, events: ["goal.complete"] }],
    });
    await harness.waitForGoal(sessionID, (goal) => goal.status === "complete");
    // Two failed attempts to each target, then the process stops with the deliveries pending.
    await pollUntil("two attempts each", () => (receiver && receiver.received.length >= 4 ? true : undefined));
    await harness.restart(async () => {
      receiver?.setAnswer(() => 200);
      const store = await openStore({ path: harness?.database });
      const pending = await store.webhookDeliveries.pending();
      store.close();
      expect(pending).toHaveLength(2);
    });
    await pollUntil("both delivered", () => (receiver && receiver.delivered().length === 2 ? true : undefined));
    const byDelivery = new Map<string, typeof receiver.received>();
    for (const one of receiver.received) {
      const id = String(one.headers["x-pursuit-delivery"]);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), one]);
    }
    expect(byDelivery.size).toBe(2);
    for (const attempts of byDelivery.values()) {
      expect(attempts.length).toBeGreaterThanOrEqual(3);
      expect(new Set(attempts.map((one) => one.body)).size).toBe(1);
      expect(attempts.at(-1)?.status).toBe(200);
    }
    // Each attempt is recorded once the receiver has answered it: the last two a moment after the POSTs.
    const attempts = await pollUntil("both deliveries in the history", async () => {
      const rows = ((await harness?.runtime.goals.history(sessionID)) ?? []).flatMap((row) =>
        row.kind === "webhook_attempted" ? [row] : [],
      );
      return rows.filter((row) => row.delivered).length === 2 ? rows : undefined;
    });
    expect(attempts.some((row) => row.status === 500)).toBe(true);
  });
});
