import { type ToolDefinition, tool } from "@opencode-ai/plugin";
import { GOAL_TOOL_SPECS, type GoalTurn } from "@pursuit/core";

const z = tool.schema;

/**
 * The three goal tools, always registered so OpenCode's tool list never changes with the goal. Arguments
 * are accepted loosely here and checked by the core, so the model gets the core's refusal messages
 * ("only the user can pause...") rather than a generic schema error.
 */
export function goalTools(
  goalTurn: (sessionID: string) => Promise<GoalTurn>,
  rawArguments: RawGoalToolArguments,
): Record<string, ToolDefinition> {
  const run = (name: string) => async (args: unknown, context: { sessionID: string; abort: AbortSignal }) => {
    // The core judges what the model sent, unknown arguments included (OpenCode's parse strips them); the
    // turn's abort signal stops a verify command update_goal runs.
    const raw = rawArguments.take(context.sessionID, name) ?? args;
    const turn = await goalTurn(context.sessionID);
    const outcome = await turn.executeTool(name, raw, { signal: context.abort });
    if (outcome.isError) throw new Error(outcome.output);
    return outcome.output;
  };
  return {
    get_goal: tool({ description: spec("get_goal").description, args: {}, execute: run("get_goal") }),
    create_goal: tool({
      description: spec("create_goal").description,
      args: {
        objective: z.unknown(),
        token_budget: z.unknown().optional(),
        turn_budget: z.unknown().optional(),
        time_budget_seconds: z.unknown().optional(),
      },
      execute: run("create_goal"),
    }),
    update_goal: tool({
      description: spec("update_goal").description,
      args: { status: z.unknown(), evidence: z.unknown().optional(), reason: z.unknown().optional() },
      execute: run("update_goal"),
    }),
  };
}

/**
 * The arguments of goal tool calls exactly as the model sent them, caught in `tool.execute.before` (which sees
 * them before OpenCode's schema parse drops keys it does not declare) and taken by the tool's execution, in
 * call order per session and tool.
 */
export class RawGoalToolArguments {
  private readonly waiting = new Map<string, unknown[]>();

  remember(sessionID: string, tool: string, args: unknown): void {
    if (!GOAL_TOOL_SPECS.some((spec) => spec.name === tool)) return;
    const key = `${sessionID}\u0000${tool}`;
    const queue = this.waiting.get(key) ?? [];
    queue.push(structuredClone(args));
    this.waiting.set(key, queue);
  }

  take(sessionID: string, tool: string): unknown {
    const key = `${sessionID}\u0000${tool}`;
    const queue = this.waiting.get(key);
    const args = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(key);
    return args;
  }
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
