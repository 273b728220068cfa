import { GOAL_TOOL_SPECS, type Goal, type GoalTurn, isGoalTool } from "@pursuit/core";
import { type JSONSchema7, jsonSchema, type Tool, type ToolSet, tool } from "ai";
import { z } from "zod";
import { bashTool } from "./bash.js";
import { editTool } from "./edit.js";
import { globTool } from "./glob.js";
import { grepTool } from "./grep.js";
import { readTool } from "./read.js";
import type { AgentTool, ToolContext, ToolOutcome } from "./tool.js";
import { writeTool } from "./write.js";

export const CODING_TOOLS: readonly AgentTool[] = [readTool, writeTool, editTool, bashTool, globTool, grepTool];

/** A finished tool call, as the loop reports and persists it. */
export type ToolCallOutcome = ToolOutcome & { goal?: Goal };

/**
 * The tool list of every session: the coding tools plus the three goal tools, sorted by name, with schemas
 * computed once. The list is built once per runtime, so every request of every session sends the same bytes,
 * whatever the goal does.
 */
export class ToolRegistry {
  readonly toolSet: ToolSet;
  private readonly byName: Map<string, AgentTool>;

  constructor(tools: readonly AgentTool[] = CODING_TOOLS) {
    this.byName = new Map(tools.map((entry) => [entry.name, entry]));
    const entries: [string, Tool][] = [
      ...tools.map((entry): [string, Tool] => [
        entry.name,
        tool({ description: entry.description, inputSchema: jsonSchema(toJSONSchema(entry.parameters)) }),
      ]),
      ...GOAL_TOOL_SPECS.map((spec): [string, Tool] => [
        spec.name,
        tool({ description: spec.description, inputSchema: jsonSchema(spec.parameters as JSONSchema7) }),
      ]),
    ];
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.toolSet = Object.fromEntries(entries);
  }

  names(): string[] {
    return Object.keys(this.toolSet);
  }

  /** Runs one call. Bad arguments and unknown tools come back as tool errors the model can fix, never throws. */
  async execute(name: string, input: unknown, context: ToolContext, goalTurn: GoalTurn): Promise<ToolCallOutcome> {
    if (isGoalTool(name)) {
      const outcome = await goalTurn.executeTool(name, input, { signal: context.signal });
      return { output: outcome.output, isError: outcome.isError, ...(outcome.goal ? { goal: outcome.goal } : {}) };
    }
    const entry = this.byName.get(name);
    if (!entry) return { output: `Unknown tool "${name}". Available: ${this.names().join(", ")}`, isError: true };
    const parsed = entry.parameters.safeParse(input ?? {});
    if (!parsed.success)
      return { output: `Invalid arguments for ${name}: ${describeIssues(parsed.error)}`, isError: true };
    try {
      return await entry.execute(parsed.data, context);
    } catch (error) {
      if (context.signal.aborted) return { output: "[aborted]", isError: true };
      return { output: `${name} failed: ${(error as Error).message}`, isError: true };
    }
  }
}

function toJSONSchema(schema: z.ZodType): JSONSchema7 {
  const { $schema: _dropped, ...rest } = z.toJSONSchema(schema) as Record<string, unknown>;
  return rest as JSONSchema7;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "arguments"}: ${issue.message}`)
    .join("; ");
}
