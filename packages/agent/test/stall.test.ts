import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

describe("stall", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("pauses a text-only model after 3 continuation turns, backing off between them", async () => {
    const base = 150;
    harness = await Harness.start({ behaviour: [{ text: "I am thinking about it." }], goal: { backoffBaseMs: base } });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Refactor the parser" });

    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "paused");
    expect(goal.reason).toBe("no progress in 3 continuation turns in a row");
    await harness.settle();
    const requests = harness.model.requests;
    expect(requests).toHaveLength(3);

    // Gaps from the end of one turn to the next request: base, then twice base.
    const gap = (i: number) => requests[i]!.time - requests[i - 1]!.respondedAt!;
    expect(gap(1)).toBeGreaterThanOrEqual(base * 0.9);
    expect(gap(2)).toBeGreaterThanOrEqual(base * 2 * 0.9);
    expect(gap(2)).toBeLessThan(5_000);

    const history = await harness.runtime.goals.history(sessionID);
    const pause = history.find((row) => row.kind === "status" && row.to === "paused");
    expect(pause).toMatchObject({ actor: "runtime", reason: "no progress in 3 continuation turns in a row" });
    expect(history.filter((row) => row.kind === "continued")).toHaveLength(3);
  });

  it("treats polling the same command for the same output as no progress", async () => {
    harness = await Harness.start({
      behaviour: (request) =>
        request.body.messages.at(-1)?.role === "tool"
          ? { text: "Still waiting." }
          : { toolCalls: [{ name: "bash", arguments: { command: "echo waiting for CI" } }] },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Wait for CI to pass" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "paused");
    expect(goal.reason).toMatch(/no progress/);
    await harness.settle();
    // The first poll is new information (progress); the next three repeat it, then the goal pauses.
    expect(goal.usage.turns).toBe(4);
    expect(harness.model.requests).toHaveLength(8);
  });
});
