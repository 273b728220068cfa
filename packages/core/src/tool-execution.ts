import { formatDuration } from "./amounts.js";
import { describeLimits, describeUsage, goalSetMessage } from "./context.js";
import type { GoalInput, GoalOutcome } from "./engine-types.js";
import type { Goal, GoalLimits, GoalWait } from "./goal.js";
import { nameCriteria, openCriteria } from "./goal-criteria.js";
import { parseGoalToolCall } from "./goal-tools.js";
import { parseUntil, shortCommand, type WaitPolicy } from "./goal-wait.js";
import type { AbortSignalLike, VerifyRunner } from "./ports.js";
import { assertNever, err, ok, type Result } from "./result.js";
import type { GoalCommand, GoalRefusal } from "./transition.js";

/** The tail of a verify command's output kept in the goal's history. */
const VERIFY_HISTORY_OUTPUT_CHARS = 2_000;

/** What the goal tools ask of the engine: the goal, its creation and changes, the verifier. */
export type GoalToolHost = {
  readonly defaultLimits: GoalLimits;
  readonly verifier: VerifyRunner | undefined;
  readonly waitPolicy: WaitPolicy;
  now(): number;
  /** Why the host's permission rules refuse a command, or undefined when it may run. */
  commandDenied(sessionID: string, command: string): Promise<string | undefined>;
  getGoal(sessionID: string): Promise<Goal | undefined>;
  createGoal(sessionID: string, input: GoalInput, actor: "model"): Promise<Result<GoalOutcome, GoalRefusal>>;
  apply(
    sessionID: string,
    commands: readonly GoalCommand[],
    actor: "model" | "runtime",
  ): Promise<Result<Goal | null, GoalRefusal>>;
};

/** What a goal tool call returns to the model. Refusals are tool errors the model can read and act on. */
export type GoalToolOutcome = { output: string; isError: boolean; goal?: Goal };

const refused = (refusal: GoalRefusal): GoalToolOutcome => ({ output: `Refused: ${refusal.message}`, isError: true });

/** Runs get_goal, create_goal or update_goal for the model, through the same transition table as everyone. */
export async function executeGoalTool(
  engine: GoalToolHost,
  sessionID: string,
  name: string,
  args: unknown,
  options: { signal?: AbortSignalLike } = {},
): Promise<GoalToolOutcome> {
  const call = parseGoalToolCall(name, args);
  if (!call.ok) return refused(call.error);
  switch (call.value.tool) {
    case "get_goal": {
      const goal = await engine.getGoal(sessionID);
      return goal
        ? { output: describeGoal(goal), isError: false, goal }
        : { output: "This session has no goal.", isError: false };
    }
    case "create_goal": {
      // Limits the user asked for (through the model) replace configured defaults one by one.
      const created = await engine.createGoal(
        sessionID,
        { objective: call.value.objective, limits: { ...engine.defaultLimits, ...call.value.limits } },
        "model",
      );
      if (!created.ok) return refused(created.error);
      return { output: goalSetMessage(created.value.goal).text, isError: false, goal: created.value.goal };
    }
    case "update_goal": {
      if (call.value.status === "waiting") return waitForIt(engine, sessionID, call.value);
      if (call.value.status === "criterion") return closeCriterion(engine, sessionID, call.value, options.signal);
      const goal = await engine.getGoal(sessionID);
      if (call.value.status === "blocked") {
        const result = await engine.apply(sessionID, [{ type: "block", reason: call.value.reason }], "model");
        if (!result.ok) return refused(result.error);
        return {
          output: "The goal is blocked. Explain to the user what you need.",
          isError: false,
          ...(result.value ? { goal: result.value } : {}),
        };
      }
      // Verify outside the store transaction (it may take a while); the transition re-checks the goal. Not while
      // criteria are open: the transition refuses that completion whatever the verify command says.
      let verification: { passed: boolean; output: string } | undefined;
      if (goal?.verify !== undefined && goal.status === "active" && openCriteria(goal).length === 0) {
        const run = await runCheck(engine, sessionID, goal.verify, options.signal);
        if (!run.ok) return refused(run.error);
        verification = run.value;
      }
      const result = await engine.apply(
        sessionID,
        [{ type: "complete", evidence: call.value.evidence, ...(verification ? { verification } : {}) }],
        "model",
      );
      if (!result.ok) return refused(result.error);
      return {
        output: "The goal is complete. Give the user a short summary.",
        isError: false,
        ...(result.value ? { goal: result.value } : {}),
      };
    }
    default:
      return assertNever(call.value, "goal tool call");
  }
}

/**
 * Runs a person's command for the model (the goal's verify command, or a criterion's check) and records the run in
 * the history, failed runs included: people see every run, and the model's call is refused on a failure.
 */
