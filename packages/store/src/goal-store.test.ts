import { readdirSync } from "node:fs";
import { emptyUsage, type Goal, type GoalHistoryEntry } from "@pursuit/core";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { chargeGoal, createGoal, makeGoal, tokenCharge } from "../test/fixtures/goals.js";
import { tempDirs } from "../test/fixtures/temp-dirs.js";
import { GOAL_UPDATE_ATTEMPTS, GoalStoreConflictError } from "./goal-store.js";
import { migrationsFolder } from "./migrate.js";
import { openStore, type SqliteStore as Store } from "./open-store.js";

const dirs = tempDirs();
const open: Store[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
});
afterAll(() => dirs.cleanup());

async function freshStore(path = `${dirs.make()}/pursuit.db`): Promise<Store> {
  const store = await openStore({ path });
  open.push(store);
  return store;
}

/** drizzle wraps errors of raw SQL; the SQLite error is the cause. */
function thrownCause(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return String((error as Error).cause ?? error);
  }
  return "nothing thrown";
}

const put = (store: Store, goal: Goal) =>
  store.goals.update(goal.sessionID, () => ({ result: null, change: { goal, history: [] } }));

describe("goal round trip", () => {
  it("keeps every field, with optional fields present", async () => {
    const store = await freshStore();
    const goal = makeGoal("s-full", {
      status: "budget_limited",
      reason: "spent the token budget",
      limit: "tokens",
      limits: { tokens: 20_000, turns: 12, seconds: 90.25, costUSD: 1.5 },
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
      maxWaitSeconds: 5400,
      waitForQuota: false,
      criteria: [
        {
          id: 1,
          text: "tests pass",
          check: "npm test",
          closed: { at: 1_700_000_100_000, evidence: "212 passed", checkOutput: "ok" },
        },
        { id: 2, text: "docs updated" },
      ],
      webhooks: [{ url: "https://ntfy.sh/goals", events: ["goal.complete"], format: "json" }],
      createdBy: "model",
      time: { created: 1_700_000_000_001, updated: 1_700_000_123_456, completed: 1_700_000_200_000 },
    });
    await put(store, goal);
    expect(await store.goals.get("s-full")).toStrictEqual(goal);
    // The update path binds every column itself: a boolean setting and the criteria's JSON must survive it too.
    const criteria = goal.criteria?.map((one) =>
      one.id === 2 ? { ...one, closed: { at: 1_700_000_250_000, evidence: "README" } } : one,
    );
    const updated: Goal = {
      ...goal,
      waitForQuota: true,
      ...(criteria ? { criteria } : {}),
      time: { ...goal.time, updated: 1_700_000_300_000 },
    };
    await put(store, updated);
    expect(await store.goals.get("s-full")).toStrictEqual(updated);
    const { waitForQuota: _default, ...unset } = updated;
    await put(store, unset);
    expect(await store.goals.get("s-full")).toStrictEqual(unset);
  });

  it("keeps optional fields absent and a null cost null", async () => {
    const store = await freshStore();
    const goal = makeGoal("s-bare", { limits: { turns: 3 }, usage: { ...emptyUsage(), seconds: 0.001 } });
    await put(store, goal);
    const read = await store.goals.get("s-bare");
    expect(read).toStrictEqual(goal);
    expect(read && Object.keys(read)).not.toContain("reason");
    expect(read?.limits).toStrictEqual({ turns: 3 });
    expect(read?.usage.costUSD).toBeNull();
    expect(read?.time).toStrictEqual({ created: goal.time.created, updated: goal.time.updated });
  });

  it("lists goals by status, most recently updated first", async () => {
    const store = await freshStore();
    await put(store, makeGoal("a", { time: { created: 1, updated: 10 } }));
    await put(store, makeGoal("b", { status: "paused", time: { created: 2, updated: 20 } }));
    await put(store, makeGoal("c", { time: { created: 3, updated: 30 } }));
    expect((await store.goals.list({ status: "active" })).map((goal) => goal.sessionID)).toEqual(["c", "a"]);
    expect((await store.goals.list({ status: "paused" })).map((goal) => goal.sessionID)).toEqual(["b"]);
    expect((await store.goals.list()).map((goal) => goal.sessionID)).toEqual(["c", "b", "a"]);
    expect(await store.goals.list({ status: "complete" })).toEqual([]);
  });
});

