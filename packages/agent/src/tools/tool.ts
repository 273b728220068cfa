import type { z } from "zod";
import type { PermissionPolicy } from "../permissions.js";

/** What a coding tool can use while it runs. */
export type ToolContext = {
  sessionID: string;
  /** The session's directory: every path resolves inside it. */
  directory: string;
  /** Fires when the turn is aborted; tools stop at once. */
  signal: AbortSignal;
  permissions: PermissionPolicy;
  bash: { timeoutMs: number; maxOutputBytes: number };
};

/** A tool's answer. `isError` results are shown to the model as tool errors it can act on. */
export type ToolOutcome = {
  output: string;
  isError: boolean;
  /** The call wrote or edited a file (a turn that changes the workspace made progress). */
  changedWorkspace?: boolean;
  metadata?: Record<string, unknown>;
};

/** A coding tool: its zod schema validates the model's arguments before `execute` sees them. */
export type AgentTool<Schema extends z.ZodType = z.ZodType> = {
  name: string;
  description: string;
  parameters: Schema;
  execute(input: z.infer<Schema>, context: ToolContext): Promise<ToolOutcome>;
};

export const defineTool = <Schema extends z.ZodType>(tool: AgentTool<Schema>): AgentTool<Schema> => tool;

export const toolError = (output: string): ToolOutcome => ({ output, isError: true });
