import { analyzePrefixReuse } from "@pursuit/testkit";
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
});
