import {
  fingerprintToolResult,
  type StepUsage,
  sanitizeStepUsage,
  shellCallOf,
  type ToolResultFact,
} from "@pursuit/core";

/** OpenCode's step-finish tokens: input without cache, output without reasoning, reasoning and cache apart. */
export type OpencodeTokens = {
  input: number;
  output: number;
  reasoning: number;
  cache: { read: number; write: number };
};

/** Maps OpenCode's numbers onto the core's charge rule (output includes reasoning there). */
export function stepUsageFromOpencode(tokens: OpencodeTokens): StepUsage {
  return sanitizeStepUsage({
    noCacheInput: tokens.input,
    cacheRead: tokens.cache?.read,
    cacheWrite: tokens.cache?.write,
    output: (tokens.output ?? 0) + (tokens.reasoning ?? 0),
    reasoning: tokens.reasoning,
  });
}

/** OpenCode's built-in tools that change files when they succeed. */
const WORKSPACE_TOOLS = new Set(["write", "edit", "multiedit", "patch", "apply_patch"]);

export type OpencodeToolPart = {
  id: string;
  tool: string;
  state:
    | { status: "pending" | "running"; input?: unknown }
    | { status: "completed"; input: unknown; output: string }
    | { status: "error"; input: unknown; error: string };
};

/** A finished tool part as the core's progress fact; undefined while the tool still runs. */
export function toolFactFromPart(part: OpencodeToolPart): ToolResultFact | undefined {
  switch (part.state.status) {
    case "pending":
    case "running":
      return undefined;
    case "completed": {
      const shell = shellCallOf(part.tool, part.state.input, part.state.output);
      return {
        tool: part.tool,
        ok: true,
        changedWorkspace: WORKSPACE_TOOLS.has(part.tool),
        fingerprint: fingerprintToolResult(part.tool, part.state.input, part.state.output),
        ...(shell ? { shell } : {}),
      };
    }
    case "error":
      return {
        tool: part.tool,
        ok: false,
        changedWorkspace: false,
        fingerprint: fingerprintToolResult(part.tool, part.state.input, part.state.error),
      };
  }
}
