import type { GoalToolName } from "./progress.js";
import { err, ok, type Result } from "./result.js";
import { TEMPLATES } from "./templates.js";
import type { GoalRefusal } from "./transition.js";

/** A JSON schema object as providers accept it for function tools. */
export type JSONSchema = { [key: string]: unknown };

export type GoalToolSpec = { name: GoalToolName; description: string; parameters: JSONSchema };

/**
 * The three goal tools. They are always in the tool list, whatever the goal does, so the list stays
 * byte-identical for a session's whole life; schemas are kept minimal because every request pays for them.
 */
export const GOAL_TOOL_SPECS: readonly GoalToolSpec[] = [
  {
    name: "get_goal",
    description: TEMPLATES["tool-get-goal"],
    parameters: { type: "object", properties: {}, additionalProperties: false },
  },
  {
    name: "create_goal",
    description: TEMPLATES["tool-create-goal"],
    parameters: {
      type: "object",
      properties: { objective: { type: "string", description: "What must be true when the goal is done." } },
      required: ["objective"],
      additionalProperties: false,
    },
  },
  {
    name: "update_goal",
    description: TEMPLATES["tool-update-goal"],
    parameters: {
      type: "object",
      properties: {
        status: { type: "string", enum: ["complete", "blocked"] },
        evidence: { type: "string", description: "With complete: what shows the objective is met." },
        reason: { type: "string", description: "With blocked: what stops the work." },
      },
      required: ["status"],
      additionalProperties: false,
    },
  },
];

/** A goal tool call the model made, after its arguments were checked. */
export type GoalToolCall =
  | { tool: "get_goal" }
  | { tool: "create_goal"; objective: string }
  | { tool: "update_goal"; status: "complete"; evidence: string }
  | { tool: "update_goal"; status: "blocked"; reason: string };

const invalid = (message: string, field?: string): { ok: false; error: GoalRefusal } =>
  err(field === undefined ? { code: "invalid", message } : { code: "invalid", message, field });

/** Tool arguments come from the model: untrusted. Arguments may arrive as an object or as JSON text. */
export function parseGoalToolCall(name: string, rawArgs: unknown): Result<GoalToolCall, GoalRefusal> {
  let args: unknown = rawArgs ?? {};
  if (typeof args === "string") {
    try {
      args = args.trim() === "" ? {} : JSON.parse(args);
    } catch {
      return invalid(`${name} arguments are not valid JSON`);
    }
  }
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return invalid(`${name} takes an object of arguments`);
  }
  const input = args as Record<string, unknown>;
  switch (name) {
    case "get_goal":
      return ok({ tool: "get_goal" });
    case "create_goal":
      if (typeof input.objective !== "string") return invalid("create_goal needs an objective string", "objective");
      return ok({ tool: "create_goal", objective: input.objective });
    case "update_goal":
      return parseUpdateGoal(input);
    default:
      return invalid(`unknown goal tool "${name}"`);
  }
}

function parseUpdateGoal(input: Record<string, unknown>): Result<GoalToolCall, GoalRefusal> {
  const extra = Object.keys(input).filter((key) => !["status", "evidence", "reason"].includes(key));
  if (extra.length > 0) {
    return invalid(
      `update_goal cannot change ${extra.join(", ")}: only the user can edit, pause, resume, clear or raise limits`,
      extra[0],
    );
  }
  const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");
  switch (input.status) {
    case "complete": {
      const evidence = text(input.evidence);
      if (!evidence) return invalid("completing needs evidence: say what shows the objective is met", "evidence");
      return ok({ tool: "update_goal", status: "complete", evidence });
    }
    case "blocked": {
      const reason = text(input.reason);
      if (!reason) return invalid("blocking needs a reason: say what stops the work", "reason");
      return ok({ tool: "update_goal", status: "blocked", reason });
    }
    default:
      return invalid(
        `update_goal accepts only status "complete" (with evidence) or "blocked" (with reason); got ${JSON.stringify(input.status ?? null)} (only the user can pause, resume or clear a goal)`,
        "status",
      );
  }
}

/** Bytes of all goal tool specs as sent in a request's tool list (the target is at most 1.5 KB). */
export function goalToolSpecBytes(): number {
  return JSON.stringify(
    GOAL_TOOL_SPECS.map((spec) => ({
      type: "function",
      function: { name: spec.name, description: spec.description, parameters: spec.parameters },
    })),
  ).length;
}