async function runCheck(
  engine: GoalToolHost,
  sessionID: string,
  command: string,
  signal: AbortSignalLike | undefined,
  criterion?: number,
): Promise<Result<{ passed: boolean; output: string }, GoalRefusal>> {
  const what = criterion === undefined ? "the verify command" : `criterion ${criterion}'s check`;
  if (!engine.verifier) return err({ code: "verify_failed", message: `this host cannot run ${what}` });
  const run = await engine.verifier.run(sessionID, command, signal);
  if (run.aborted) return err({ code: "verify_failed", message: `${what} was stopped: the turn was aborted` });
  const output = run.output.slice(-VERIFY_HISTORY_OUTPUT_CHARS);
  await engine.apply(
    sessionID,
    [
      {
        type: "verified",
        command,
        passed: run.passed,
        exitCode: run.exitCode,
        output,
        ...(criterion !== undefined ? { criterion } : {}),
      },
    ],
    "runtime",
  );
  return ok({ passed: run.passed, output: criterion === undefined ? run.output : output });
}

/** update_goal {criterion, evidence}: closes one acceptance criterion, after its check passes when it has one. */
async function closeCriterion(
  engine: GoalToolHost,
  sessionID: string,
  call: { criterion: number; evidence: string },
  signal: AbortSignalLike | undefined,
): Promise<GoalToolOutcome> {
  const goal = await engine.getGoal(sessionID);
  const criterion = goal?.criteria?.find((one) => one.id === call.criterion);
  let check: { passed: boolean; output: string } | undefined;
  // The transition re-checks the rest (the goal's status, evidence); the check runs only for an open criterion.
  if (goal?.status === "active" && criterion?.check !== undefined && !criterion.closed) {
    const run = await runCheck(engine, sessionID, criterion.check, signal, criterion.id);
    if (!run.ok) return refused(run.error);
    check = run.value;
  }
  const result = await engine.apply(
    sessionID,
    [{ type: "close_criterion", criterion: call.criterion, evidence: call.evidence, ...(check ? { check } : {}) }],
    "model",
  );
  if (!result.ok) return refused(result.error);
  const after = result.value ?? undefined;
  const open = after ? openCriteria(after) : [];
  const next =
    open.length === 0
      ? "Every criterion is closed; complete the goal when the objective is met."
      : `Still open: ${nameCriteria(open)}.`;
  const already = criterion?.closed
    ? `Criterion ${call.criterion} was already closed. `
    : `Criterion ${call.criterion} is closed. `;
  return { output: already + next, isError: false, ...(after ? { goal: after } : {}) };
}

/** update_goal {status: "waiting"}: the goal waits for a time or a check the runtime re-runs, with no model call. */
async function waitForIt(
  engine: GoalToolHost,
  sessionID: string,
  call: { reason: string; until?: string; check?: string },
): Promise<GoalToolOutcome> {
  const now = engine.now();
  let until: number | undefined;
  if (call.until !== undefined) {
    const parsed = parseUntil(call.until, now);
    if (!parsed.ok) return refused(parsed.error);
    until = parsed.value;
  }
  if (call.check !== undefined) {
    const denied = await engine.commandDenied(sessionID, call.check);
    if (denied)
      return refused({ code: "forbidden", message: `the check command is not allowed: ${denied}`, field: "check" });
  }
  const request = {
    kind: call.check !== undefined ? ("check" as const) : ("time" as const),
    reason: call.reason,
    ...(until !== undefined ? { until } : {}),
    ...(call.check !== undefined ? { check: call.check } : {}),
  };
  const result = await engine.apply(sessionID, [{ type: "wait", request, policy: engine.waitPolicy }], "model");
  if (!result.ok) return refused(result.error);
  const wait = result.value?.wait;
  return {
    output: wait ? describeWaitForModel(wait, now) : "The goal is waiting.",
    isError: false,
    ...(result.value ? { goal: result.value } : {}),
  };
}

function describeWaitForModel(wait: GoalWait, now: number): string {
  const latest = wait.wakeAt === undefined ? "" : ` at the latest in ${formatDuration((wait.wakeAt - now) / 1000)}`;
  const how = wait.check
    ? `The runtime re-runs \`${shortCommand(wait.check.command)}\` itself and wakes the goal when it exits 0 or its output changes,${latest || " at its bound"}.`
    : `The goal wakes${latest}.`;
  return `The goal is waiting. ${how} End your turn now; do not poll.`;
}

/** Compact text for get_goal: every byte is paid for on every later request. */
function describeGoal(goal: Goal): string {
  const lines = [
    `Objective: ${goal.objective}`,
    `Status: ${goal.status}${goal.reason ? ` (${goal.reason})` : ""}`,
    ...(goal.wait?.check ? [`Waiting on: ${goal.wait.check.command}`] : []),
    `Used: ${describeUsage(goal)}`,
    describeLimits(goal.limits),
  ];
  if (goal.verify) lines.push(`Verify command: ${goal.verify}`);
  if (goal.criteria?.length) {
    lines.push("Criteria (close each with update_goal {criterion, evidence}):");
    for (const criterion of goal.criteria)
      lines.push(
        `${criterion.id}. [${criterion.closed ? "closed" : "open"}] ${criterion.text}${criterion.check ? ` (check: ${criterion.check})` : ""}`,
      );
  }
  return lines.join("\n");
}
