import { billedTokens, comparePrefix, lastUserText, type RecordedRequest } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { DROPPED_OUTPUT } from "../src/compaction/model-view.js";
import type { RuntimeEvent } from "../src/events.js";
import { largeOutputParts } from "./behaviours.js";
import { Harness } from "./harness.js";

const WINDOW = 16_000;
const isSummaryCall = (request: RecordedRequest) => /handoff summary/.test(lastUserText(request));
const compactions = (events: RuntimeEvent[]) =>
  events.flatMap((event) => (event.type === "session.compacted" ? [event.properties] : []));

/** A session whose model has a 16k-token window it enforces like a provider; `contextWindow` is what we know. */
function start(options: {
  behaviour: Parameters<typeof Harness.start>[0]["behaviour"];
  contextWindow?: number;
  modelWindow?: number;
  config?: Parameters<typeof Harness.start>[0]["config"];
}) {
  return Harness.start({
    behaviour: options.behaviour,
    modelWindow: options.modelWindow ?? WINDOW,
    ...(options.contextWindow ? { modelSettings: { contextWindow: options.contextWindow } } : {}),
    ...(options.config ? { config: options.config } : {}),
  });
}

describe("compaction in a 16k-token window", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("completes 12 parts of ~3.5k tokens each: the goal is back after every compaction, each stretch between compactions only appends, every summary is charged", async () => {
    harness = await start({ behaviour: largeOutputParts(12), contextWindow: WINDOW });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Print parts 1 to 12" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status !== "active", 60_000);
    expect(goal.status).toBe("complete");

    const requests = harness.model.requests;
    expect(requests.every((request) => request.response?.status === 200)).toBe(true);
    expect(requests.length).toBeLessThanOrEqual(30);
    const done = compactions(harness.events);
    expect(done.length).toBeGreaterThanOrEqual(2);
    for (const compaction of done) expect(compaction.tokensAfter).toBeLessThan(compaction.tokensBefore);

    // The request after each compaction carries the goal (objective, within 600 bytes) and says what happened.
    const restored = (request: RecordedRequest) =>
      request.body.messages.some((message) => JSON.stringify(message.content).includes("Earlier history was"));
    const firstRestored = requests.findIndex(restored);
    expect(firstRestored).toBeGreaterThan(0);
    const transcript = await harness.runtime.sessions.messages(sessionID);
    const goalBack = transcript.flatMap((message) =>
      message.parts.flatMap((part) =>
        part.data.type === "goal-context" && part.data.template === "goal_restored" ? [part.data.text] : [],
      ),
    );
    expect(goalBack).toHaveLength(done.length);
    for (const text of goalBack) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
      expect(text).toContain("<objective>Print parts 1 to 12</objective>");
    }

    // Between compactions every request extends the previous one (summary calls included).
    const records = transcript.filter((message) => message.parts.some((part) => part.data.type === "compaction"));
    const compactedBetween = (earlier: RecordedRequest, later: RecordedRequest) =>
      records.some((message) => message.time.created >= earlier.time && message.time.created <= later.time);
    let pairs = 0;
    for (let index = 1; index < requests.length; index++) {
      const [earlier, later] = [requests[index - 1] as RecordedRequest, requests[index] as RecordedRequest];
      if (compactedBetween(earlier, later)) continue;
      pairs++;
      expect(comparePrefix(earlier.body, later.body).appendOnly, `requests ${index - 1} -> ${index}`).toBe(true);
    }
    // ~3.5k-token outputs in a 16k window: about one compaction per part, as for any agent.
    expect(pairs).toBeGreaterThanOrEqual(3);
    expect(done.length).toBeLessThanOrEqual(13);

    // People keep every message: all 12 outputs are still stored in full.
    const outputs = transcript.flatMap((message) =>
      message.parts.flatMap((part) =>
        part.data.type === "tool" && part.data.state.status === "completed" ? [part.data.state.output] : [],
      ),
    );
    expect(outputs.filter((output) => output.startsWith("part-")).length).toBe(12);
    expect(outputs.some((output) => output === DROPPED_OUTPUT)).toBe(false);

    // What the model billed (summary calls included) is what the goal was charged.
    expect(goal.usage.tokens).toBe(billedTokens(requests));
  }, 90_000);

  it("summarises when dropping old outputs is not enough, the summary call sharing the session's prefix and charged as a step", async () => {
    // Small parts, many of them: tool calls and answers pile up until only a summary helps.
    harness = await start({ behaviour: largeOutputParts(40, 40), contextWindow: 4_000 });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Print parts 1 to 40" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status !== "active", 60_000);
    expect(goal.status, goal.reason).toBe("complete");
    const summaryCalls = harness.model.requests.filter(isSummaryCall);
    expect(summaryCalls.length).toBeGreaterThanOrEqual(1);
    for (const call of summaryCalls) {
      const before = harness.model.requests[call.index - 1] as RecordedRequest;
      expect(comparePrefix(before.body, call.body).appendOnly).toBe(true);
      expect(call.body.tools).toEqual(before.body.tools);
    }
    expect(compactions(harness.events).some((compaction) => compaction.summarised)).toBe(true);
    expect(goal.usage.tokens).toBe(billedTokens(harness.model.requests));
  }, 90_000);

  it("completes through the provider's refusals when the window is unknown, never counting them as failed turns", async () => {
    // Nothing says the window is 10k: Pursuit assumes 32k and learns from "context_length_exceeded".
    harness = await start({ behaviour: largeOutputParts(8), modelWindow: 10_000 });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Print parts 1 to 8" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status !== "active", 60_000);
    expect(goal.status, goal.reason).toBe("complete");
    const refused = harness.model.requests.filter((request) => request.response?.status === 400);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(compactions(harness.events).some((compaction) => compaction.reason === "too_long")).toBe(true);
    expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);
    // Each refused request was followed by a smaller one, never the same request again.
    for (const request of refused) {
      const next = harness.model.requests[request.index + 1];
      expect(next && JSON.stringify(next.body.messages)).not.toBe(JSON.stringify(request.body.messages));
    }
  }, 90_000);

  it("blocks with a clear reason, and no loop, when one output alone outgrows the window", async () => {
    harness = await start({
      behaviour: largeOutputParts(3, 4_000),
      contextWindow: WINDOW,
      config: { tools: { bash: { maxOutputBytes: 200_000 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Print three huge parts" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status !== "active", 30_000);
    expect(goal.status).toBe("blocked");
    expect(goal.reason).toMatch(/too long to summarise|cannot be compacted/);
    await harness.settle();
    expect(harness.model.requests.length).toBeLessThanOrEqual(4);
  }, 60_000);

  it("resumes after a restart with the compacted view, not the original history", async () => {
    harness = await start({ behaviour: largeOutputParts(6), contextWindow: WINDOW });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Print parts 1 to 6" });
    await harness.model.waitUntil(() => compactions(harness!.events).length > 0, 30_000, "a compaction");
    await harness.restart();
    const restartedAt = Date.now();
    const goal = await harness.waitForGoal(sessionID, (g) => g.status !== "active", 60_000);
    expect(goal.status).toBe("complete");
    const first = harness.model.requestsAfter(restartedAt)[0] as RecordedRequest;
    const sent = JSON.stringify(first.body.messages);
    expect(sent).toContain(DROPPED_OUTPUT);
    expect(sent).not.toContain("part-1: a line of build output\\npart-1");
  }, 90_000);
});
