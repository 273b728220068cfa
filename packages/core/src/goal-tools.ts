import { parseCount, parseDuration, parseTokens } from "./amounts.js";
import type { GoalLimits, LimitName } from "./goal.js";
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
      properties: {
        objective: { type: "string", description: "What must be true when the goal is done." },
        token_budget: { type: "integer", description: "Token limit, only if the user gave one." },
        turn_budget: { type: "integer", description: "Turn limit, only if the user gave one." },
        time_budget_seconds: { type: "number", description: "Time limit, only if the user gave one." },
      },
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
        status: { type: "string", enum: ["complete", "blocked", "waiting"] },
        criterion: { type: "integer" },
        evidence: { type: "string" },
        reason: { type: "string" },
        until: { type: "string" },
        check: { type: "string" },
      },
      additionalProperties: false,
    },
  },
];

/** A goal tool call the model made, after its arguments were checked. */
export type GoalToolCall =
  | { tool: "get_goal" }
  | { tool: "create_goal"; objective: string; limits: GoalLimits }
  | { tool: "update_goal"; status: "complete"; evidence: string }
  /** Closes one acceptance criterion (no status: the goal itself does not change). */
  | { tool: "update_goal"; status: "criterion"; criterion: number; evidence: string }
  | { tool: "update_goal"; status: "blocked"; reason: string }
  | { tool: "update_goal"; status: "waiting"; reason: string; until?: string; check?: string };

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
    case "get_goal": {
      const extra = unknownArguments(input, []);
      return extra ? invalid(`get_goal takes no arguments; got ${extra}`, extra) : ok({ tool: "get_goal" });
    }
    case "create_goal":
      return parseCreateGoal(input);
    case "update_goal":
      return parseUpdateGoal(input);
    default:
      return invalid(`unknown goal tool "${name}"`);
  }
}

/** The limits create_goal accepts, as the arguments name them (the names models trained elsewhere use). */
const BUDGET_ARGUMENTS = { token_budget: "tokens", turn_budget: "turns", time_budget_seconds: "seconds" } as const;
type BudgetArgument = keyof typeof BUDGET_ARGUMENTS;

function parseCreateGoal(input: Record<string, unknown>): Result<GoalToolCall, GoalRefusal> {
  const extra = unknownArguments(input, ["objective", ...(Object.keys(BUDGET_ARGUMENTS) as BudgetArgument[])]);
  if (extra) {
    return invalid(
      `create_goal does not know the argument ${extra}; it takes objective, token_budget, turn_budget and time_budget_seconds`,
      extra,
    );
  }
  if (typeof input.objective !== "string") return invalid("create_goal needs an objective string", "objective");
  const limits: GoalLimits = {};
  for (const [argument, limit] of Object.entries(BUDGET_ARGUMENTS) as [BudgetArgument, LimitName][]) {
    const raw = input[argument];
    if (raw === undefined || raw === null) continue;
    const value = budgetValue(raw, limit);
    if (value === undefined || !(value > 0) || (limit !== "seconds" && !Number.isInteger(value))) {
      const kind = limit === "seconds" ? "a positive number of seconds" : "a positive whole number";
      return invalid(`${argument} must be ${kind}; got ${JSON.stringify(raw)}`, argument);
    }
    limits[limit] = value;
  }
  return ok({ tool: "create_goal", objective: input.objective, limits });
}

/** A number, or text in the CLI's amount syntax ("20000", "20k", "30m"): models write budgets both ways. */
function budgetValue(raw: unknown, limit: LimitName): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== "string") return undefined;
  const parsed = limit === "seconds" ? parseDuration(raw) : limit === "turns" ? parseCount(raw) : parseTokens(raw);
  return parsed.ok ? parsed.value : undefined;
}

/** The first argument that is not among `known`, or undefined: nothing a model sends is dropped silently. */
function unknownArguments(input: Record<string, unknown>, known: readonly string[]): string | undefined {
  return Object.keys(input).find((key) => !known.includes(key));
}

function parseUpdateGoal(input: Record<string, unknown>): Result<GoalToolCall, GoalRefusal> {
  const extra = Object.keys(input).filter(
    (key) => !["status", "criterion", "evidence", "reason", "until", "check"].includes(key),
  );
  if (extra.length > 0) {
    return invalid(
      `update_goal cannot change ${extra.join(", ")}: only the user can edit, pause, resume, clear or raise limits`,
      extra[0],
    );
  }
  const text = (value: unknown): string => (typeof value === "string" ? value.trim() : "");
  if (input.criterion !== undefined && input.criterion !== null)
    return parseCloseCriterion(input, text(input.evidence));
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
    case "waiting": {
      const reason = text(input.reason);
      if (!reason) return invalid("waiting needs a reason: say what the goal waits for", "reason");
      for (const field of ["until", "check"] as const) {
        const value = input[field];
        if (value !== undefined && value !== null && typeof value !== "string")
          return invalid(`${field} must be a string; got ${JSON.stringify(value)}`, field);
      }
      const until = text(input.until);
      const check = text(input.check);
      if (!until && !check) {
        return invalid(
          'say what to wait for: until (an ISO time or an amount like "20m") or check (a shell command)',
          "until",
        );
      }
      return ok({
        tool: "update_goal",
        status: "waiting",
        reason,
        ...(until ? { until } : {}),
        ...(check ? { check } : {}),
      });
    }
    default:
      return invalid(
        `update_goal accepts only status "complete" (with evidence), "blocked" (with reason) or "waiting" (with reason and until or check); got ${JSON.stringify(input.status ?? null)} (only the user can pause, resume or clear a goal)`,
        "status",
      );
  }
}

/** update_goal {criterion: N, evidence}: a criterion is closed on its own, never together with a status. */
function parseCloseCriterion(input: Record<string, unknown>, evidence: string): Result<GoalToolCall, GoalRefusal> {
  const criterion = input.criterion;
  if (typeof criterion !== "number" || !Number.isInteger(criterion) || criterion < 1)
    return invalid(`criterion must be a criterion's number (1, 2, ...); got ${JSON.stringify(criterion)}`, "criterion");
  const other = ["status", "reason", "until", "check"].find((key) => input[key] !== undefined && input[key] !== null);
  if (other)
    return invalid(
      `update_goal closes a criterion on its own: send {criterion, evidence} without ${other}, then complete the goal in another call`,
      other,
    );
  if (!evidence) return invalid(`closing criterion ${criterion} needs evidence: say what shows it is met`, "evidence");
  return ok({ tool: "update_goal", status: "criterion", criterion, evidence });
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
