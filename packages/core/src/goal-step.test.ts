import { describe, expect, it } from "vitest";
import type { StepUsage } from "./accounting.js";
import { GoalEngine } from "./goal-engine.js";
import { createMemoryGoalStore } from "./memory-store.js";
import { FakeClock, sequentialIds } from "./testing/fake-ports.js";

const S = "s";
const usage = (noCacheInput: number, output: number): StepUsage => ({
  noCacheInput,
  cacheRead: 0,
  cacheWrite: 0,
  output,
  reasoning: 0,
});

async function turnWithGoal() {
  const store = createMemoryGoalStore();
  const engine = new GoalEngine({ store, clock: new FakeClock(), ids: sequentialIds() });
  await engine.createGoal(S, { objective: "a" });
  const turn = await engine.beginTurn(S, { turnID: "t", continuation: true });
  const step = turn.reserveStep({ stepID: "1", estimatedInputTokens: 100, prices: { input: 3, output: 15 } });
  const tokens = async () => (await engine.getGoal(S))?.usage.tokens;
  return { store, engine, turn, step, tokens };
}

type Settle = "finished" | "cut" | "release";
const settle = (step: Awaited<ReturnType<typeof turnWithGoal>>["step"], how: Settle) => {
  switch (how) {
    case "finished":
      return step.finished({ usage: usage(90, 40) });
    case "cut":
      return step.cut();
    case "release":
      return step.release();
  }
};

describe("GoalStep: settled exactly once", () => {
  // What each first settle charges: finished the provider's usage, cut the reserved input and the checkpointed
  // output, release nothing.
  const charged: Record<Settle, number> = { finished: 130, cut: 125, release: 0 };

  for (const first of ["finished", "cut", "release"] as const) {
    for (const second of ["finished", "cut", "release"] as const) {
      it(`${first} then ${second}: only the first counts`, async () => {
        const { step, tokens, store } = await turnWithGoal();
        await step.sending();
        await step.checkpoint(25);
        await settle(step, first);
        expect(await settle(step, second)).toEqual(second === "release" ? undefined : { append: [] });
        await step.checkpoint(500);
        expect(await tokens()).toBe(charged[first]);
        expect(await store.reservations()).toEqual([]);
      });
    }
  }

  it("a cut step charges its reserved input and its checkpoint, marked estimated and priced", async () => {
    const { step, engine } = await turnWithGoal();
    await step.sending();
    await step.checkpoint(10);
    await step.checkpoint(60);
    await step.cut();
    const goal = await engine.getGoal(S);
    expect(goal?.usage).toMatchObject({ tokens: 160, input: 100, output: 60, costUSD: (100 * 3 + 60 * 15) / 1e6 });
    const rows = (await engine.history(S)).filter((row) => row.kind === "charged");
    expect(rows).toMatchObject([{ estimated: true }]);
  });

  it("a step never sent leaves nothing for a crash to charge, and a cut of it charges nothing", async () => {
    const { step, store, tokens } = await turnWithGoal();
    expect(await store.reservations()).toEqual([]);
    expect(await step.cut()).toEqual({ append: [] });
    expect(await tokens()).toBe(0);
  });

  it("a sent step is reserved with its input and checkpointed output until it settles", async () => {
    const { step, store } = await turnWithGoal();
    await step.sending();
    await step.checkpoint(64);
    expect(await store.reservations()).toMatchObject([{ key: "step:1", inputTokens: 100, outputTokens: 64 }]);
    await step.finished({ usage: usage(100, 70) });
    expect(await store.reservations()).toEqual([]);
  });

  it("a turn ends once: a second end charges no second turn", async () => {
    const { turn, engine } = await turnWithGoal();
    await turn.end({ outcome: "completed" });
    await turn.end({ outcome: "completed" });
    expect((await engine.getGoal(S))?.usage.turns).toBe(1);
  });
});

describe("TokenRate", () => {
  it("estimates at 4 bytes a token until it learns the session's own rate", async () => {
    const { TokenRate } = await import("./token-estimate.js");
    const rate = new TokenRate();
    expect(rate.tokensFor(300)).toBe(75);
    rate.observe(4_000, 1_000);
    rate.observe(4_400, 1_000);
    expect(rate.tokensFor(4_200)).toBe(1_000);
    rate.observe(0, 5);
    expect(rate.bytesPerToken).toBe(4.2);
  });
});
