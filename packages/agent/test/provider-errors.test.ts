import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness, waitFor } from "./harness.js";

describe("provider errors", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("rides out a short outage inside the turn: two 429s (Retry-After 2 s) then three 500s", async () => {
    const files = fileByFileBehaviour(1);
    harness = await Harness.start({
      behaviour: (request, context) =>
        context.index < 2
          ? { error: { status: 429, retryAfterSeconds: 2 } }
          : context.index < 5
            ? { error: { status: 500, message: "upstream exploded" } }
            : files(request, context),
      config: { agent: { retry: { windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 400 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
    await waitFor(() => harness!.runtime.status()[sessionID]?.type === "retry", 5_000, "the retry status");
    expect(harness.runtime.status()[sessionID]).toMatchObject({
      type: "retry",
      attempt: 1,
      message: expect.stringContaining("429"),
      next: expect.any(Number),
    });

    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete", 20_000);
    const [first, second, third] = harness.model.requests;
    // The provider asked for 2 s; the backoff alone would have waited at most 100 ms.
    expect(second!.time - first!.respondedAt!).toBeGreaterThanOrEqual(1_950);
    expect(third!.time - second!.respondedAt!).toBeGreaterThanOrEqual(1_950);
    // No turn failed: the retries happened inside the first turn.
    expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);
    expect(goal.usage.turns).toBe(1);
    const statuses = harness.events.flatMap((event) =>
      event.type === "session.status" && event.properties.sessionID === sessionID ? [event.properties.status] : [],
    );
    expect(statuses.filter((status) => status.type === "retry").map((status) => status.attempt)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it("fails a turn at once on a permanent error, with the provider's message, and retries no request", async () => {
    harness = await Harness.start({
      behaviour: [{ error: { status: 401, message: "invalid api key" } }],
      goal: { errorTurns: 1 },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Anything" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "blocked");
    expect(goal.reason).toMatch(/invalid api key/);
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);
  });

  it("a pause during a retry wait ends it at once: no further request", async () => {
    harness = await Harness.start({
      behaviour: [{ error: { status: 503, message: "overloaded", retryAfterSeconds: 30 } }],
      config: { agent: { retry: { windowMs: 120_000, baseDelayMs: 100, maxDelayMs: 400 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Anything" });
    await waitFor(() => harness!.runtime.status()[sessionID]?.type === "retry", 5_000, "the retry status");
    const started = performance.now();
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    await harness.settle();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(harness.model.requests).toHaveLength(1);
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({ status: "paused" });
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

  it("blocks the goal with the error after three turns that failed after their retries", async () => {
    harness = await Harness.start({
      behaviour: [{ error: { status: 500, message: "upstream exploded" } }],
      config: { agent: { retry: { windowMs: 250, baseDelayMs: 100, maxDelayMs: 100 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Anything" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "blocked");
    expect(goal.reason).toMatch(/^3 turns in a row failed; last error: 500 .*upstream exploded/);
    await harness.settle();
    // Each turn: the request and its retries within the 250 ms window (waits of 50-100 ms).
    expect(harness.model.requests.length).toBeGreaterThanOrEqual(3 * 3);
    expect(harness.model.requests.length).toBeLessThanOrEqual(3 * 6);
    expect(harness.events.filter((event) => event.type === "session.error")).toHaveLength(3);
  });

  it("rides out a burst of Anthropic overload errors (529, Anthropic's error shape) through the anthropic provider", async () => {
    const files = fileByFileBehaviour(1);
    harness = await Harness.start({
      behaviour: (request, context) =>
        context.index < 3
          ? { error: { status: context.index === 0 ? 429 : 529, retryAfterSeconds: 0 } }
          : files(request, context),
      config: {
        model: "anthropic/claude-sonnet-4-5",
        provider: { anthropic: { type: "anthropic", baseURL: "http://placeholder/v1", apiKey: "test-key" } },
      },
    });
    const config = harness.config as { provider: Record<string, { baseURL?: string }> };
    config.provider.anthropic!.baseURL = harness.model.url;
    await harness.restart();
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
    await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    await harness.settle();
    const failed = harness.model.requests.slice(0, 3);
    expect(failed.every((request) => request.path === "/v1/messages")).toBe(true);
    expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);
    const retries = harness.events.flatMap((event) =>
      event.type === "session.status" && event.properties.status.type === "retry" ? [event.properties.status] : [],
    );
    expect(retries.map((status) => status.message)).toEqual([
      expect.stringMatching(/429/),
      expect.stringMatching(/529/),
      expect.stringMatching(/529/),
    ]);
  });
});
