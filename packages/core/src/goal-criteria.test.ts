import { describe, expect, it } from "vitest";
import { continuationMessage, goalSetMessage } from "./context.js";
import type { Goal } from "./goal.js";
import { validateCriteria } from "./goal-criteria.js";
import { GoalEngine } from "./goal-engine.js";
import { createMemoryGoalStore } from "./memory-store.js";
import type { VerifyRunner } from "./ports.js";
import { FakeClock, sequentialIds } from "./testing/fake-ports.js";
import { type GoalCommand, transition } from "./transition.js";

const T0 = 1_000;

function created(criteria: unknown, extra: Partial<Extract<GoalCommand, { type: "create" }>> = {}): Goal {
  const result = transition(
    undefined,
    { type: "create", id: "g1", sessionID: "s1", objective: "ship it", criteria, ...extra },
    "user",
    T0,
  );
  if (!result.ok || !result.value.goal) throw new Error(JSON.stringify(result));
  return result.value.goal;
}

function goalAfter(goal: Goal, command: GoalCommand, actor: "user" | "model" | "runtime" = "model"): Goal {
  const result = transition(goal, command, actor, T0 + 10);
  if (!result.ok) throw new Error(`refused: ${result.error.message}`);
  if (!result.value.goal) throw new Error("cleared");
  return result.value.goal;
}

const refusal = (goal: Goal | undefined, command: GoalCommand, actor: "user" | "model" | "runtime" = "model") => {
  const result = transition(goal, command, actor, T0 + 10);
  return result.ok ? undefined : result.error;
};

const close = (criterion: number, evidence = "shown", check?: { passed: boolean; output: string }): GoalCommand => ({
  type: "close_criterion",
  criterion,
  evidence,
  ...(check ? { check } : {}),
});

describe("a person's acceptance criteria", () => {
  it("are numbered from 1, as sentences or {text, check}, trimmed", () => {
    const goal = created(["  tests pass ", { text: "docs updated", check: "grep -q criteria README.md" }]);
    expect(goal.criteria).toEqual([
      { id: 1, text: "tests pass" },
      { id: 2, text: "docs updated", check: "grep -q criteria README.md" },
    ]);
  });

  it.each([
    ["not a list", "tests pass", "criteria", "criteria must be a list of criteria"],
    [
      "21 of them",
      Array.from({ length: 21 }, (_, i) => `c${i}`),
      "criteria",
      "criteria has 21 entries; the maximum is 20",
    ],
    ["an empty sentence", ["ok", "  "], "criteria.1.text", "criteria.1.text must not be empty"],
    ["a long sentence", ["x".repeat(501)], "criteria.0.text", "criteria.0.text is 501 characters; the maximum is 500"],
    ["a number", [7], "criteria.0", "criteria.0 must be a sentence or an object {text, check?}"],
    [
      "an unknown key",
      [{ text: "a", cmd: "ls" }],
      "criteria.0.cmd",
      'criteria.0 has an unknown key "cmd"; use text, check',
    ],
    ["an empty check", [{ text: "a", check: " " }], "criteria.0.check", "criteria.0.check must not be empty"],
    ["a repeat", ["a", "a"], "criteria.1.text", 'criteria.1 repeats an earlier criterion: "a"'],
  ])("refuses %s, naming the field", (_name, value, field, message) => {
    expect(validateCriteria(value)).toEqual({ ok: false, error: { code: "invalid", field, message } });
    expect(
      refusal(undefined, { type: "create", id: "g", sessionID: "s1", objective: "o", criteria: value }, "user"),
    ).toEqual({
      code: "invalid",
      field,
      message,
    });
  });

  it("are recorded with the goal's creation; none (empty or null) leaves the goal without criteria", () => {
    const result = transition(
      undefined,
      { type: "create", id: "g1", sessionID: "s1", objective: "o", criteria: [{ text: "a", check: "true" }] },
      "user",
      T0,
    );
    expect(result.ok && result.value.history[0]).toMatchObject({
      kind: "created",
      criteria: [{ text: "a", check: "true" }],
    });
    expect(created([]).criteria).toBeUndefined();
    expect(created(null).criteria).toBeUndefined();
  });

  it("an edit replaces the list; unchanged criteria keep their closure, a changed one reopens", () => {
    const goal = goalAfter(goalAfter(created(["a", "b", "c"]), close(1)), close(2));
    const edited = transition(goal, { type: "edit", criteria: ["a", "b, better", "c", "d"] }, "user", T0 + 20);
    expect(edited.ok && edited.value.history).toMatchObject([
      { kind: "edited", criteria: [{ text: "a" }, { text: "b, better" }, { text: "c" }, { text: "d" }] },
    ]);
    const after = edited.ok ? edited.value.goal : undefined;
    expect(after?.criteria?.map((one) => [one.id, one.text, one.closed !== undefined])).toEqual([
      [1, "a", true],
      [2, "b, better", false],
      [3, "c", false],
      [4, "d", false],
    ]);
  });

  it("an edit with the same list records nothing; null removes them all", () => {
    const goal = created(["a"]);
    const same = transition(goal, { type: "edit", criteria: ["a"] }, "user", T0 + 20);
    expect(same.ok && same.value.history).toEqual([]);
    const removed = transition(goal, { type: "edit", criteria: null }, "user", T0 + 20);
    expect(removed.ok && removed.value.goal?.criteria).toBeUndefined();
    expect(removed.ok && removed.value.history).toMatchObject([{ kind: "edited", criteria: null }]);
  });

  it("a bad edit is refused and changes nothing", () => {
    expect(refusal(created(["a"]), { type: "edit", objective: "new", criteria: [""] }, "user")).toMatchObject({
      field: "criteria.0.text",
    });
  });

  it("the model cannot set or edit them", () => {
    expect(refusal(created(["a"]), { type: "edit", criteria: ["b"] }, "model")).toMatchObject({ code: "forbidden" });
  });
});

