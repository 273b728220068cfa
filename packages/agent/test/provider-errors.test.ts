import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness, waitFor } from "./harness.js";

describe("provider errors", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("honours Retry-After on a 429 before continuing", async () => {
    const files = fileByFileBehaviour(1);
    harness = await Harness.start({
      behaviour: (request, context) =>
        context.index === 0 ? { error: { status: 429, retryAfterSeconds: 1 } } : files(request, context),
      goal: { backoffBaseMs: 50 },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
    await waitFor(() => harness!.runtime.status()[sessionID]?.type === "retry", 5_000, "the retry status");
    expect(harness.runtime.status()[sessionID]).toMatchObject({ type: "retry", attempt: 1 });

    await harness.waitForGoal(sessionID, (goal) => goal.status === "complete");
    const [failed, retried] = harness.model.requests;
    // The backoff alone would retry after 50 ms; the provider asked for 1 s.
    expect(retried!.time - failed!.respondedAt!).toBeGreaterThanOrEqual(950);
    const errors = harness.events.filter((event) => event.type === "session.error");
    expect(errors[0]?.properties).toMatchObject({ sessionID, error: { message: expect.stringContaining("429") } });
  });

  it("sends a request again at once when the connection drops before any response", async () => {
    harness = await Harness.start({ behaviour: fileByFileBehaviour(1) });
    const upstream = new URL(harness.model.url);
    let dropped = 0;
    // In front of the model: drops the first connection without a response, then forwards everything.
    const proxy = createServer((incoming, outgoing) => {
      if (dropped++ === 0) {
        incoming.socket.destroy();
        return;
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 500, response.headers);
          response.pipe(outgoing);
        },
      );
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const config = harness.config as { provider: Record<string, { baseURL?: string }> };
      config.provider.test!.baseURL = `http://127.0.0.1:${port}/v1`;
      await harness.restart();
      const sessionID = await harness.session();
      await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
      await harness.waitForGoal(sessionID, (g) => g.status === "complete");
      await harness.settle();
      expect(dropped).toBeGreaterThan(1);
      expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);
      // No turn failed: one to write, one to complete.
      expect((await harness.runtime.goals.get(sessionID))?.usage.turns).toBe(2);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it("blocks the goal with the error after three failed turns in a row", async () => {
    harness = await Harness.start({ behaviour: [{ error: { status: 500, message: "upstream exploded" } }] });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Anything" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "blocked");
    expect(goal.reason).toMatch(/^3 turns in a row failed; last error: 500 .*upstream exploded/);
    await harness.settle();
    expect(harness.model.requests).toHaveLength(3);
    // Failed turns back off: 100 ms, then 200 ms.
    const [first, second, third] = harness.model.requests;
    expect(second!.time - first!.respondedAt!).toBeGreaterThanOrEqual(90);
    expect(third!.time - second!.respondedAt!).toBeGreaterThanOrEqual(180);
  });
});
