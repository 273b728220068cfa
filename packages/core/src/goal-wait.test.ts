import { describe, expect, it } from "vitest";
import { stepCharge } from "./accounting.js";
import { DEFAULT_CONTINUATION_POLICY, decideContinuation, initialContinuationState } from "./continuation.js";
import { emptyUsage, type Goal } from "./goal.js";
import { parseGoalToolCall } from "./goal-tools.js";
import { DEFAULT_WAIT_POLICY, nextWaitAlarm, parseUntil, type WaitRequest } from "./goal-wait.js";
import { afterTurn, newSessionRuntime } from "./session-runtime.js";
import { type GoalCommand, transition } from "./transition.js";

const T0 = 1_000_000;
const MIN = 60_000;
const policy = DEFAULT_WAIT_POLICY;

const active = (over: Partial<Goal> = {}): Goal => ({
  id: "g1",
  sessionID: "s1",
  objective: "ship it",
  status: "active",
  limits: {},
  usage: emptyUsage(),
  createdBy: "user",
  time: { created: T0, updated: T0 },
  ...over,
});

type Actor = "user" | "model" | "runtime";

function apply(goal: Goal, command: GoalCommand, actor: Actor, at = T0) {
  return transition(goal, command, actor, at);
}

function goalOf(result: ReturnType<typeof apply>): Goal {
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  if (!result.value.goal) throw new Error("cleared");
  return result.value.goal;
}

const waitOn = (request: WaitRequest): GoalCommand => ({ type: "wait", request, policy });
const checkWait = (output?: string): WaitRequest => ({
  kind: "check",
  reason: "CI",
  check: "cat ci-status",
  ...(output !== undefined ? { output } : {}),
});
const checked = (exitCode: number | null, output: string): GoalCommand => ({
  type: "checked",
  command: "cat ci-status",
  exitCode,
  output,
  policy,
});

describe("into waiting", () => {
  it.each<[string, WaitRequest, Actor, Partial<Goal["wait"]>]>([
    ["the model, on a check", checkWait(), "model", { kind: "check", by: "model", wakeAt: T0 + 30 * MIN }],
    [
      "the model, until a time",
      { kind: "time", reason: "deploy window", until: T0 + 20 * MIN },
      "model",
      { kind: "time", until: T0 + 20 * MIN, wakeAt: T0 + 20 * MIN },
    ],
    ["the runtime, on a polled command", checkWait("pending"), "runtime", { kind: "check", by: "runtime" }],
    [
      "the runtime, on a quota reset past the bound",
      { kind: "quota", reason: "quota", until: T0 + 90 * MIN },
      "runtime",
      { kind: "quota", wakeAt: T0 + 90 * MIN },
    ],
    ["the runtime, on a person's answer", { kind: "person", reason: "needs input: allow rm?" }, "runtime", {}],
  ])("%s", (_name, request, actor, wait) => {
    const result = apply(active(), waitOn(request), actor);
    const goal = goalOf(result);
    expect(goal.status).toBe("waiting");
    expect(goal.wait).toMatchObject({ since: T0, reason: request.reason, ...wait });
    expect(goal.reason).toBe(request.reason);
    if (request.kind === "person") expect(goal.wait?.wakeAt).toBeUndefined();
    if (!result.ok) throw new Error("refused");
    expect(result.value.history).toEqual([
      expect.objectContaining({ kind: "status", from: "active", to: "waiting", actor, wait: goal.wait }),
    ]);
  });

  it("a model's check runs at once (its first output is the baseline); a polled one waits a check interval", () => {
    expect(goalOf(apply(active(), waitOn(checkWait()), "model")).wait?.check).toMatchObject({ nextAt: T0, runs: 0 });
    const polled = goalOf(apply(active(), waitOn(checkWait("pending")), "runtime")).wait?.check;
    expect(polled).toMatchObject({ nextAt: T0 + 15_000, output: "pending", intervalMs: 30_000 });
  });

  it.each<[string, Goal, GoalCommand, Actor, string]>([
    ["a person's pause", active({ status: "paused" }), waitOn(checkWait()), "model", "the goal is paused"],
    ["a limit", active({ status: "budget_limited", limit: "tokens" }), waitOn(checkWait()), "model", "budget_limited"],
    ["a blocked goal", active({ status: "blocked" }), waitOn(checkWait()), "model", "the goal is blocked"],
    [
      "a wait past the maximum",
      active(),
      waitOn({ kind: "time", reason: "r", until: T0 + 31 * MIN }),
      "model",
      "a wait lasts at most 30m00s",
    ],
    ["a time in the past", active(), waitOn({ kind: "time", reason: "r", until: T0 - 1 }), "model", "in the future"],
    ["nothing to wait for", active(), waitOn({ kind: "time", reason: "r" }), "model", "say what to wait for"],
    ["no reason", active(), waitOn({ kind: "check", reason: " ", check: "true" }), "model", "needs a reason"],
    [
      "an empty check",
      active(),
      waitOn({ kind: "check", reason: "r", check: " " }),
      "model",
      "check must not be empty",
    ],
    ["a person", active(), waitOn(checkWait()), "user", "a person pauses a goal"],
  ])("refuses the wait when %s", (_name, goal, command, actor, message) => {
    const result = apply(goal, command, actor);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });

  it("the runtime's wait on a stopped goal changes nothing (a pause won the race)", () => {
    const paused = active({ status: "paused", reason: "by me" });
    expect(goalOf(apply(paused, waitOn(checkWait("x")), "runtime"))).toBe(paused);
  });
});

