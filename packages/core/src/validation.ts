import { type GoalLimits, LIMIT_NAMES, type LimitName } from "./goal.js";
import { err, ok, type Result } from "./result.js";

export const MAX_OBJECTIVE_LENGTH = 4000;
export const MAX_VERIFY_LENGTH = 2000;

/** A bad input, naming the field so a person or a model can fix it. */
export type InvalidInput = { code: "invalid"; field: string; message: string };

const invalid = (field: string, message: string): { ok: false; error: InvalidInput } =>
  err({ code: "invalid", field, message });

/** Trims the objective; it must be text of 1..4000 characters. */
export function validateObjective(value: unknown, field = "objective"): Result<string, InvalidInput> {
  if (typeof value !== "string") return invalid(field, `${field} must be a string`);
  const objective = value.trim();
  if (objective.length === 0) return invalid(field, `${field} must not be empty`);
  if (objective.length > MAX_OBJECTIVE_LENGTH) {
    return invalid(field, `${field} is ${objective.length} characters; the maximum is ${MAX_OBJECTIVE_LENGTH}`);
  }
  return ok(objective);
}

/** A verify command is a non-empty shell command line. */
export function validateVerify(value: unknown, field = "verify"): Result<string, InvalidInput> {
  if (typeof value !== "string") return invalid(field, `${field} must be a shell command string`);
  const command = value.trim();
  if (command.length === 0) return invalid(field, `${field} must not be empty`);
  if (command.length > MAX_VERIFY_LENGTH) {
    return invalid(field, `${field} is ${command.length} characters; the maximum is ${MAX_VERIFY_LENGTH}`);
  }
  return ok(command);
}

/** The longest a goal's waits may last: a positive number of seconds, at most a week. */
export function validateMaxWait(value: unknown, field = "maxWaitSeconds"): Result<number, InvalidInput> {
  if (typeof value !== "number" || !Number.isFinite(value))
    return invalid(field, `${field} must be a number of seconds`);
  if (value <= 0 || value > MAX_WAIT_SECONDS)
    return invalid(field, `${field} must be more than 0 and at most ${MAX_WAIT_SECONDS} (a week); got ${value}`);
  return ok(value);
}

export const MAX_WAIT_SECONDS = 7 * 24 * 3600;

function validateLimitValue(name: LimitName, value: unknown, field: string): Result<number, InvalidInput> {
  if (typeof value !== "number" || !Number.isFinite(value)) return invalid(field, `${field} must be a number`);
  if (value <= 0) return invalid(field, `${field} must be greater than 0 (got ${value})`);
  if (name !== "costUSD" && name !== "seconds" && !Number.isInteger(value)) {
    return invalid(field, `${field} must be a whole number (got ${value})`);
  }
  return ok(value);
}

/** Limits for a new goal: an object whose known keys are positive numbers. Unknown keys are refused. */
export function validateLimits(value: unknown, field = "limits"): Result<GoalLimits, InvalidInput> {
  if (value === undefined || value === null) return ok({});
  if (typeof value !== "object" || Array.isArray(value)) return invalid(field, `${field} must be an object`);
  const limits: GoalLimits = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!isLimitName(key)) return invalid(`${field}.${key}`, `unknown limit "${key}"; use ${LIMIT_NAMES.join(", ")}`);
    if (raw === undefined) continue;
    const checked = validateLimitValue(key, raw, `${field}.${key}`);
    if (!checked.ok) return checked;
    limits[key] = checked.value;
  }
  return ok(limits);
}

/** A limits patch: each key a positive number (set), null (remove) or absent (keep). */
export type LimitsPatch = { [K in LimitName]?: number | null };

export function validateLimitsPatch(value: unknown, field = "limits"): Result<LimitsPatch, InvalidInput> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return invalid(field, `${field} must be an object`);
  }
  const patch: LimitsPatch = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!isLimitName(key)) return invalid(`${field}.${key}`, `unknown limit "${key}"; use ${LIMIT_NAMES.join(", ")}`);
    if (raw === undefined) continue;
    if (raw === null) {
      patch[key] = null;
      continue;
    }
    const checked = validateLimitValue(key, raw, `${field}.${key}`);
    if (!checked.ok) return checked;
    patch[key] = checked.value;
  }
  return ok(patch);
}

export function applyLimitsPatch(limits: GoalLimits, patch: LimitsPatch): GoalLimits {
  const next: GoalLimits = { ...limits };
  for (const name of LIMIT_NAMES) {
    const value = patch[name];
    if (value === null) delete next[name];
    else if (value !== undefined) next[name] = value;
  }
  return next;
}

export const isLimitName = (key: string): key is LimitName => (LIMIT_NAMES as readonly string[]).includes(key);
