import { existsSync } from "node:fs";
import { join } from "node:path";
import { billedTokens } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { expectCutChargedNearBill } from "./cut-charges.js";
import { Harness } from "./harness.js";

/** Faults real providers show, each ridden out inside the turn while every billed token is charged. */
describe("provider faults mid-stream and Retry-After in every form", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("honours Retry-After as an HTTP date and retry-after-ms, and the goal completes", async () => {
    const files = fileByFileBehaviour(1);
    harness = await Harness.start({
      behaviour: (request, context) =>
        context.index === 0
          ? { error: { status: 429, retryAfterDateInMs: 3_000 } }
          : context.index === 1
            ? { error: { status: 503, retryAfterMs: 1_500 } }
            : files(request, context),
      config: { agent: { retry: { windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 400 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete", 20_000);
    const [first, second, third] = harness.model.requests;
    // An HTTP date has whole seconds: 3 s from the answer means at least 2 s of wait; the backoff alone is 100 ms.
    expect(second!.time - first!.respondedAt!).toBeGreaterThanOrEqual(1_950);
    expect(third!.time - second!.respondedAt!).toBeGreaterThanOrEqual(1_450);
    expect(goal.usage.turns).toBe(1);
    expect(goal.usage.tokens).toBe(billedTokens(harness.model.requests));
  });

  it.each(["error", "reset"] as const)(
    "retries a stream that breaks off mid-answer (%s) inside the turn, charging what the model billed",
    async (how) => {
      const files = fileByFileBehaviour(2);
      harness = await Harness.start({
        behaviour: (request, context) =>
          context.index === 1
            ? {
                text: "Let me look at what is there first. ".repeat(60),
                breakOff: { afterCharacters: 1_000, with: how },
              }
            : files(request, context),
      });
      const sessionID = await harness.session();
      await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt and a2.txt" });
      await harness.waitForGoal(sessionID, (g) => g.status === "complete", 20_000);
      await harness.settle();
      const goal = (await harness.runtime.goals.get(sessionID))!;
      expect(existsSync(join(harness.workdir, "a2.txt"))).toBe(true);
      const broken = harness.model.requests[1]!;
      expect(broken.brokeOff).toBe(how);
      expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);
      // The broken answer is billed for its input and the ~270 tokens it streamed: charged once, estimated; every
      // answered request exactly as billed.
      const charges = (await harness.runtime.goals.history(sessionID)).flatMap((row) =>
        row.kind === "charged" && row.key.startsWith("step:") ? [row] : [],
      );
      const estimated = charges.filter((row) => row.estimated);
      expect(estimated).toHaveLength(1);
      const answered = harness.model.requests.filter((request) => request !== broken);
      expect(goal.usage.tokens - estimated[0]!.charge.tokens).toBe(billedTokens(answered));
      expect(broken.streamedOutputTokens).toBeGreaterThan(200);
      expectCutChargedNearBill(estimated[0]!.charge, broken);
    },
  );

  it("never runs a tool call the output cap cut half-written", async () => {
    const content = "line of the report\n".repeat(200);
    harness = await Harness.start({
      behaviour: (_request, context) =>
        context.index === 0
          ? { text: "Writing it.", toolCalls: [{ name: "write", arguments: { path: "report.txt", content } }] }
          : { text: "I could not finish the call." },
      modelSettings: { maxOutputTokens: 60 },
    });
    const sessionID = await harness.session();
    await harness.runtime.prompt(sessionID, { text: "Write report.txt" });
    const first = harness.model.requests[0]!;
    expect(first.response?.finishReason).toBe("length");
    expect(first.response?.toolCalls).toHaveLength(1);
    expect(() => JSON.parse(first.response!.toolCalls[0]!.arguments)).toThrow();
    expect(existsSync(join(harness.workdir, "report.txt"))).toBe(false);
    // The model is told its call was broken, in the tool result the next request carries.
    const toolResult = harness.model.requests[1]!.body.messages.find((message) => message.role === "tool");
    expect(JSON.stringify(toolResult)).toMatch(/write/);
  });
});