describe("out of waiting", () => {
  const waiting = (request: WaitRequest = checkWait(), actor: Actor = "model") =>
    goalOf(apply(active(), waitOn(request), actor));

  it("a check's first run sets the baseline; the next with the same output backs off (15 s doubling to 5 min)", () => {
    let goal = goalOf(apply(waiting(), checked(1, "running 3s"), "runtime", T0));
    expect(goal.status).toBe("waiting");
    expect(goal.wait?.check).toMatchObject({ output: "running 3s", runs: 1, nextAt: T0 + 15_000, intervalMs: 30_000 });
    const delays: number[] = [];
    let at = T0;
    for (let i = 0; i < 6; i++) {
      at = goal.wait?.check?.nextAt ?? 0;
      // Only timestamps and counters differ: the same output.
      goal = goalOf(apply(goal, checked(1, `running ${i * 20}s`), "runtime", at));
      expect(goal.status).toBe("waiting");
      delays.push((goal.wait?.check?.nextAt ?? 0) - at);
    }
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  });

  it.each<[string, GoalCommand, string]>([
    ["it exits 0", checked(0, "success"), "`cat ci-status` passed"],
    ["its output changes", checked(1, "failure"), "the output of `cat ci-status` changed"],
  ])("wakes when the check runs and %s", (_name, command, reason) => {
    const base = goalOf(apply(waiting(), checked(1, "running"), "runtime"));
    const result = apply(base, command, "runtime", T0 + 15_000);
    const goal = goalOf(result);
    expect(goal).toMatchObject({ status: "active", reason });
    expect(goal.wait).toBeUndefined();
    if (result.ok) expect(result.value.history.map((row) => row.kind)).toEqual(["wait_checked", "status"]);
  });

  it("a polled command's output, as the bash tool showed it, equals the runtime's own run of it", () => {
    const polled = waiting(checkWait("pending 12:01\n[exit code 0]"), "runtime");
    const same = goalOf(apply(polled, checked(0, "pending 12:02"), "runtime", T0 + 15_000));
    expect(same.status).toBe("waiting");
    const empty = waiting(checkWait("(no output)\n[exit code 1]"), "runtime");
    expect(goalOf(apply(empty, checked(1, "(no output)"), "runtime", T0 + 15_000)).status).toBe("waiting");
  });

  it("a command's own bracketed last line is output like any other", () => {
    const polled = waiting(checkWait("build 42 [RUNNING]\n[exit code 0]"), "runtime");
    const done = goalOf(apply(polled, checked(0, "build 42 [PASSED]"), "runtime", T0 + 15_000));
    expect(done.status).toBe("active");
  });

  it("a polled wait is announced as the runtime's own", () => {
    const goal = goalOf(apply(waiting(checkWait("pending"), "runtime"), checked(1, "done"), "runtime", T0 + 15_000));
    expect(goal.reason).toBe("the runtime waited on `cat ci-status` until its output changed");
  });

  it("a timed-out check keeps the baseline and the wait", () => {
    const base = goalOf(apply(waiting(), checked(1, "running"), "runtime"));
    const goal = goalOf(apply(base, checked(null, "[timed out]"), "runtime", T0 + 15_000));
    expect(goal).toMatchObject({ status: "waiting", wait: { check: { output: "running", runs: 2 } } });
  });

  it("a check result for a goal that stopped waiting (or waits on another command) changes nothing", () => {
    const paused = goalOf(apply(waiting(), { type: "pause" }, "user"));
    expect(goalOf(apply(paused, checked(0, "ok"), "runtime"))).toBe(paused);
    const other = waiting({ kind: "check", reason: "r", check: "gh run view" });
    expect(goalOf(apply(other, checked(0, "ok"), "runtime"))).toBe(other);
  });

  it("wakes at until, and not before", () => {
    const goal = waiting({ kind: "time", reason: "window", until: T0 + 20 * MIN });
    expect(goalOf(apply(goal, { type: "wake" }, "runtime", T0 + 20 * MIN - 1))).toBe(goal);
    const woken = goalOf(apply(goal, { type: "wake" }, "runtime", T0 + 20 * MIN));
    expect(woken).toMatchObject({ status: "active", reason: "the time it waited for has come" });
    expect(woken.quietWakes).toBeUndefined();
  });

  it("a quota wait wakes at the reset", () => {
    const goal = waiting({ kind: "quota", reason: "q", until: T0 + 90_000 }, "runtime");
    expect(goalOf(apply(goal, { type: "wake" }, "runtime", T0 + 90_000))).toMatchObject({
      status: "active",
      reason: "the provider's usage quota has reset",
    });
  });

  it("a check wait that reaches its bound with nothing changed wakes once; the second in a row pauses", () => {
    const first = goalOf(apply(waiting(), { type: "wake" }, "runtime", T0 + 30 * MIN));
    expect(first).toMatchObject({ status: "active", quietWakes: 1 });
    expect(first.reason).toContain("waited 30m00s (the longest wait) for CI; nothing changed");
    const again = goalOf(apply(first, waitOn(checkWait()), "model", T0 + 31 * MIN));
    const second = goalOf(apply(again, { type: "wake" }, "runtime", T0 + 61 * MIN));
    expect(second.status).toBe("paused");
    expect(second.reason).toContain("nothing changed twice in a row");
    expect(second.quietWakes).toBeUndefined();
  });

  it("a wait that ends with a change starts the count of quiet waits over", () => {
    const first = goalOf(apply(waiting(), { type: "wake" }, "runtime", T0 + 30 * MIN));
    const again = goalOf(apply(first, waitOn(checkWait()), "model", T0 + 31 * MIN));
    const changed = goalOf(apply(again, checked(0, "ok"), "runtime", T0 + 31 * MIN));
    expect(changed.quietWakes).toBeUndefined();
  });

  it("a check due after the bound wakes the goal at the bound", () => {
    const goal = waiting({ ...checkWait(), until: T0 + 10_000 });
    const ran = goalOf(apply(goal, checked(1, "running"), "runtime", T0 + 10_000));
    expect(ran).toMatchObject({ status: "active", quietWakes: 1 });
  });

  it("the person answered: only a person's wait wakes", () => {
    const asked = waiting({ kind: "person", reason: "needs input: allow rm?" }, "runtime");
    expect(goalOf(apply(asked, { type: "wake" }, "runtime", T0 + 99 * MIN))).toBe(asked);
    expect(goalOf(apply(asked, { type: "wake", answered: true }, "runtime"))).toMatchObject({
      status: "active",
      reason: "the person answered",
    });
    const onCheck = waiting();
    expect(goalOf(apply(onCheck, { type: "wake", answered: true }, "runtime"))).toBe(onCheck);
  });

  it.each<[string, GoalCommand, Actor, Partial<Goal>]>([
    ["a person resumes (wake now)", { type: "resume" }, "user", { status: "active", reason: "woken by the user" }],
    ["a person pauses", { type: "pause", reason: "not now" }, "user", { status: "paused", reason: "not now" }],
    ["a person aborts", { type: "pause", reason: "aborted by the user" }, "runtime", { status: "paused" }],
    ["a person blocks", { type: "block", reason: "no" }, "user", { status: "blocked" }],
    ["a person completes", { type: "complete" }, "user", { status: "complete" }],
    [
      "a person lowers a limit under usage",
      { type: "edit", limits: { turns: 1 } },
      "user",
      { status: "budget_limited" },
    ],
  ])("%s: the person wins", (_name, command, actor, expected) => {
    const base = goalOf(apply(active({ usage: { ...emptyUsage(), turns: 2 } }), waitOn(checkWait()), "model"));
    const goal = goalOf(apply(base, command, actor));
    expect(goal).toMatchObject(expected);
    expect(goal.wait).toBeUndefined();
  });

  it.each<[string, GoalCommand, Actor]>([
    ["the model completes", { type: "complete", evidence: "done" }, "model"],
    ["the model blocks", { type: "block", reason: "stuck" }, "model"],
    ["a continuation", { type: "continue", turn: 2 }, "runtime"],
    ["a runtime wake to a person", { type: "wake" }, "user"],
  ])("refuses %s while the goal waits", (_name, command, actor) => {
    expect(apply(waiting(), command, actor).ok).toBe(false);
  });

  it("a late charge crossing a limit while waiting stops the goal", () => {
    const goal = goalOf(apply(active({ limits: { tokens: 100 } }), waitOn(checkWait()), "model"));
    const charge = stepCharge({ noCacheInput: 150, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 });
    expect(goalOf(apply(goal, { type: "charge", key: "k", charge }, "runtime"))).toMatchObject({
      status: "budget_limited",
      limit: "tokens",
    });
  });

  it("a continuation tells why the goal woke once, then forgets it", () => {
    const woke = goalOf(apply(waiting(), checked(0, "ok"), "runtime"));
    expect(goalOf(apply(woke, { type: "continue", turn: 1 }, "runtime")).reason).toBeUndefined();
  });
});

