import { describe, expect, it } from "vitest";
import { stepCharge } from "./accounting.js";
import type { Goal } from "./goal.js";
import { type GoalCommand, transition } from "./transition.js";

const T0 = 1_000;

function create(extra: Partial<Extract<GoalCommand, { type: "create" }>> = {}): Goal {
  const result = transition(
    undefined,
    { type: "create", id: "g1", sessionID: "s1", objective: "ship it", ...extra },
    "user",
    T0,
  );
  if (!result.ok || !result.value.goal) throw new Error(JSON.stringify(result));
  return result.value.goal;
}

function run(goal: Goal | undefined, command: GoalCommand, actor: "user" | "model" | "runtime" = "user") {
  return transition(goal, command, actor, T0 + 10);
}

function expectGoal(result: ReturnType<typeof run>): Goal {
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  if (!result.value.goal) throw new Error("goal was cleared");
  return result.value.goal;
}

const charge = (goal: Goal, key: string, tokens: number) =>
  run(
    goal,
    {
      type: "charge",
      key,
      charge: stepCharge({ noCacheInput: tokens, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }),
    },
    "runtime",
  );

describe("creating a goal", () => {
  it("trims the objective and starts active with empty usage", () => {
    const goal = create({ objective: "  write the docs \n" });
    expect(goal).toMatchObject({ objective: "write the docs", status: "active", createdBy: "user", limits: {} });
    expect(goal.usage.tokens).toBe(0);
    expect(goal.usage.costUSD).toBeNull();
    expect(goal.time).toEqual({ created: T0, updated: T0 });
  });

  it.each([
    [{ objective: "   " }, "objective", "objective must not be empty"],
    [{ objective: "x".repeat(4001) }, "objective", "objective is 4001 characters; the maximum is 4000"],
    [{ objective: 42 as unknown as string }, "objective", "objective must be a string"],
    [{ limits: { tokens: -5 } }, "limits.tokens", "limits.tokens must be greater than 0 (got -5)"],
    [{ limits: { tokens: 0 } }, "limits.tokens", "limits.tokens must be greater than 0 (got 0)"],
    [{ limits: { turns: 2.5 } }, "limits.turns", "limits.turns must be a whole number (got 2.5)"],
    [{ limits: { tokens: "100" } }, "limits.tokens", "limits.tokens must be a number"],
    [{ limits: { dollars: 3 } }, "limits.dollars", 'unknown limit "dollars"; use tokens, turns, seconds, costUSD'],
    [{ limits: [1] }, "limits", "limits must be an object"],
    [{ verify: "  " }, "verify", "verify must not be empty"],
    [{ verify: 7 }, "verify", "verify must be a shell command string"],
  ])("refuses %j naming the field", (extra, field, message) => {
    const result = run(undefined, { type: "create", id: "g", sessionID: "s", objective: "ok", ...extra });
    expect(result).toEqual({ ok: false, error: { code: "invalid", field, message } });
  });

  it("accepts 4000 characters and fractional seconds and dollars", () => {
    const goal = create({ objective: "y".repeat(4000), limits: { seconds: 1.5, costUSD: 0.25 }, verify: "npm test" });
    expect(goal.limits).toEqual({ seconds: 1.5, costUSD: 0.25 });
    expect(goal.verify).toBe("npm test");
  });

  it("keeps one unfinished goal per session: a second create is a conflict, for the user and the model", () => {
    const goal = create();
    for (const actor of ["user", "model"] as const) {
      const again = run(goal, { type: "create", id: "g2", sessionID: "s1", objective: "other" }, actor);
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error.code).toBe("conflict");
    }
  });

  it("lets a complete goal be replaced by a new one", () => {
    const done = expectGoal(run(create(), { type: "complete", evidence: "tests pass" }));
    const next = expectGoal(run(done, { type: "create", id: "g2", sessionID: "s1", objective: "next" }, "model"));
    expect(next).toMatchObject({ id: "g2", status: "active", createdBy: "model", objective: "next" });
  });

  it("never lets the runtime create a goal", () => {
    expect(run(undefined, { type: "create", id: "g", sessionID: "s", objective: "x" }, "runtime")).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("lifecycle", () => {
  it("create -> pause -> resume -> complete -> replaced, with a history row per change", () => {
    const goal = create();
    const paused = run(goal, { type: "pause", reason: "lunch" });
    expect(expectGoal(paused)).toMatchObject({ status: "paused", reason: "lunch" });
    const resumed = expectGoal(run(expectGoal(paused), { type: "resume" }));
    expect(resumed.status).toBe("active");
    expect(resumed.reason).toBeUndefined();
    const completed = run(resumed, { type: "complete" });
    const done = expectGoal(completed);
    expect(done.status).toBe("complete");
    expect(done.time.completed).toBe(T0 + 10);
    if (completed.ok)
      expect(completed.value.history).toMatchObject([
        { kind: "status", from: "active", to: "complete", actor: "user" },
      ]);
    const replaced = expectGoal(run(done, { type: "create", id: "g9", sessionID: "s1", objective: "again" }));
    expect(replaced.id).toBe("g9");
  });

  it("clearing returns no goal and a cleared history row", () => {
    const result = run(create(), { type: "clear" });
    expect(result).toMatchObject({
      ok: true,
      value: { goal: null, history: [{ kind: "cleared", goalID: "g1", actor: "user" }] },
    });
  });

  it("treats pausing a paused goal as nothing to do", () => {
    const paused = expectGoal(run(create(), { type: "pause" }));
    const again = run(paused, { type: "pause" });
    expect(again).toEqual({ ok: true, value: { goal: paused, history: [] } });
  });

  it("refuses to resume or pause a complete goal", () => {
    const done = expectGoal(run(create(), { type: "complete" }));
    expect(run(done, { type: "resume" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(run(done, { type: "pause" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(run(done, { type: "edit", objective: "more" })).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  it("reports a missing goal as not_found", () => {
    expect(run(undefined, { type: "pause" })).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("what the model may do", () => {
  const goal = create();
  it.each([
    [{ type: "pause" }],
    [{ type: "resume" }],
    [{ type: "clear" }],
    [{ type: "edit", objective: "easier" }],
    [{ type: "edit", limits: { tokens: 1_000_000 } }],
    [
      {
        type: "charge",
        key: "k",
        charge: stepCharge({ noCacheInput: 1, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }),
      },
    ],
  ] as [GoalCommand][])("refuses %j", (command) => {
    const result = run(goal, command, "model");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("forbidden");
  });

  it("refuses complete without evidence", () => {
    expect(run(goal, { type: "complete" }, "model")).toMatchObject({
      ok: false,
      error: { code: "invalid", field: "evidence" },
    });
    expect(run(goal, { type: "complete", evidence: "  " }, "model")).toMatchObject({
      ok: false,
      error: { field: "evidence" },
    });
  });

  it("completes with evidence and records it", () => {
    const done = expectGoal(run(goal, { type: "complete", evidence: "all 5 files exist" }, "model"));
    expect(done).toMatchObject({ status: "complete", evidence: "all 5 files exist" });
  });

  it("needs a passing verify when the goal has a verify command, and reports the failing output", () => {
    const verified = create({ verify: "test -f done.txt" });
    expect(run(verified, { type: "complete", evidence: "done" }, "model")).toMatchObject({
      ok: false,
      error: { code: "verify_failed" },
    });
    const failed = run(
      verified,
      { type: "complete", evidence: "done", verification: { passed: false, output: "no such file" } },
      "model",
    );
    expect(failed.ok).toBe(false);
    if (!failed.ok) expect(failed.error.message).toContain("no such file");
    const passed = run(
      verified,
      { type: "complete", evidence: "done", verification: { passed: true, output: "" } },
      "model",
    );
    expect(expectGoal(passed).status).toBe("complete");
  });

  it("blocks only with a reason, and only an active goal", () => {
    expect(run(goal, { type: "block" }, "model")).toMatchObject({ ok: false, error: { field: "reason" } });
    expect(expectGoal(run(goal, { type: "block", reason: "needs an API key" }, "model"))).toMatchObject({
      status: "blocked",
      reason: "needs an API key",
    });
    const paused = expectGoal(run(goal, { type: "pause" }));
    expect(run(paused, { type: "complete", evidence: "x" }, "model")).toMatchObject({
      ok: false,
      error: { code: "forbidden" },
    });
  });
});

describe("budgets", () => {
  it.each([
    ["tokens", { tokens: 100 }, (g: Goal) => charge(g, "s1", 100)],
    [
      "turns",
      { turns: 2 },
      (g: Goal) =>
        run(
          g,
          {
            type: "charge",
            key: "t",
            charge: {
              ...stepCharge({ noCacheInput: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }),
              turns: 2,
            },
          },
          "runtime",
        ),
    ],
    [
      "seconds",
      { seconds: 30 },
      (g: Goal) =>
        run(
          g,
          {
            type: "charge",
            key: "t",
            charge: {
              ...stepCharge({ noCacheInput: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 }),
              turns: 1,
              seconds: 30.5,
            },
          },
          "runtime",
        ),
    ],
    [
      "costUSD",
      { costUSD: 0.01 },
      (g: Goal) =>
        run(
          g,
          {
            type: "charge",
            key: "c",
            charge: stepCharge(
              { noCacheInput: 5000, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 },
              { input: 3, output: 15 },
            ),
          },
          "runtime",
        ),
    ],
  ] as const)(
    "a charge reaching the %s limit flips the goal to budget_limited in the same result",
    (name, limits, charging) => {
      const result = charging(create({ limits }));
      const goal = expectGoal(result);
      expect(goal).toMatchObject({ status: "budget_limited", limit: name });
      if (result.ok) expect(result.value.history.map((row) => row.kind)).toEqual(["charged", "status"]);
    },
  );

  it("stays active below the limit", () => {
    expect(expectGoal(charge(create({ limits: { tokens: 100 } }), "k", 99)).status).toBe("active");
  });

  it("lowering a limit below usage limits the goal; raising it re-activates; clearing it too", () => {
    const used = expectGoal(charge(create({ limits: { tokens: 1000 } }), "k", 500));
    const lowered = expectGoal(run(used, { type: "edit", limits: { tokens: 400 } }));
    expect(lowered).toMatchObject({ status: "budget_limited", limit: "tokens" });
    const raised = expectGoal(run(lowered, { type: "edit", limits: { tokens: 800 } }));
    expect(raised.status).toBe("active");
    expect(raised.limit).toBeUndefined();
    const removed = expectGoal(run(lowered, { type: "edit", limits: { tokens: null } }));
    expect(removed.status).toBe("active");
    expect(removed.limits.tokens).toBeUndefined();
  });

  it("resuming a budget_limited goal is refused until the limit is raised or removed", () => {
    const limited = expectGoal(charge(create({ limits: { tokens: 10 } }), "k", 10));
    const resumed = run(limited, { type: "resume" });
    expect(resumed).toMatchObject({ ok: false, error: { code: "conflict", field: "limits.tokens" } });
    if (!resumed.ok)
      expect(resumed.error.message).toBe("the tokens limit is reached (10 of 10); raise or remove it to resume");
  });

  it("refuses to resume a goal the runtime stopped before a step that would not fit, usage just under its limit", () => {
    const spent = expectGoal(charge(create({ limits: { tokens: 1_000 } }), "k", 900));
    const limited = expectGoal(transition(spent, { type: "limit", limit: "tokens" }, "runtime", 1));
    const resumed = run(limited, { type: "resume" });
    expect(resumed).toMatchObject({ ok: false, error: { code: "conflict", field: "limits.tokens" } });
    if (!resumed.ok)
      expect(resumed.error.message).toBe(
        "the tokens limit leaves too little for another step (900 of 1000); raise or remove it to resume",
      );
    expect(expectGoal(run(limited, { type: "edit", limits: { tokens: 2_000 } })).status).toBe("active");
  });

  it("resuming a paused goal whose limit is reached lands in budget_limited", () => {
    const used = expectGoal(charge(create({ limits: { turns: 5 } }), "k", 10));
    const paused = expectGoal(run(used, { type: "pause" }));
    const lowered = expectGoal(run(paused, { type: "edit", limits: { tokens: 5 } }));
    expect(lowered.status).toBe("paused");
    expect(expectGoal(run(lowered, { type: "resume" }))).toMatchObject({ status: "budget_limited", limit: "tokens" });
  });

  it("keeps charging a goal that is no longer active, without changing its status", () => {
    const paused = expectGoal(run(create({ limits: { tokens: 10 } }), { type: "pause" }));
    const charged = expectGoal(charge(paused, "k", 50));
    expect(charged).toMatchObject({ status: "paused" });
    expect(charged.usage.tokens).toBe(50);
  });
});

describe("recording a verify run", () => {
  const verified = { type: "verified" as const, command: "npm test", passed: false, exitCode: 1, output: "1 failed" };

  it("adds a history row and changes nothing else; only the runtime records one", () => {
    const goal = create();
    const result = run(goal, verified, "runtime");
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.goal).toBe(goal);
    expect(result.value.history).toEqual([
      expect.objectContaining({
        kind: "verified",
        command: "npm test",
        passed: false,
        exitCode: 1,
        output: "1 failed",
      }),
    ]);
    expect(run(goal, verified, "model")).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(run(undefined, verified, "runtime")).toMatchObject({ ok: false, error: { code: "not_found" } });
  });
});

describe("spend ceilings across goals", () => {
  const hit = { window: "daily" as const, unit: "tokens" as const, allowed: 1_000, resetsAt: 86_400_000 };
  const held = () => expectGoal(run(create(), { type: "ceiling", hit }, "runtime"));

  it("the runtime alone stops a goal at a ceiling, and lets it go on", () => {
    expect(held()).toMatchObject({ status: "budget_limited", reason: "the daily ceiling is reached", ceiling: hit });
    expect(held().limit).toBeUndefined();
    for (const actor of ["user", "model"] as const) {
      expect(run(create(), { type: "ceiling", hit }, actor)).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(run(held(), { type: "ceiling_lifted", reason: "x" }, actor)).toMatchObject({
        ok: false,
        error: { code: "forbidden" },
      });
    }
    const lifted = expectGoal(
      run(held(), { type: "ceiling_lifted", reason: "the daily ceiling turned over" }, "runtime"),
    );
    expect(lifted).toMatchObject({ status: "active", reason: "the daily ceiling turned over" });
    expect(lifted.ceiling).toBeUndefined();
  });

  it("a stopped goal takes a later ceiling; the same one again changes nothing; a paused goal none", () => {
    const weekly = { ...hit, window: "weekly" as const, resetsAt: 7 * 86_400_000 };
    expect(expectGoal(run(held(), { type: "ceiling", hit: weekly }, "runtime")).ceiling).toEqual(weekly);
    expect(run(held(), { type: "ceiling", hit }, "runtime")).toMatchObject({ ok: true, value: { history: [] } });
    const paused = expectGoal(run(create(), { type: "pause" }, "user"));
    expect(run(paused, { type: "ceiling", hit }, "runtime")).toMatchObject({ ok: true, value: { history: [] } });
    expect(run(paused, { type: "ceiling_lifted", reason: "x" }, "runtime")).toMatchObject({
      ok: true,
      value: { history: [] },
    });
  });

  it("editing a stopped goal's limits keeps it stopped, unless a limit of its own is now reached", () => {
    const raised = expectGoal(run(held(), { type: "edit", limits: { tokens: 5_000 } }, "user"));
    expect(raised).toMatchObject({ status: "budget_limited", ceiling: hit });
    const spent = expectGoal(charge(held(), "k", 10));
    const lowered = expectGoal(run(spent, { type: "edit", limits: { tokens: 10 } }, "user"));
    expect(lowered).toMatchObject({ status: "budget_limited", limit: "tokens" });
    expect(lowered.ceiling).toBeUndefined();
  });
});