describe("closing a criterion", () => {
  it("the model closes one with evidence; the history records it", () => {
    const goal = created(["tests pass", "docs"]);
    const result = transition(goal, close(1, "  npm test: 12 passed "), "model", T0 + 10);
    expect(result.ok && result.value.goal?.criteria?.[0]).toEqual({
      id: 1,
      text: "tests pass",
      closed: { at: T0 + 10, evidence: "npm test: 12 passed" },
    });
    expect(result.ok && result.value.history).toMatchObject([
      { kind: "criterion_closed", criterion: 1, text: "tests pass", evidence: "npm test: 12 passed", actor: "model" },
    ]);
  });

  it.each([
    ["without evidence", created(["a"]), close(1, "  "), "model", "invalid", "closing criterion 1 needs evidence"],
    [
      "that does not exist",
      created(["a", "b"]),
      close(3),
      "model",
      "invalid",
      "there is no criterion 3; its criteria are 1 to 2",
    ],
    ["of a goal without criteria", created(undefined), close(1), "model", "invalid", "this goal has no criteria"],
    ["by a person", created(["a"]), close(1), "user", "forbidden", "only the model closes a criterion"],
    ["by the runtime", created(["a"]), close(1), "runtime", "forbidden", "only the model closes a criterion"],
    [
      "of a paused goal",
      { ...created(["a"]), status: "paused" as const },
      close(1),
      "model",
      "forbidden",
      "the goal is paused",
    ],
    [
      "with a check, not run",
      created([{ text: "a", check: "npm test" }]),
      close(1),
      "model",
      "verify_failed",
      "criterion 1's check `npm test` must pass to close it",
    ],
    [
      "with a check that failed",
      created([{ text: "a", check: "npm test" }]),
      close(1, "done", { passed: false, output: "1 failed" }),
      "model",
      "verify_failed",
      "failed, so it stays open. Its output ends with:\n1 failed",
    ],
  ] as const)("is refused %s", (_name, goal, command, actor, code, message) => {
    const error = refusal(goal, command, actor);
    expect(error?.code).toBe(code);
    expect(error?.message).toContain(message);
  });

  it("with a passing check it closes, keeping the check's output", () => {
    const goal = goalAfter(
      created([{ text: "a", check: "npm test" }]),
      close(1, "ran it", { passed: true, output: "ok" }),
    );
    expect(goal.criteria?.[0]?.closed).toEqual({ at: T0 + 10, evidence: "ran it", checkOutput: "ok" });
  });

  it("closing a closed criterion changes nothing", () => {
    const goal = goalAfter(created(["a"]), close(1));
    const again = transition(goal, close(1, "again"), "model", T0 + 30);
    expect(again.ok && again.value).toEqual({ goal, history: [] });
  });
});

describe("completing a goal with criteria", () => {
  const complete: GoalCommand = { type: "complete", evidence: "all done" };

  it("the model is refused while any is open, with the open ones named", () => {
    const goal = goalAfter(created(["tests pass", "docs updated", "changelog"]), close(2));
    expect(refusal(goal, complete)).toEqual({
      code: "conflict",
      field: "criteria",
      message:
        'the goal is not complete while criteria 1 ("tests pass"), 3 ("changelog") are open; close each with update_goal {criterion, evidence}',
    });
  });

  it("the model completes once all are closed; a person completes whenever", () => {
    const goal = created(["a", "b"]);
    expect(goalAfter(goalAfter(goalAfter(goal, close(1)), close(2)), complete).status).toBe("complete");
    expect(goalAfter(goal, complete, "user").status).toBe("complete");
  });
});