describe("the runtime enters waiting itself", () => {
  const idle = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
  const fact = (command: string, output: string) => ({
    tool: "bash",
    ok: true,
    changedWorkspace: false,
    fingerprint: `${command}|${output}`,
    shell: { command, output },
  });
  const running = (results: ReturnType<typeof fact>[], continuation = true) => ({
    id: "t",
    continuation,
    startedAt: T0,
    results,
    limitCrossed: false,
    wrapUpUsed: false,
  });

  it("a continuation that polls the same command for the same output as the turn before becomes a wait on it", () => {
    let memory = newSessionRuntime();
    const poll = fact("sleep 5; cat ci-status", "pending");
    memory = { ...memory, ...afterTurn(memory, running([poll]), { outcome: "completed" }, T0, 3) };
    expect(decideContinuation(active(), idle, memory.continuation, T0).kind).toBe("continue");
    memory = { ...memory, ...afterTurn(memory, running([poll]), { outcome: "completed" }, T0, 3) };
    const decision = decideContinuation(active(), idle, memory.continuation, T0);
    expect(decision).toEqual({
      kind: "wait",
      request: {
        kind: "check",
        reason: "the model polled `sleep 5; cat ci-status` for the same output",
        check: "sleep 5; cat ci-status",
        output: "pending",
      },
    });
  });

  it("a person's turn, or a different output, is not polling", () => {
    let memory = newSessionRuntime();
    memory = { ...memory, ...afterTurn(memory, running([fact("c", "a")]), { outcome: "completed" }, T0, 3) };
    memory = { ...memory, ...afterTurn(memory, running([fact("c", "a")], false), { outcome: "completed" }, T0, 3) };
    expect(memory.continuation.polled).toBeUndefined();
  });

  it("a failed turn on an exhausted quota waits for its reset instead of counting an error", () => {
    const memory = newSessionRuntime();
    const end = { outcome: "error" as const, error: "usage limit", quotaResetAt: T0 + 90_000 };
    const next = afterTurn(memory, running([]), end, T0, 3);
    expect(next.continuation.errorStreak).toBe(0);
    expect(decideContinuation(active(), idle, next.continuation, T0)).toMatchObject({
      kind: "wait",
      request: { kind: "quota", until: T0 + 90_000 },
    });
  });

  it("a goal that opts out of quota waits (or a runtime that does) is blocked instead, naming the reset", () => {
    const end = { outcome: "error" as const, error: "usage limit", quotaResetAt: T0 + 90_000 };
    const state = afterTurn(newSessionRuntime(), running([]), end, T0, 3).continuation;
    const reset = new Date(T0 + 90_000).toISOString();
    const blocked = {
      kind: "block",
      reason: `the provider's usage quota is exhausted until ${reset} (this goal does not wait for it)`,
    };
    expect(decideContinuation(active({ waitForQuota: false }), idle, state, T0)).toEqual(blocked);
    const runtimeOptsOut = { ...DEFAULT_CONTINUATION_POLICY, waitForQuota: false };
    expect(decideContinuation(active(), idle, state, T0, runtimeOptsOut)).toEqual(blocked);
    // The goal's own setting wins over the runtime's.
    expect(decideContinuation(active({ waitForQuota: true }), idle, state, T0, runtimeOptsOut).kind).toBe("wait");
  });

  it("a waiting goal is looked at again at its next check or wake, whichever is first; a person's wait never", () => {
    const goal = goalOf(apply(active(), waitOn(checkWait("x")), "runtime"));
    expect(decideContinuation(goal, idle, initialContinuationState(), T0)).toEqual({
      kind: "waiting",
      at: T0 + 15_000,
    });
    expect(nextWaitAlarm({ kind: "time", reason: "r", by: "model", since: 0, wakeAt: 5 })).toBe(5);
    const asked = goalOf(apply(active(), waitOn({ kind: "person", reason: "q" }), "runtime"));
    expect(decideContinuation(asked, idle, initialContinuationState(), T0).kind).toBe("none");
  });
});

