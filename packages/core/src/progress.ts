/** The goal tools never count as progress: talking about the goal is not working on it. */
export const GOAL_TOOL_NAMES = ["get_goal", "create_goal", "update_goal"] as const;
export type GoalToolName = (typeof GOAL_TOOL_NAMES)[number];
export const isGoalTool = (name: string): name is GoalToolName => (GOAL_TOOL_NAMES as readonly string[]).includes(name);

/** What a host reports about one finished tool call. */
export type ToolResultFact = {
  tool: string;
  ok: boolean;
  /** The call wrote, edited or deleted something in the workspace. */
  changedWorkspace: boolean;
  /** From `fingerprintToolResult`: equal for the same call that returned the same output. */
  fingerprint: string;
  /** A shell command and its output (from `shellCallOf`): polling it again is what the runtime can wait on. */
  shell?: { command: string; output: string };
};

/** The shell command of a `bash` tool call (both hosts name it so) with its output, or undefined for other tools. */
export function shellCallOf(tool: string, input: unknown, output: string): ToolResultFact["shell"] {
  if (tool !== "bash" || typeof input !== "object" || input === null) return undefined;
  const command = (input as { command?: unknown }).command;
  return typeof command === "string" && command.trim() !== "" ? { command, output } : undefined;
}

/**
 * A shell command a turn ran again with the same output as in the turn before (a model polling
 * `sleep 30; gh run view`): the runtime can re-run it itself, with no model call, until the output changes.
 */
export function repeatedShellCall(
  results: readonly ToolResultFact[],
  previousTurn: readonly string[] | undefined,
): { command: string; output: string } | undefined {
  if (!previousTurn) return undefined;
  const seen = new Set(previousTurn);
  for (let i = results.length - 1; i >= 0; i--) {
    const result = results[i];
    if (result?.shell && seen.has(result.fingerprint)) return result.shell;
  }
  return undefined;
}

/**
 * A turn makes progress when it changes the workspace or gets a successful tool result that none of the
 * recent turns saw. Calling the same command for the same output again (a model polling
 * `sleep 5; echo waiting for CI`) is not progress.
 */
export function madeProgress(results: readonly ToolResultFact[], recent: readonly (readonly string[])[]): boolean {
  const seen = new Set(recent.flat());
  return results.some(
    (result) => !isGoalTool(result.tool) && (result.changedWorkspace || (result.ok && !seen.has(result.fingerprint))),
  );
}

/**
 * A stable fingerprint of a tool call and its output. Digit runs are folded so that polling output which
 * differs only in timestamps or counters ("waited 5s", "waited 10s") still counts as the same result.
 */
export function fingerprintToolResult(tool: string, input: unknown, output: string): string {
  const text = `${tool}\u0000${stableJSON(input)}\u0000${output.replace(/\d+/g, "#")}`;
  return `${fnv1a(text)}:${text.length}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** JSON with object keys sorted, so argument order does not change a fingerprint. */
function stableJSON(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "undefined";
  if (Array.isArray(value)) return `[${value.map(stableJSON).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableJSON(item)}`).join(",")}}`;
}
