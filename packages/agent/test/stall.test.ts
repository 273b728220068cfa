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

  it("turns polling the same command for the same output into a wait on it; two quiet waits pause the goal", async () => {
    harness = await Harness.start({
      // Waits end at 1 s: the command's output never changes, so each wait ends at its bound.
      goal: { waitMaxMs: 1_000, waitCheckFirstMs: 200, waitCheckMaxMs: 400 },
      behaviour: (request) =>
        request.body.messages.at(-1)?.role === "tool"
          ? { text: "Still waiting." }
          : { toolCalls: [{ name: "bash", arguments: { command: "echo waiting for CI" } }] },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Wait for CI to pass" });
    // The first poll is new information (progress); the second repeats it: the runtime waits on the command.
    const waiting = await harness.waitForGoal(sessionID, (g) => g.status === "waiting");
    expect(waiting.usage.turns).toBe(2);
    expect(waiting.wait).toMatchObject({ by: "runtime", check: { command: "echo waiting for CI" } });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "paused", 10_000);
    expect(goal.reason).toMatch(/nothing changed twice in a row/);
    await harness.settle();
    // The bound woke the goal once (one more turn, which polled again and waited again); the second quiet
    // wait paused it.
    expect(goal.usage.turns).toBe(3);
    expect(harness.model.requests).toHaveLength(6);
    const statuses = (await harness.runtime.goals.history(sessionID)).flatMap((row) =>
      row.kind === "status" ? [`${row.from}->${row.to}`] : [],
    );
    expect(statuses).toEqual(["active->waiting", "waiting->active", "active->waiting", "waiting->paused"]);
  });
});