describe("update_goal waiting, as the model sends it", () => {
  it.each<[unknown, string | RegExp]>([
    [{ status: "waiting", reason: "CI", check: "gh run view 1" }, "ok"],
    [{ status: "waiting", reason: "CI", until: "20m" }, "ok"],
    [{ status: "waiting", until: "20m" }, "waiting needs a reason"],
    [{ status: "waiting", reason: "CI" }, "say what to wait for"],
    [{ status: "waiting", reason: "CI", until: 20 }, "until must be a string"],
    [{ status: "waiting", reason: "CI", check: "x", every: "1m" }, "update_goal cannot change every"],
  ])("%j", (args, expected) => {
    const parsed = parseGoalToolCall("update_goal", args);
    if (expected === "ok") expect(parsed.ok).toBe(true);
    else expect(parsed.ok ? "ok" : parsed.error.message).toContain(expected);
  });

  it.each([
    ["20m", T0 + 20 * MIN],
    ["1h30m", T0 + 90 * MIN],
    ["2026-12-06T10:00:00Z", Date.parse("2026-12-06T10:00:00Z")],
  ])("until %s", (text, at) => {
    expect(parseUntil(text, T0)).toEqual({ ok: true, value: at });
  });

  it("refuses an until it cannot read", () => {
    const parsed = parseUntil("tomorrow", T0);
    expect(parsed.ok ? "" : parsed.error.message).toContain('until must be an ISO time or an amount like "20m"');
  });
});