describe("one goal per session", () => {
  it("replaces the goal when decide returns one with another id", async () => {
    const store = await freshStore();
    await put(store, makeGoal("s1", { id: "first" }));
    await put(store, makeGoal("s1", { id: "second", objective: "a new aim" }));
    expect(await store.goals.get("s1")).toMatchObject({ id: "second", objective: "a new aim" });
    expect(await store.goals.list()).toHaveLength(1);
  });

  it("the unique index rejects a second goal row for the session", async () => {
    const store = await freshStore();
    await put(store, makeGoal("s1", { id: "first" }));
    const insertSecond = () =>
      store.db.run(sql`INSERT INTO goal SELECT 'second', session_id, objective, status, reason, limit_reached,
        limit_tokens, limit_turns, limit_seconds, limit_cost_usd, usage_tokens, usage_input, usage_cache_read,
        usage_cache_write, usage_output, usage_reasoning, usage_cost_usd, usage_turns, usage_seconds, evidence,
        verify, created_by, time_created, time_updated, time_completed, version, wait, quiet_wakes, max_wait_seconds, wait_for_quota,
        criteria, webhooks, ceiling FROM goal
        WHERE id = 'first'`);
    expect(thrownCause(insertSecond)).toMatch(/UNIQUE constraint failed: goal.session_id/);
    expect((await store.goals.get("s1"))?.id).toBe("first");
  });

  it("refuses a goal or history row of another session", async () => {
    const store = await freshStore();
    const wrongGoal = store.goals.update("s1", () => ({ result: 0, change: { goal: makeGoal("s2"), history: [] } }));
    await expect(wrongGoal).rejects.toThrow(/goal.sessionID is s2/);
    const stray: GoalHistoryEntry = { kind: "cleared", goalID: "g", sessionID: "s2", actor: "user", time: 1 };
    const wrongHistory = store.goals.update("s1", () => ({
      result: 0,
      change: { goal: makeGoal("s1"), history: [stray] },
    }));
    await expect(wrongHistory).rejects.toThrow(/history entry sessionID is s2/);
    expect(await store.goals.get("s1")).toBeUndefined();
  });
});

describe("atomic updates", () => {
  it("writes nothing when decide throws", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    const failing = store.goals.update("s1", (current) => {
      if (current) throw new Error("decide failed");
      return { result: 0 };
    });
    await expect(failing).rejects.toThrow("decide failed");
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(0);
    expect(await store.goals.history("s1")).toHaveLength(1);
  });

  it("rolls back the goal write when a history row cannot be written", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    await store.goals.update("s1", chargeGoal("step-1", tokenCharge(5)));
    // Re-emitting a key that is already charged (ignoring `charged`) hits the unique index after the goal update.
    const ignoresCharged = store.goals.update("s1", (current) =>
      chargeGoal("step-1", tokenCharge(5))(current, () => false),
    );
    await expect(ignoresCharged).rejects.toThrow(
      /UNIQUE constraint failed: goal_history.goal_id, goal_history.charge_key/,
    );
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(5);
    expect(await store.goals.history("s1")).toHaveLength(2);
  });

  it("keeps history, oldest first, across cleared and replaced goals", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1", { id: "g1" })));
    await store.goals.update("s1", chargeGoal("k1", tokenCharge(3), 5));
    const cleared = await store.goals.update("s1", (current) => ({
      result: current?.id,
      change: {
        goal: null,
        history: [{ kind: "cleared", goalID: current?.id ?? "", sessionID: "s1", actor: "user", time: 6 }],
      },
    }));
    expect(cleared).toBe("g1");
    expect(await store.goals.get("s1")).toBeUndefined();
    await store.goals.update("s1", createGoal(makeGoal("s1", { id: "g2" })));
    const history = await store.goals.history("s1");
    expect(history.map((entry) => [entry.goalID, entry.kind])).toEqual([
      ["g1", "created"],
      ["g1", "charged"],
      ["g1", "cleared"],
      ["g2", "created"],
    ]);
    expect(history[1]).toStrictEqual({
      kind: "charged",
      key: "k1",
      charge: tokenCharge(3),
      goalID: "g1",
      sessionID: "s1",
      actor: "runtime",
      time: 5,
    });
    expect(await store.goals.history("other")).toEqual([]);
  });
});

describe("charge idempotency", () => {
  it("applies a key once; charged(key) is true on the second decide", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    expect(await store.goals.update("s1", chargeGoal("step-a", tokenCharge(7)))).toBe("charged");
    expect(await store.goals.update("s1", chargeGoal("step-a", tokenCharge(7)))).toBe("duplicate");
    expect(await store.goals.update("s1", chargeGoal("step-b", tokenCharge(2)))).toBe("charged");
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(9);
    expect((await store.goals.history("s1")).filter((entry) => entry.kind === "charged")).toHaveLength(2);
  });

  it("scopes keys to the goal: a replacing goal may reuse a key", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1", { id: "g1" })));
    await store.goals.update("s1", chargeGoal("step-a", tokenCharge(7)));
    await put(store, makeGoal("s1", { id: "g2" }));
    expect(await store.goals.update("s1", chargeGoal("step-a", tokenCharge(4)))).toBe("charged");
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(4);
  });
});

