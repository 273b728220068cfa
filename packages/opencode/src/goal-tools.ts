import { type ToolDefinition, tool } from "@opencode-ai/plugin";
import { GOAL_TOOL_SPECS, type GoalEngine } from "@pursuit/core";

const z = tool.schema;

/**
 * The three goal tools, always registered so OpenCode's tool list never changes with the goal. Arguments
 * are accepted loosely here and checked by the core, so the model gets the core's refusal messages
 * ("only the user can pause...") rather than a generic schema error.
 */
export function goalTools(engine: GoalEngine): Record<string, ToolDefinition> {
  const run = (name: string) => async (args: unknown, context: { sessionID: string; abort: AbortSignal }) => {
    // The turn's abort signal stops a verify command update_goal runs.
    const outcome = await engine.executeTool(context.sessionID, name, args, { signal: context.abort });
    if (outcome.isError) throw new Error(outcome.output);
    return outcome.output;
  };
  return {
    get_goal: tool({ description: spec("get_goal").description, args: {}, execute: run("get_goal") }),
    create_goal: tool({
      description: spec("create_goal").description,
      args: { objective: z.unknown() },
      execute: run("create_goal"),
    }),
    update_goal: tool({
      description: spec("update_goal").description,
      args: { status: z.unknown(), evidence: z.unknown(), reason: z.unknown() },
      execute: run("update_goal"),
    }),
  };
}

/** tool.definition: the model sees the core's exact, minimal JSON schemas. */
export function goalToolDefinition(toolID: string): { description: string; parameters: unknown } | undefined {
  const found = GOAL_TOOL_SPECS.find((candidate) => candidate.name === toolID);
  return found ? { description: found.description, parameters: found.parameters } : undefined;
}

function spec(name: string) {
  const found = GOAL_TOOL_SPECS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no goal tool named ${name}`);
  return found;
}
