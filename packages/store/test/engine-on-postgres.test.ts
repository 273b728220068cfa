import { CeilingGuard, EventLog, FakeClock, GoalEngine, type IdSource, type SpendCeilings } from "@pursuit/core";
import { type PostgresCluster, startPostgresCluster } from "@pursuit/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openPgStore, type PgStore } from "../src/pg/index.js";

/** Ids no other replica makes (as the store's real ids are). */
function replicaIds(replica: number): IdSource {
  let n = 0;
  return { next: (prefix) => `${prefix}-r${replica}-${++n}` };
}

/**
 * The core's engine over the PostgreSQL store, two engines on one database standing for two replicas: what one
 * commits the other reads, a step one left reserved the other charges once, and a spend ceiling holds for both.
 */
describe("GoalEngine on PostgreSQL", () => {
  let cluster: PostgresCluster;
  let databases = 0;
  const stores: PgStore[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => cluster?.stop());

  /** Replicas: one engine each, on one fresh database, sharing a clock. */
  async function replicas(count: number, ceilings: SpendCeilings = {}) {
    const url = cluster.createDatabase(`engine_${++databases}`);
    const clock = new FakeClock(Date.parse("2026-12-06T12:00:00Z"));
    return Promise.all(
      Array.from({ length: count }, async (_, replica) => {
        const store = await openPgStore(url);
        stores.push(store);
        const guard = new CeilingGuard({ ceilings, spend: store.goals, now: () => clock.now() });
        const policy = { wrapUpMaxOutputTokens: 0 };
        const engine = new GoalEngine({
          store: store.goals,
          clock,
          ids: replicaIds(replica),
          events: new EventLog(),
          ceilings: guard,
          policy,
        });
        return { store, engine, clock };
      }),
    );
  }

  it("runs a lifecycle one replica commits and another reads, charging a step reported twice once", async () => {
    const [a, b] = await replicas(2);
    expect((await a!.engine.createGoal("s1", { objective: "write the docs", limits: { tokens: 500 } })).ok).toBe(true);
    const turn = await a!.engine.beginTurn("s1", { turnID: "t1", continuation: false });
    for (let report = 0; report < 2; report++) {
      await turn.reserveStep({ stepID: "a", estimatedInputTokens: 0 }).finished({
        usage: { noCacheInput: 100, cacheRead: 900, cacheWrite: 20, output: 30, reasoning: 10 },
      });
    }
    a!.clock.advance(1500);
    await turn.end({ outcome: "completed" });
    expect((await b!.engine.updateGoal("s1", { status: "paused", reason: "later" })).ok).toBe(true);
    expect(await a!.engine.getGoal("s1")).toMatchObject({
      status: "paused",
      reason: "later",
      usage: { tokens: 150, input: 100, cacheRead: 900, cacheWrite: 20, output: 30, turns: 1, seconds: 1.5 },
    });
    expect((await b!.engine.clearGoal("s1")).ok).toBe(true);
    expect(await a!.engine.getGoal("s1")).toBeUndefined();
    expect((await a!.engine.history("s1")).map((row) => row.kind)).toEqual([
      "created",
      "charged",
      "charged",
      "status",
      "cleared",
    ]);
  });

  it("charges a step a dead replica left reserved once, from another replica, however often it recovers", async () => {
    const [dead, alive] = await replicas(2);
    await dead!.engine.createGoal("s1", { objective: "x" });
    const turn = await dead!.engine.beginTurn("s1", { turnID: "t1", continuation: true });
    const step = turn.reserveStep({ stepID: "cut", estimatedInputTokens: 1_200 });
    await step.sending();
    await step.checkpoint(300);
    // The replica dies here: its step never settles.
    await alive!.engine.recover();
    await alive!.engine.recover();
    const goal = await alive!.engine.getGoal("s1");
    expect(goal?.usage.tokens).toBe(1_500);
    const charges = (await alive!.engine.history("s1")).filter((row) => row.kind === "charged");
    expect(charges).toEqual([expect.objectContaining({ key: "step:cut", estimated: true })]);
    expect(await alive!.store.goals.reservations()).toEqual([]);
  });

  it("holds one spend ceiling for every replica: what one charged stops the other's step", async () => {
    const [a, b] = await replicas(2, { daily: { tokens: 1_000 } });
    await a!.engine.createGoal("a", { objective: "x" });
    await b!.engine.createGoal("b", { objective: "y" });
    const turnA = await a!.engine.beginTurn("a", { turnID: "ta", continuation: true });
    expect(await turnA.allowStep({ estimatedInputTokens: 100 })).toEqual({ kind: "run", maxOutputTokens: 900 });
    await turnA
      .reserveStep({ stepID: "sa", estimatedInputTokens: 100 })
      .finished({ usage: { noCacheInput: 100, cacheRead: 0, cacheWrite: 0, output: 850, reasoning: 0 } });
    await turnA.end({ outcome: "completed" });
    const turnB = await b!.engine.beginTurn("b", { turnID: "tb", continuation: true });
    expect(await turnB.allowStep({ estimatedInputTokens: 100 })).toEqual({
      kind: "stop",
      reason: "the daily ceiling is reached",
    });
    expect(await a!.engine.getGoal("b")).toMatchObject({ status: "budget_limited", ceiling: { window: "daily" } });
  });
});
