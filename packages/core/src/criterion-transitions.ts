import type { Actor, Criterion, Goal } from "./goal.js";
import { entry, refuse, type TransitionResult, unchanged } from "./goal-change.js";
import { nameCriteria, numberCriteria, openCriteria, sameCriteria, validateCriteria } from "./goal-criteria.js";
import type { GoalHistoryEvent } from "./history.js";
import { ok, type Result } from "./result.js";
import type { InvalidInput } from "./validation.js";

/** The tail of a passing check's output kept with the closed criterion (the history's verify row has more). */
const CLOSURE_OUTPUT_CHARS = 500;

/** The model shows one acceptance criterion met; a criterion with a check closes only on the runtime's passing run. */
export type CloseCriterionCommand = {
  type: "close_criterion";
  criterion: number;
  evidence: string;
  /** The criterion's check, run by the runtime just before (required when the criterion has one). */
  check?: { passed: boolean; output: string };
};

/** The criteria a new goal starts with (none when absent or null). */
export function initialCriteria(value: unknown): Result<Criterion[] | undefined, InvalidInput> {
  if (value === undefined || value === null) return ok(undefined);
  const inputs = validateCriteria(value);
  if (!inputs.ok) return inputs;
  return ok(inputs.value.length === 0 ? undefined : numberCriteria(inputs.value));
}

/**
 * A person's new list for an edited goal (null or [] removes them all). Returns the goal's criteria afterwards and
 * the history's record of the change, or no record when the list says what it said before.
 */
export function editCriteria(
  current: Goal,
  value: unknown,
): Result<
  { criteria: Criterion[] | undefined; changed?: Pick<GoalHistoryEvent & { kind: "edited" }, "criteria"> },
  InvalidInput
> {
  const before = current.criteria ?? [];
  if (value === undefined) return ok({ criteria: current.criteria });
  const inputs = value === null ? ok([]) : validateCriteria(value);
  if (!inputs.ok) return inputs;
  if (sameCriteria(before, inputs.value)) return ok({ criteria: current.criteria });
  if (inputs.value.length === 0) return ok({ criteria: undefined, changed: { criteria: null } });
  return ok({ criteria: numberCriteria(inputs.value, before), changed: { criteria: inputs.value } });
}

export function closeCriterion(
  current: Goal,
  command: CloseCriterionCommand,
  actor: Actor,
  now: number,
): TransitionResult {
  if (actor !== "model") return refuse("forbidden", "only the model closes a criterion, with evidence");
  if (current.status !== "active")
    return refuse("forbidden", `the goal is ${current.status}; only the user can change it now`);
  const criteria = current.criteria ?? [];
  const criterion = criteria.find((one) => one.id === command.criterion);
  if (!criterion) {
    const ids = criteria.length === 0 ? "this goal has no criteria" : `its criteria are 1 to ${criteria.length}`;
    return refuse("invalid", `there is no criterion ${command.criterion}; ${ids}`, "criterion");
  }
  if (criterion.closed) return unchanged(current);
  const evidence = command.evidence.trim();
  if (!evidence)
    return refuse("invalid", `closing criterion ${criterion.id} needs evidence: say what shows it is met`, "evidence");
  if (criterion.check !== undefined) {
    if (!command.check)
      return refuse("verify_failed", `criterion ${criterion.id}'s check \`${criterion.check}\` must pass to close it`);
    if (!command.check.passed)
      return refuse(
        "verify_failed",
        `criterion ${criterion.id}'s check \`${criterion.check}\` failed, so it stays open. Its output ends with:\n${command.check.output}`,
      );
  }
  const checkOutput = command.check?.output.slice(-CLOSURE_OUTPUT_CHARS);
  const closed: Criterion = {
    ...criterion,
    closed: { at: now, evidence, ...(checkOutput !== undefined ? { checkOutput } : {}) },
  };
  const goal: Goal = {
    ...current,
    criteria: criteria.map((one) => (one.id === criterion.id ? closed : one)),
    time: { ...current.time, updated: now },
  };
  const event: GoalHistoryEvent = {
    kind: "criterion_closed",
    criterion: criterion.id,
    text: criterion.text,
    evidence,
    ...(checkOutput !== undefined ? { checkOutput } : {}),
  };
  return ok({ goal, history: [entry(goal, actor, now, event)] });
}

/** Why the model may not complete the goal yet, or undefined when every criterion is closed. */
export function openCriteriaRefusal(goal: Goal): TransitionResult | undefined {
  const open = openCriteria(goal);
  if (open.length === 0) return undefined;
  const which = open.length === 1 ? "criterion" : "criteria";
  return refuse(
    "conflict",
    `the goal is not complete while ${which} ${nameCriteria(open)} ${open.length === 1 ? "is" : "are"} open; close each with update_goal {criterion, evidence}`,
    "criteria",
  );
}
