import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Harness, sleep, waitFor } from "./harness.js";

/** Running, not dead and not a zombie waiting to be reaped by whichever process adopted it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

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
    let pid = 0;
    await waitFor(() => {
      try {
        pid = Number(readFileSync(join(harness!.workdir, "sleep.pid"), "utf8"));
      } catch {
        return false;
      }
      return pid > 0;
    });
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
    await waitFor(() => Object.keys(harness!.runtime.status()).length === 0 && harness!.model.requests[0]!.respondedAt);
    await sleep(50);
    await harness.runtime.abort(sessionID);
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({
      status: "paused",
      reason: "aborted by the user",
    });
  });
});