describe("criteria in the model's context", () => {
  it("the goal-set message and each continuation list the open ones by number and short text", () => {
    const goal = goalAfter(
      created(["tests pass", "the docs explain criteria with an example of each flag and field"]),
      close(1),
    );
    expect(goalSetMessage(created(["tests pass"])).text).toContain(
      'Open criteria (close each with update_goal {criterion, evidence}): 1 "tests pass".',
    );
    expect(continuationMessage(goal).text).toContain(
      'Open criteria (close each with update_goal {criterion, evidence}): 2 "the docs explain criteria with an example of ...".',
    );
  });

  it("a goal without open criteria says nothing of them (its bytes are those of a goal without criteria)", () => {
    const plain = created(undefined);
    const done = goalAfter(created(["a"]), close(1));
    expect(continuationMessage({ ...done, time: plain.time }).text).toBe(continuationMessage(plain).text);
    expect(goalSetMessage(plain).text).not.toContain("criteria");
  });

  it("twenty long criteria still fit in 600 bytes, naming how many more get_goal has; user text is escaped", () => {
    const criteria = Array.from({ length: 20 }, (_, i) => `<b>criterion ${i + 1}</b> ${"x".repeat(480)}`);
    const text = continuationMessage(created(criteria, { limits: { tokens: 1_000_000, turns: 1000 } })).text;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(600);
    expect(text).toMatch(/\(\+\d+ more, see get_goal\)\./);
    expect(text).toContain("&lt;b&gt;criterion 1&lt;/b&gt;");
    expect(text).not.toContain("<b>");
  });
});

describe("update_goal {criterion, evidence} through the engine", () => {
  const S = "session-1";

  function setup(checks: Record<string, boolean>) {
    const runs: string[] = [];
    const verify: VerifyRunner = {
      run: async (_session, command) => {
        runs.push(command);
        const passed = checks[command] ?? false;
        return { passed, exitCode: passed ? 0 : 1, output: `${command}: ${passed ? "ok" : "FAILED"}` };
      },
    };
    const engine = new GoalEngine({
      store: createMemoryGoalStore(),
      clock: new FakeClock(),
      ids: sequentialIds(),
      verify,
    });
    const tool = async (args: unknown) =>
      (await engine.beginTurn(S, { turnID: `t${runs.length}`, continuation: false })).executeTool("update_goal", args);
    return { engine, runs, tool };
  }

  it("runs a criterion's check, records every run, and closes it only when the check passes", async () => {
    const checks: Record<string, boolean> = { "npm test": false };
    const { engine, runs, tool } = setup(checks);
    await engine.createGoal(S, { objective: "o", criteria: [{ text: "tests pass", check: "npm test" }, "docs"] });
    const refused = await tool({ criterion: 1, evidence: "I ran them" });
    expect(refused).toMatchObject({ isError: true });
    expect(refused.output).toContain("npm test: FAILED");
    checks["npm test"] = true;
    const closed = await tool({ criterion: 1, evidence: "I ran them" });
    expect(closed).toMatchObject({ isError: false, output: 'Criterion 1 is closed. Still open: 2 ("docs").' });
    expect(runs).toEqual(["npm test", "npm test"]);
    const history = await engine.history(S);
    expect(history.filter((row) => row.kind === "verified")).toMatchObject([
      { criterion: 1, passed: false, actor: "runtime" },
      { criterion: 1, passed: true, actor: "runtime" },
    ]);
    expect(history.at(-1)).toMatchObject({ kind: "criterion_closed", criterion: 1, checkOutput: "npm test: ok" });
  });

  it("refuses complete while criteria are open, without running the verify command", async () => {
    const { engine, runs, tool } = setup({ "npm run verify": true });
    await engine.createGoal(S, { objective: "o", verify: "npm run verify", criteria: ["docs"] });
    const refused = await tool({ status: "complete", evidence: "done" });
    expect(refused.output).toBe(
      'Refused: the goal is not complete while criterion 1 ("docs") is open; close each with update_goal {criterion, evidence}',
    );
    expect(runs).toEqual([]);
    expect((await tool({ criterion: 1, evidence: "README has it" })).output).toBe(
      "Criterion 1 is closed. Every criterion is closed; complete the goal when the objective is met.",
    );
    expect(await tool({ status: "complete", evidence: "done" })).toMatchObject({ isError: false });
    expect(runs).toEqual(["npm run verify"]);
  });

  it.each([
    [{ criterion: "1", evidence: "x" }, 'criterion must be a criterion\'s number (1, 2, ...); got "1"'],
    [{ criterion: 0, evidence: "x" }, "criterion must be a criterion's number (1, 2, ...); got 0"],
    [{ criterion: 1 }, "closing criterion 1 needs evidence"],
    [{ criterion: 1, evidence: "x", status: "complete" }, "update_goal closes a criterion on its own"],
    [{ evidence: "x" }, 'update_goal accepts only status "complete"'],
  ])("refuses %j, changing nothing", async (args, message) => {
    const { engine, tool } = setup({});
    await engine.createGoal(S, { objective: "o", criteria: ["a"] });
    const before = await engine.getGoal(S);
    const result = await tool(args);
    expect(result.isError).toBe(true);
    expect(result.output).toContain(message);
    expect(await engine.getGoal(S)).toEqual(before);
  });

  it("get_goal shows the whole checklist", async () => {
    const { engine } = setup({});
    await engine.createGoal(S, { objective: "o", criteria: [{ text: "tests pass", check: "npm test" }, "docs"] });
    const turn = await engine.beginTurn(S, { turnID: "g", continuation: false });
    expect((await turn.executeTool("get_goal", {})).output).toContain(
      "Criteria (close each with update_goal {criterion, evidence}):\n1. [open] tests pass (check: npm test)\n2. [open] docs",
    );
  });
});
