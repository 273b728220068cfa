import { lastUserText } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { fileByFileBehaviour } from "./behaviours.js";
import { Harness } from "./harness.js";

describe("user messages and pauses win races with continuations", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("a user message sent while a continuation is scheduled runs at once, ahead of it", async () => {
    harness = await Harness.start({
      behaviour: (request) => ({ text: `echo: ${lastUserText(request).slice(0, 40)}` }),
      goal: { backoffBaseMs: 3_000 },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Keep going" });
    await harness.model.waitForRequests(1);
    // The first continuation made no progress: the next one is scheduled 3 s out.
    await harness.waitForContinuation(sessionID, "scheduled");

    const sent = performance.now();
    const answer = await harness.runtime.prompt(sessionID, { text: "What is the status?" });
    expect(performance.now() - sent).toBeLessThan(2_000);
    expect(
      answer.parts.some((part) => part.data.type === "text" && part.data.text.includes("What is the status?")),
    ).toBe(true);
    const second = harness.model.requests[1]!;
    expect(lastUserText(second)).toBe("What is the status?");
    // No continuation message was slipped in before the user's message.
    const history = await harness.runtime.goals.history(sessionID);
    expect(history.filter((row) => row.kind === "continued")).toHaveLength(1);
  });

  it("a pause issued together with a resume wins: no turn starts", async () => {
    harness = await Harness.start({ behaviour: fileByFileBehaviour(5) });
    const sessionID = await harness.session();
    const created = await harness.runtime.goals.create(sessionID, { objective: "Write files" });
    expect(created.ok).toBe(true);
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    await harness.settle();
    const before = harness.model.requests.length;

    // The resume schedules a continuation at once; the pause arrives before it starts.
    const [resumed, paused] = await Promise.all([
      harness.runtime.goals.update(sessionID, { status: "active" }),
      harness.runtime.goals.update(sessionID, { status: "paused", reason: "not now" }),
    ]);
    expect(resumed.ok && paused.ok).toBe(true);
    await harness.settle();
    expect(harness.model.requests.length).toBe(before);
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({ status: "paused", reason: "not now" });
  });

  it("a pause during a continuation turn lets no further step start", async () => {
    harness = await Harness.start({
      behaviour: (request) => ({
        toolCalls: [{ name: "write", arguments: { path: `f${request.index}.txt`, content: "x" } }],
      }),
      latencyMs: 150,
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write files forever" });
    await harness.model.waitForRequests(2);
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    // A step already past its check may still reach the server within a few ms; none may start later.
    const pausedAt = Date.now() + 50;
    await harness.settle();
    expect(harness.model.requestsAfter(pausedAt)).toEqual([]);
    expect((await harness.runtime.goals.get(sessionID))?.status).toBe("paused");
  });
});
