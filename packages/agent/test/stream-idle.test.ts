import { billedTokens } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/load-config.js";
import { ModelResolver } from "../src/providers.js";
import { fileByFileBehaviour } from "./behaviours.js";
import { expectCutChargedNearBill } from "./cut-charges.js";
import { Harness } from "./harness.js";

describe("a model stream that goes silent", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("is cut after PURSUIT_STREAM_IDLE_TIMEOUT (15s), retried inside the turn, and the goal completes", async () => {
    const files = fileByFileBehaviour(1);
    harness = await Harness.start({
      // The second request streams its first words, then nothing, with the connection left open.
      behaviour: (request, context) =>
        context.index === 1 ? { text: "Now I will check that a1.txt", hang: true } : files(request, context),
      env: { PURSUIT_STREAM_IDLE_TIMEOUT: "15s" },
      config: { agent: { retry: { windowMs: 60_000, baseDelayMs: 100, maxDelayMs: 400 } } },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Write a1.txt" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete", 40_000);

    const [, stalled, retried] = harness.model.requests;
    expect(stalled?.disconnectedAt).toBeDefined();
    const cutAfter = stalled!.disconnectedAt! - stalled!.time;
    expect(cutAfter).toBeGreaterThanOrEqual(14_900);
    expect(cutAfter).toBeLessThan(20_000);
    expect(retried!.time - stalled!.disconnectedAt!).toBeLessThan(1_000);
    // Retried inside the turn: no turn failed.
    expect(harness.events.filter((event) => event.type === "session.error")).toEqual([]);

    // The stalled attempt's streamed words are billed: charged once, estimated, with the answered requests.
    const charges = (await harness.runtime.goals.history(sessionID)).flatMap((row) =>
      row.kind === "charged" ? [row] : [],
    );
    const estimated = charges.filter((row) => row.estimated);
    expect(estimated).toHaveLength(1);
    expect(estimated[0]!.charge.output).toBeGreaterThan(0);
    expect(new Set(charges.map((row) => row.key)).size).toBe(charges.length);
    // The model bills the cut request for its input and the words it streamed: the estimate comes close.
    const answered = harness.model.requests.filter((request) => request !== stalled);
    expect(goal.usage.tokens - estimated[0]!.charge.tokens).toBe(billedTokens(answered));
    expectCutChargedNearBill(estimated[0]!.charge, stalled!);

    // People see the cut answer, marked, and the retried one.
    const transcript = await harness.runtime.sessions.messages(sessionID);
    const failed = transcript.filter((message) => message.role === "assistant" && message.data.error);
    expect(failed.map((message) => message.data.error?.message)).toEqual([
      "the answer broke off; the request was sent again",
    ]);
  }, 60_000);

  it("refuses a PURSUIT_STREAM_IDLE_TIMEOUT that is not a duration, naming the variable", () => {
    expect(() => new ModelResolver({}, { PURSUIT_STREAM_IDLE_TIMEOUT: "15" })).toThrow(ConfigError);
    expect(() => new ModelResolver({}, { PURSUIT_STREAM_IDLE_TIMEOUT: "15" })).toThrow(
      /PURSUIT_STREAM_IDLE_TIMEOUT.*needs a unit/,
    );
  });

  it("takes the timeout from the provider's settings, the environment winning", () => {
    const config = {
      model: "p/m",
      provider: { p: { type: "openai" as const, apiKey: "k", streamIdleTimeoutMs: 30_000 } },
    };
    const fromConfig = new ModelResolver(config, {}).resolve();
    expect(fromConfig.ok && fromConfig.value.streamIdleTimeoutMs).toBe(30_000);
    const fromEnv = new ModelResolver(config, { PURSUIT_STREAM_IDLE_TIMEOUT: "1m" }).resolve();
    expect(fromEnv.ok && fromEnv.value.streamIdleTimeoutMs).toBe(60_000);
    const byDefault = new ModelResolver({ ...config, provider: { p: { type: "openai" as const } } }, {}).resolve();
    expect(byDefault.ok && byDefault.value.streamIdleTimeoutMs).toBe(120_000);
  });
});