describe("a goal's own wait bound", () => {
  it("is set by a person, bounds the model's waits instead of the configured one, and can be removed", () => {
    const created = transition(
      undefined,
      { type: "create", id: "g1", sessionID: "s1", objective: "x", maxWaitSeconds: 7200 },
      "user",
      T0,
    );
    const goal = goalOf(created);
    expect(goal.maxWaitSeconds).toBe(7200);
    const waited = goalOf(apply(goal, waitOn({ kind: "time", reason: "r", until: T0 + 90 * MIN }), "model"));
    expect(waited.wait?.wakeAt).toBe(T0 + 90 * MIN);
    expect(goalOf(apply(goal, waitOn(checkWait()), "model")).wait?.wakeAt).toBe(T0 + 120 * MIN);
    const removed = goalOf(apply(goal, { type: "edit", maxWaitSeconds: null }, "user"));
    expect(removed.maxWaitSeconds).toBeUndefined();
    expect(apply(removed, waitOn({ kind: "time", reason: "r", until: T0 + 90 * MIN }), "model").ok).toBe(false);
  });

  it("a person sets waitForQuota, removes it with null, and an edit repeating it records nothing", () => {
    const goal = goalOf(
      transition(
        undefined,
        { type: "create", id: "g1", sessionID: "s1", objective: "x", waitForQuota: false },
        "user",
        T0,
      ),
    );
    expect(goal.waitForQuota).toBe(false);
    const same = apply(goal, { type: "edit", waitForQuota: false }, "user");
    expect(same.ok && same.value.history).toEqual([]);
    const removed = apply(goal, { type: "edit", waitForQuota: null }, "user");
    expect(removed.ok && removed.value.goal?.waitForQuota).toBeUndefined();
    expect(removed.ok && removed.value.history[0]).toMatchObject({ kind: "edited", waitForQuota: null });
    const refused = transition(
      undefined,
      { type: "create", id: "g1", sessionID: "s1", objective: "x", waitForQuota: "no" },
      "user",
      T0,
    );
    expect(refused.ok ? "" : refused.error).toMatchObject({
      field: "waitForQuota",
      message: "waitForQuota must be true or false",
    });
  });

  it.each([0, -5, 8 * 24 * 3600, "1h"])("refuses %j", (value) => {
    const result = transition(
      undefined,
      { type: "create", id: "g1", sessionID: "s1", objective: "x", maxWaitSeconds: value },
      "user",
      T0,
    );
    expect(result.ok ? "" : result.error.field).toBe("maxWaitSeconds");
  });
});
