import { formatDuration } from "./amounts.js";
import { describeLimits, describeUsage, goalSetMessage } from "./context.js";
import type { GoalInput, GoalOutcome } from "./engine-types.js";
import type { Goal, GoalLimits, GoalWait } from "./goal.js";
import { parseGoalToolCall } from "./goal-tools.js";
import { parseUntil, shortCommand, type WaitPolicy } from "./goal-wait.js";
import type { AbortSignalLike, VerifyRunner } from "./ports.js";
import { assertNever, type Result } from "./result.js";
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
      // Verify outside the store transaction (it may take a while); the transition re-checks the goal.
      let verification: { passed: boolean; output: string } | undefined;
      if (goal?.verify !== undefined && goal.status === "active") {
        if (!engine.verifier)
          return refused({ code: "verify_failed", message: "this host cannot run the goal's verify command" });
        const run = await engine.verifier.run(sessionID, goal.verify, options.signal);
        if (run.aborted)
          return refused({ code: "verify_failed", message: "the verify command was stopped: the turn was aborted" });
        verification = { passed: run.passed, output: run.output };
        // People see every verify run in the history, the failed ones included (their update_goal is refused).
        await engine.apply(
          sessionID,
          [
            {
              type: "verified",
              command: goal.verify,
              passed: run.passed,
              exitCode: run.exitCode,
              output: run.output.slice(-VERIFY_HISTORY_OUTPUT_CHARS),
            },
          ],
          "runtime",
        );
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
  return lines.join("\n");
}
