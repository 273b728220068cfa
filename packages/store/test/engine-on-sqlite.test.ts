import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventLog, FakeClock, GoalEngine, sequentialIds } from "@pursuit/core";
import { afterEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../src/index.js";

/** The core's engine over the real SQLite store: the same rules hold once they go through a file. */
describe("GoalEngine on SQLite", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    for (const store of stores.splice(0)) store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(path?: string) {
    const file = path ?? join(mkdtempSync(join(tmpdir(), "pursuit-engine-")), "goals.db");
    if (!path) dirs.push(join(file, ".."));
    const store = await openStore({ path: file });
    stores.push(store);
    const clock = new FakeClock();
    const engine = new GoalEngine({ store: store.goals, clock, ids: sequentialIds(), events: new EventLog() });
    return { file, store, engine, clock };
  }

  it("runs a lifecycle, survives reopening, and keeps history after clearing", async () => {
    const first = await open();
    const created = await first.engine.createGoal("s1", { objective: "write the docs", limits: { tokens: 500 } });
    expect(created.ok).toBe(true);
    const turn = await first.engine.beginTurn("s1", { turnID: "t1", continuation: false });
    // The same step reported twice (a host's retried report) is charged once, by its key.
    for (let report = 0; report < 2; report++) {
      await turn.reserveStep({ stepID: "a", estimatedInputTokens: 0 }).finished({
        usage: { noCacheInput: 100, cacheRead: 900, cacheWrite: 20, output: 30, reasoning: 10 },
      });
    }
    first.clock.advance(1500);
    await turn.end({ outcome: "completed" });
    expect((await first.engine.updateGoal("s1", { status: "paused", reason: "later" })).ok).toBe(true);
    first.store.close();

    const second = await open(first.file);
    const goal = await second.engine.getGoal("s1");
    expect(goal).toMatchObject({
      objective: "write the docs",
      status: "paused",
      reason: "later",
      limits: { tokens: 500 },
      usage: {
        tokens: 150,
        input: 100,
        cacheRead: 900,
        cacheWrite: 20,
        output: 30,
        reasoning: 10,
        turns: 1,
        seconds: 1.5,
        costUSD: null,
      },
    });
    expect((await second.engine.updateGoal("s1", { status: "active" })).ok).toBe(true);
    expect((await second.engine.createGoal("s1", { objective: "another" })).ok).toBe(false);
    expect(
      (
        await (
          await second.engine.beginTurn("s1", { turnID: "t2", continuation: false })
        ).executeTool("update_goal", {
          status: "complete",
          evidence: "docs/ has 4 pages",
        })
      ).isError,
    ).toBe(false);
    const replaced = await second.engine.createGoal("s1", { objective: "next goal" });
    expect(replaced.ok && replaced.value.goal.objective).toBe("next goal");
    expect((await second.engine.clearGoal("s1")).ok).toBe(true);
    expect(await second.engine.getGoal("s1")).toBeUndefined();
    const kinds = (await second.engine.history("s1")).map((row) => `${row.kind}:${row.actor}`);
    expect((await second.engine.history("s1"))[1]).toMatchObject({
      kind: "charged",
      key: "step:a",
      charge: { tokens: 150, cacheRead: 900, reasoning: 10, costUSD: null },
    });
    expect(kinds).toEqual([
      "created:user",
      "charged:runtime",
      "charged:runtime",
      "status:user",
      "status:user",
      "status:model",
      "created:user",
      "cleared:user",
    ]);
  });

  it("flips to budget_limited in the same transaction as the charge that crosses the limit", async () => {
    const { engine, store } = await open();
    await engine.createGoal("s1", { objective: "x", limits: { tokens: 100 } });
    const turn = await engine.beginTurn("s1", { turnID: "t", continuation: true });
    const crossed = await turn.reserveStep({ stepID: "1", estimatedInputTokens: 0 }).finished({
      usage: { noCacheInput: 80, cacheRead: 0, cacheWrite: 0, output: 40, reasoning: 0 },
    });
    expect(crossed.goal).toMatchObject({ status: "budget_limited", limit: "tokens" });
    expect(await store.goals.get("s1")).toMatchObject({
      status: "budget_limited",
      limit: "tokens",
      usage: { tokens: 120 },
    });
    expect((await engine.listGoals({ status: "budget_limited" })).map((goal) => goal.sessionID)).toEqual(["s1"]);
  });
});
