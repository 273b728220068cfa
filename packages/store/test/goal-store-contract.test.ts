import { readFileSync } from "node:fs";
import { emptyUsage, type Goal, type GoalStore, type SpendStore } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { openPgStore, pgMigrationsFolder } from "../src/pg/open-pg-store.js";
import { chargeGoal, createGoal, makeGoal, tokenCharge } from "./fixtures/goals.js";
import { type StoreBackend, storeBackends } from "./fixtures/store-backends.js";

/**
 * The goal store's contract, run against SQLite and against a real PostgreSQL server (a throwaway cluster): the
 * engine relies on each line of it, whichever database holds the goals.
 */
type Store = GoalStore & SpendStore;
const { backends, postgresDatabase } = storeBackends();

const put = (store: Store, goal: Goal) =>
  store.update(goal.sessionID, () => ({ result: null, change: { goal, history: [] } }));

const openGoals = async (backend: StoreBackend): Promise<Store> => (await backend.open()).goals;

describe.each(backends)("the goal store on $name", (backend) => {
  it("keeps every field of a goal, optional ones absent when unset", async () => {
    const store = await openGoals(backend);
    const goal = makeGoal("s-full", {
      status: "budget_limited",
      reason: "the daily ceiling is reached",
      ceiling: { window: "daily", unit: "tokens", allowed: 2_000_000, resetsAt: 1_700_006_400_000 },
      limits: { tokens: 20_000_000_000, turns: 12, seconds: 90.25, costUSD: 1.5 },
      usage: {
        tokens: 20_011,
        input: 12_000,
        cacheRead: 40_000,
        cacheWrite: 3_000,
        output: 5_011,
        reasoning: 1_200,
        costUSD: 0.4375,
        turns: 7,
        seconds: 61.875,
      },
      evidence: "npm test: 212 passed",
      verify: "npm test",
      quietWakes: 1,
      maxWaitSeconds: 5400,
      waitForQuota: false,
      criteria: [
        { id: 1, text: "tests pass", check: "npm test", closed: { at: 1_700_000_100_000, evidence: "212 passed" } },
        { id: 2, text: "docs updated" },
      ],
      webhooks: [{ url: "https://ntfy.sh/goals", events: ["goal.complete"], format: "json" }],
      createdBy: "model",
      time: { created: 1_700_000_000_001, updated: 1_700_000_123_456, completed: 1_700_000_200_000 },
    });
    await put(store, goal);
    expect(await store.get("s-full")).toStrictEqual(goal);
    const waiting = makeGoal("s-wait", {
      status: "waiting",
      wait: {
        kind: "check",
        reason: "CI",
        by: "model",
        since: 1,
        wakeAt: 2,
        check: { command: "gh pr checks", nextAt: 3, intervalMs: 4, runs: 0 },
      },
    });
    await put(store, waiting);
    expect(await store.get("s-wait")).toStrictEqual(waiting);
    const bare = makeGoal("s-bare", { limits: { turns: 3 }, usage: { ...emptyUsage(), seconds: 0.001 } });
    await put(store, bare);
    expect(await store.get("s-bare")).toStrictEqual(bare);
    expect(await store.get("nobody")).toBeUndefined();
  });

  it("lists goals by status, most recently updated first, and keeps the history in order", async () => {
    const store = await openGoals(backend);
    await put(store, makeGoal("a", { time: { created: 1, updated: 10 } }));
    await put(store, makeGoal("b", { status: "paused", time: { created: 2, updated: 20 } }));
    await put(store, makeGoal("c", { time: { created: 3, updated: 30 } }));
    expect((await store.list({ status: "active" })).map((goal) => goal.sessionID)).toEqual(["c", "a"]);
    expect((await store.list()).map((goal) => goal.sessionID)).toEqual(["c", "b", "a"]);
    await store.update("h", createGoal(makeGoal("h")));
    for (const key of ["k1", "k2", "k3"]) await store.update("h", chargeGoal(key, tokenCharge(1), 5));
    expect((await store.history("h")).map((row) => (row.kind === "charged" ? row.key : row.kind))).toEqual([
      "created",
      "k1",
      "k2",
      "k3",
    ]);
  });

  it("charges a key once, across goals of the session kept apart, and refuses rows of another session", async () => {
    const store = await openGoals(backend);
    await store.update("s1", createGoal(makeGoal("s1", { id: "g1" })));
    expect(await store.update("s1", chargeGoal("step-a", tokenCharge(7)))).toBe("charged");
    expect(await store.update("s1", chargeGoal("step-a", tokenCharge(7)))).toBe("duplicate");
    await put(store, makeGoal("s1", { id: "g2" }));
    expect(await store.update("s1", chargeGoal("step-a", tokenCharge(4)))).toBe("charged");
    expect((await store.get("s1"))?.usage.tokens).toBe(4);
    const foreign = store.update("s1", () => ({
      result: null,
      change: { goal: makeGoal("other"), history: [] },
    }));
    await expect(foreign).rejects.toThrow(/update is for session s1/);
    expect((await store.get("s1"))?.id).toBe("g2");
  });

  it("loses no charge and applies none twice under concurrent writers", async () => {
    const store = await openGoals(backend);
    await store.update("busy", createGoal(makeGoal("busy")));
    const distinct = Array.from({ length: 20 }, (_, i) =>
      store.update("busy", chargeGoal(`d${i}`, tokenCharge(i + 1))),
    );
    const same = Array.from({ length: 10 }, () => store.update("busy", chargeGoal("same", tokenCharge(1000))));
    const outcomes = await Promise.all([...distinct, ...same]);
    expect(outcomes.filter((outcome) => outcome === "charged")).toHaveLength(21);
    expect((await store.get("busy"))?.usage.tokens).toBe(210 + 1000);
    // Two sessions created at once each keep their own goal.
    await Promise.all(["x", "y"].map((id) => store.update(id, createGoal(makeGoal(id)))));
    expect((await store.list()).map((goal) => goal.sessionID).sort()).toEqual(["busy", "x", "y"]);
  });

  it("keeps step reservations until their charge settles them, or they are released", async () => {
    const store = await openGoals(backend);
    await store.update("r", createGoal(makeGoal("r")));
    const reservation = { key: "step:1", goalID: "goal-r", sessionID: "r", inputTokens: 900, outputTokens: 0, time: 5 };
    await store.reserve(reservation);
    await store.reserve({ ...reservation, inputTokens: 1 }); // a second reserve of the key changes nothing
    await store.checkpoint("step:1", 120);
    await store.reserve({ ...reservation, key: "step:2", time: 6 });
    expect(await store.reservations()).toEqual([
      { ...reservation, outputTokens: 120 },
      { ...reservation, key: "step:2", time: 6 },
    ]);
    await store.update("r", chargeGoal("step:1", tokenCharge(1020)));
    await store.release("step:2");
    expect(await store.reservations()).toEqual([]);
  });

  it("adds every charge to its UTC day's spend, in the charge's transaction", async () => {
    const store = await openGoals(backend);
    const at = (iso: string) => Date.parse(iso);
    await store.update("a", createGoal(makeGoal("a")));
    await store.update("b", createGoal(makeGoal("b")));
    await store.update("a", chargeGoal("1", { ...tokenCharge(100), costUSD: 0.25 }, at("2026-12-06T23:59:59Z")));
    await store.update("a", chargeGoal("1", { ...tokenCharge(100), costUSD: 0.25 }, at("2026-12-06T23:59:59Z")));
    await store.update("b", chargeGoal("2", tokenCharge(40), at("2026-12-06T08:00:00Z")));
    await store.update("b", chargeGoal("3", tokenCharge(5), at("2026-12-07T00:00:00Z")));
    expect(await store.spendByDay(at("2026-12-01T00:00:00Z"))).toEqual([
      { day: at("2026-12-06T00:00:00Z"), tokens: 140, costUSD: 0.25 },
      { day: at("2026-12-07T00:00:00Z"), tokens: 5, costUSD: 0 },
    ]);
  });
});

describe("opening a PostgreSQL store", () => {
  it("says what is wrong with a bad URL or an unreachable server, at once", async () => {
    await expect(openPgStore("mysql://localhost/x")).rejects.toThrow(/not a PostgreSQL URL \(mysql:\)/);
    await expect(openPgStore("not a url")).rejects.toThrow(/not a PostgreSQL URL/);
    const started = Date.now();
    await expect(openPgStore("postgres://nobody:secret@127.0.0.1:9/x", { connectTimeoutMs: 2_000 })).rejects.toThrow(
      /^cannot reach PostgreSQL at 127\.0\.0\.1:9\/x: .*ECONNREFUSED/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("migrates once when replicas open a fresh database together", async () => {
    const url = postgresDatabase("replicas");
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPgStore(url)));
    try {
      const applied = await stores[0]!.pool.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      // Each migration once, however many replicas raced to apply it.
      const journal = JSON.parse(readFileSync(`${pgMigrationsFolder}/meta/_journal.json`, "utf8"));
      expect(applied.rows[0].n).toBe(journal.entries.length);
      await stores[1]!.goals.update("s", createGoal(makeGoal("s")));
      expect((await stores[3]!.goals.get("s"))?.id).toBe("goal-s");
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});
