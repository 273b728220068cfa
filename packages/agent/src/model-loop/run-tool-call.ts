import { fingerprintToolResult, type GoalTurn, shellCallOf, type ToolResultFact } from "@pursuit/core";
import type { SessionState } from "../session-state.js";
import type { TurnDeps } from "../turn-runner.js";
import type { StepToolCall } from "./step.js";
import type { StepRecorder } from "./step-recorder.js";

/**
 * Runs one tool call of a step (or reports its unparseable arguments), records it in the transcript, and
 * returns the fact the goal engine judges progress by. A goal the model created titles the session.
 */
export async function runToolCall(
  deps: Pick<TurnDeps, "tools" | "permissions" | "settings" | "onGoalCreated">,
  state: SessionState,
  goalTurn: GoalTurn,
  recorder: StepRecorder,
  call: StepToolCall,
  signal: AbortSignal,
): Promise<ToolResultFact> {
  await recorder.toolRunning(call.id);
  const outcome = call.invalidError
    ? { output: call.invalidError, isError: true }
    : await deps.tools.execute(
        call.name,
        call.input,
        {
          sessionID: state.id,
          directory: state.directory,
          signal,
          permissions: deps.permissions,
          bash: deps.settings.bash,
        },
        goalTurn,
      );
  await recorder.toolFinished(call.id, outcome);
  if (call.name === "create_goal" && !outcome.isError && "goal" in outcome && outcome.goal) {
    await deps.onGoalCreated(state.id, outcome.goal);
  }
  return {
    tool: call.name,
    ok: !outcome.isError,
    changedWorkspace: !outcome.isError && "changedWorkspace" in outcome && outcome.changedWorkspace === true,
    fingerprint: fingerprintToolResult(call.name, call.input, outcome.output),
    ...shellFact(call.name, call.input, outcome.output),
  };
}

function shellFact(tool: string, input: unknown, output: string): Pick<ToolResultFact, "shell"> {
  const shell = shellCallOf(tool, input, output);
  return shell ? { shell } : {};
}
