import { join } from "node:path";
import { alive, goneWithin, waitForPid } from "@pursuit/driver";
import { lastUserText } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness, waitFor } from "./harness.js";

describe("abort", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("stops a streaming answer at once, pauses the goal, and nothing continues", async () => {
    harness = await Harness.start({ behaviour: [{ text: "Let me think about this for a long while", hang: true }] });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Think forever" });
    // Wait until the answer is streaming.
    await waitFor(() => harness!.events.some((e) => e.type === "message.part.updated" && e.properties.delta));

    const started = performance.now();
    expect(await harness.runtime.abort(sessionID)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    // The HTTP request was dropped, not left running in the background.
    await waitFor(() => harness!.model.requests[0]!.disconnectedAt, 1_000, "the client to disconnect");

    const goal = await harness.runtime.goals.get(sessionID);
    expect(goal).toMatchObject({ status: "paused", reason: "aborted by the user" });
    expect(harness.runtime.status()).toEqual({});
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);

    // What streamed before the abort is kept, marked aborted.
    const messages = await harness.runtime.sessions.messages(sessionID);
    const answer = messages.findLast((message) => message.role === "assistant")!;
    expect(answer.data.error?.name).toBe("AbortError");
    expect(answer.parts.some((part) => part.data.type === "text" && part.data.text.startsWith("Let me"))).toBe(true);
  });

  it("kills a running bash command and everything it started", async () => {
    harness = await Harness.start({
      behaviour: (request) =>
        request.body.messages.at(-1)?.role === "tool"
          ? { text: "done" }
          : { toolCalls: [{ name: "bash", arguments: { command: "sleep 30 & echo $! > sleep.pid; wait" } }] },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Sleep" });
    await waitFor(() =>
      harness!.events.some(
        (e) =>
          e.type === "message.part.updated" &&
          e.properties.part.data.type === "tool" &&
          e.properties.part.data.state.status === "running",
      ),
    );
    const pid = await waitForPid(join(harness.workdir, "sleep.pid"));
    expect(alive(pid)).toBe(true);

    const started = performance.now();
    await harness.runtime.abort(sessionID);
    expect(performance.now() - started).toBeLessThan(1_000);
    await waitFor(() => !alive(pid), 1_000, "the sleep to be killed");

    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({ status: "paused" });
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);
    const messages = await harness.runtime.sessions.messages(sessionID);
    const tool = messages.flatMap((m) => m.parts).find((part) => part.data.type === "tool")!;
    expect(tool.data.type === "tool" && tool.data.state.status).toBe("error");
  });

  it("cancels a scheduled continuation and pauses the goal when the session is idle", async () => {
    harness = await Harness.start({ behaviour: [{ text: "nothing to do" }], goal: { backoffBaseMs: 5_000 } });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Idle" });
    await harness.model.waitForRequests(1);
    await harness.waitForContinuation(sessionID, "scheduled");
    await harness.runtime.abort(sessionID);
    expect(await harness.runtime.goals.continuation(sessionID)).toEqual({ state: "none" });
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({
      status: "paused",
      reason: "aborted by the user",
    });
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);
  });

  it("stops a running verify command at once, killing it, and the goal is not completed", async () => {
    harness = await Harness.start({
      behaviour: [{ toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "done" } }] }],
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, {
      objective: "Finish",
      verify: "sleep 60 & echo $! > verify.pid; wait",
    });
    const pid = await waitForPid(join(harness.workdir, "verify.pid"));
    expect(alive(pid)).toBe(true);

    const started = performance.now();
    await harness.runtime.abort(sessionID);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await goneWithin(pid)).toBe(true);
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({ status: "paused" });
    await harness.settle();
    expect(harness.model.requests).toHaveLength(1);
    const tool = (await harness.runtime.sessions.messages(sessionID))
      .flatMap((message) => message.parts)
      .find((part) => part.data.type === "tool" && part.data.tool === "update_goal")!;
    expect(tool.data.type === "tool" && tool.data.state.status).toBe("error");
  });

  it("answers a prompt that was queued when the person aborted with a turn of its own", async () => {
    harness = await Harness.start({
      behaviour: (request) =>
        request.index === 0
          ? { text: "A long first answer", hang: true }
          : { text: `answer to: ${lastUserText(request)}` },
    });
    const sessionID = await harness.session();
    const first = harness.runtime.prompt(sessionID, { text: "first" });
    await waitFor(() => harness!.events.some((e) => e.type === "message.part.updated" && e.properties.delta));
    const second = harness.runtime.prompt(sessionID, { text: "second" });
    await waitFor(
      () =>
        harness!.events.some(
          (e) =>
            e.type === "message.part.updated" &&
            e.properties.part.data.type === "text" &&
            e.properties.part.data.text === "second",
        ),
      5_000,
      "the second prompt to be stored",
    );
    await harness.runtime.abort(sessionID);
    expect((await first).data.error?.name).toBe("AbortError");
    const answer = await second;
    expect(answer.parts.some((part) => part.data.type === "text" && part.data.text === "answer to: second")).toBe(true);
    expect(harness.model.requests).toHaveLength(2);
  });
});