describe("spend per day (the spend ceilings)", () => {
  const day = (iso: string) => Date.parse(iso);

  it("adds every charge to its UTC day, once, across goals and sessions", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1", { id: "g1" })));
    await store.goals.update("s2", createGoal(makeGoal("s2", { id: "g2" })));
    const priced = { ...tokenCharge(100), costUSD: 0.25 };
    await store.goals.update("s1", chargeGoal("a", priced, day("2026-12-06T23:59:59Z")));
    await store.goals.update("s1", chargeGoal("a", priced, day("2026-12-06T23:59:59Z"))); // a duplicate adds nothing
    await store.goals.update("s2", chargeGoal("b", tokenCharge(40), day("2026-12-06T08:00:00Z")));
    await store.goals.update("s2", chargeGoal("c", tokenCharge(5), day("2026-12-07T00:00:00Z")));
    expect(await store.goals.spendByDay(day("2026-12-01T00:00:00Z"))).toEqual([
      { day: day("2026-12-06T00:00:00Z"), tokens: 140, costUSD: 0.25 },
      { day: day("2026-12-07T00:00:00Z"), tokens: 5, costUSD: 0 },
    ]);
    expect(await store.goals.spendByDay(day("2026-12-07T00:00:00Z"))).toHaveLength(1);
  });

  it("a charge whose transaction loses is not counted (the spend moves with the goal)", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    const failing = () =>
      store.goals.update("s1", (current) => ({
        result: null,
        change: {
          goal: current ?? null,
          history: [
            {
              kind: "charged",
              key: "k",
              charge: tokenCharge(9),
              goalID: "g",
              sessionID: "s1",
              actor: "runtime",
              time: 1,
            },
            { kind: "cleared", goalID: "g", sessionID: "other", actor: "user", time: 1 },
          ],
        },
      }));
    await expect(failing()).rejects.toThrow(/sessionID is other/);
    expect(await store.goals.spendByDay(0)).toEqual([]);
  });
});

describe("version races", () => {
  it("re-runs decide with the fresh goal when the row changed between read and write", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    let calls = 0;
    const charge = chargeGoal("k", tokenCharge(1));
    const outcome = await store.goals.update("s1", (current, charged) => {
      calls++;
      // Another writer's commit, simulated on the same connection: the version no longer matches our read.
      if (calls === 1) store.db.run(sql`UPDATE goal SET version = version + 1 WHERE session_id = 's1'`);
      return charge(current, charged);
    });
    expect(outcome).toBe("charged");
    expect(calls).toBe(2);
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(1);
    expect((await store.goals.history("s1")).filter((entry) => entry.kind === "charged")).toHaveLength(1);
  });

  it("gives up with a typed conflict after bounded attempts, writing nothing", async () => {
    const store = await freshStore();
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    let calls = 0;
    const charge = chargeGoal("k", tokenCharge(1));
    const forever = store.goals.update("s1", (current, charged) => {
      calls++;
      store.db.run(sql`UPDATE goal SET version = version + 1 WHERE session_id = 's1'`);
      return charge(current, charged);
    });
    await expect(forever).rejects.toBeInstanceOf(GoalStoreConflictError);
    expect(calls).toBe(GOAL_UPDATE_ATTEMPTS);
    expect((await store.goals.get("s1"))?.usage.tokens).toBe(0);
    expect(await store.goals.history("s1")).toHaveLength(1);
  });
});

describe("persistence", () => {
  it("reopens to the same state, applying migrations once", async () => {
    const MIGRATIONS = readdirSync(migrationsFolder).filter((name) => name.endsWith(".sql")).length;
    const path = `${dirs.make()}/nested/dir/pursuit.db`;
    const first = await openStore({ path });
    await first.goals.update("s1", createGoal(makeGoal("s1", { limits: { costUSD: 2 } })));
    await first.goals.update("s1", chargeGoal("k", { ...tokenCharge(10), costUSD: 0.25, seconds: 1.5 }));
    const before = { goal: await first.goals.get("s1"), history: await first.goals.history("s1") };
    first.close();

    for (let reopen = 0; reopen < 3; reopen++) {
      const again = await openStore({ path });
      expect({ goal: await again.goals.get("s1"), history: await again.goals.history("s1") }).toStrictEqual(before);
      // Each migration of the package once, however often the file is opened.
      expect(again.db.all(sql`SELECT hash FROM __drizzle_migrations`)).toHaveLength(MIGRATIONS);
      again.close();
    }
    expect(before.goal?.usage).toMatchObject({ tokens: 10, costUSD: 0.25, seconds: 1.5 });
  });

  it("runs with WAL, foreign keys and a busy timeout", async () => {
    const store = await freshStore();
    expect(store.db.get(sql`PRAGMA journal_mode`)).toEqual({ journal_mode: "wal" });
    expect(store.db.get(sql`PRAGMA foreign_keys`)).toEqual({ foreign_keys: 1 });
    expect(store.db.get(sql`PRAGMA busy_timeout`)).toEqual({ timeout: 5000 });
  });

  it("works in memory", async () => {
    const store = await openStore({ path: ":memory:" });
    open.push(store);
    await store.goals.update("s1", createGoal(makeGoal("s1")));
    expect((await store.goals.get("s1"))?.status).toBe("active");
  });
});
