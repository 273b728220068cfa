import { analyzePrefixReuse, billedTokens } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness } from "./harness.js";

describe("cache safety", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("every request of a whole goal run extends the previous one byte for byte", async () => {
    harness = await Harness.start({ behaviour: fileByFileBehaviour(5) });
    const sessionID = await harness.session();
    // A plain user turn first, then a goal set mid-conversation, its continuations, and a user turn after.
    await harness.runtime.prompt(sessionID, { text: "hello, please look around" });
    await harness.runtime.goals.create(sessionID, {
      objective: "Create a1.txt to a5.txt",
      limits: { tokens: 500_000 },
    });
    await harness.waitForGoal(sessionID, (goal) => goal.status === "complete");
    await harness.settle();
    await harness.runtime.prompt(sessionID, { text: "thanks" });

    const requests = harness.model.requests;
    expect(requests.length).toBeGreaterThan(10);
    const report = analyzePrefixReuse(requests);
    expect(report.conversations).toHaveLength(1);
    expect(report.brokenPairs).toEqual([]);
    expect(report.minReuse).toBe(1);
    const first = requests[0]!;
    for (const request of requests) {
      expect(JSON.stringify(request.body.tools)).toBe(JSON.stringify(first.body.tools));
      expect(request.body.messages[0]).toEqual(first.body.messages[0]);
    }

    // Goal context is appended as small persisted messages, each well under 600 bytes.
    const contexts = (await harness.runtime.sessions.messages(sessionID))
      .flatMap((message) => message.parts)
      .flatMap((part) => (part.data.type === "goal-context" ? [part.data] : []));
    expect(contexts.filter((context) => context.template === "continuation").length).toBeGreaterThanOrEqual(5);
    for (const context of contexts) expect(Buffer.byteLength(context.text)).toBeLessThanOrEqual(600);
  });

  it("reads above 90% of an Anthropic goal's input from the cache, which caches only at breakpoints", async () => {
    harness = await Harness.start({
      behaviour: fileByFileBehaviour(10),
      config: {
        model: "anthropic/claude-sonnet-4-5",
        provider: { anthropic: { type: "anthropic", baseURL: "http://placeholder/v1", apiKey: "test-key" } },
      },
    });
    const config = harness.config as { provider: Record<string, { baseURL?: string }> };
    config.provider.anthropic!.baseURL = harness.model.url;
    await harness.restart();
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Create a1.txt to a10.txt" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete", 30_000);
    await harness.settle();

    const requests = harness.model.requests;
    expect(requests.every((request) => request.path === "/v1/messages")).toBe(true);
    expect(goal.usage.turns).toBeGreaterThanOrEqual(10);
    const input = requests.reduce((sum, request) => sum + (request.response?.usage?.prompt_tokens ?? 0), 0);
    const read = requests.reduce(
      (sum, request) => sum + (request.response?.usage?.prompt_tokens_details.cached_tokens ?? 0),
      0,
    );
    expect(read / input).toBeGreaterThan(0.9);
    // Breakpoints change no byte of the conversation: each request still extends the previous one.
    expect(harness.model.prefixReuse().brokenPairs).toEqual([]);
    // The goal is charged what Anthropic bills: uncached input, cache writes and output (the answer after
    // completing included).
    const final = (await harness.runtime.goals.get(sessionID))!;
    expect(final.usage.tokens).toBe(billedTokens(requests));
    expect(final.usage.cacheRead).toBe(read);
  });
});
