import { addCharge } from "./accounting.js";
import { type CeilingCommand, ceilingLifted, ceilingReached } from "./ceiling-transitions.js";
import {
  type CloseCriterionCommand,
  closeCriterion,
  editCriteria,
  initialCriteria,
  openCriteriaRefusal,
} from "./criterion-transitions.js";
import { type Actor, emptyUsage, type Goal, isUnfinished, type LimitName } from "./goal.js";
import {
  entry,
  type GoalRefusal,
  isRunning,
  type RefusalCode,
  refuse,
  type TransitionResult,
  unchanged,
  withStatus,
} from "./goal-change.js";
import {
  applySettingsPatch,
  type GoalSettingName,
  type GoalSettingsPatch,
  settingsOf,
  validateSettings,
  withoutSettings,
} from "./goal-settings.js";
import type { Charge, GoalChange, GoalHistoryEvent } from "./history.js";
import { reachedLimit, usedOf } from "./limits.js";
import { assertNever, ok } from "./result.js";
import {
  applyLimitsPatch,
  type LimitsPatch,
  validateLimits,
  validateLimitsPatch,
  validateObjective,
} from "./validation.js";
import { checked, type WaitCommand, wait, wake } from "./wait-transitions.js";

export type { GoalRefusal, RefusalCode, TransitionResult };

/** Everything anyone can ask of a goal. Which actor may ask what is decided by `transition` alone. */
export type GoalCommand =
  | ({ type: "create"; id: string; sessionID: string; objective: string; limits?: unknown; criteria?: unknown } & {
      [K in GoalSettingName]?: unknown;
    })
  /** `criteria`: the whole new list (null removes them all); unchanged entries keep their closure. */
  | ({ type: "edit"; objective?: string; limits?: LimitsPatch; criteria?: unknown } & GoalSettingsPatch)
  | { type: "pause"; reason?: string }
  | { type: "resume" }
  | { type: "complete"; evidence?: string; verification?: { passed: boolean; output: string } }
  | { type: "block"; reason?: string }
  | { type: "clear" }
  | { type: "charge"; key: string; charge: Charge; estimated?: true }
  | { type: "limit"; limit: LimitName }
  | { type: "continue"; turn: number }
  | { type: "verified"; command: string; passed: boolean; exitCode: number | null; output: string; criterion?: number }
  | CloseCriterionCommand
  | CeilingCommand
  | ({ type: "webhook_attempted"; goalID: string } & Omit<
      Extract<GoalHistoryEvent, { kind: "webhook_attempted" }>,
      "kind"
    >)
  | WaitCommand;

const onlyUser = (action: string) => refuse("forbidden", `only the user can ${action} a goal`);
const noGoal = () => refuse("not_found", "this session has no goal");

/**
 * The goal transition table of DESIGN.md as one exhaustive function. Pure: the caller supplies the current
 * goal, the actor and the time; it gets back the goal afterwards with its history rows, or a refusal.
 * An unchanged result (same goal, no history) means "nothing to do", e.g. pausing a paused goal.
 */
export function transition(
  current: Goal | undefined,
  command: GoalCommand,
  actor: Actor,
  now: number,
): TransitionResult {
  switch (command.type) {
    case "create":
      return create(current, command, actor, now);
    case "edit":
      if (actor !== "user") return onlyUser("edit");
      if (!current) return noGoal();
      return edit(current, command, now);
    case "pause":
      if (actor === "model") return onlyUser("pause");
      if (!current) return noGoal();
      return pause(current, command.reason, actor, now);
    case "resume":
      if (actor !== "user") return onlyUser("resume");
      if (!current) return noGoal();
      return resume(current, now);
    case "complete":
      if (actor === "runtime") return refuse("forbidden", "the runtime never completes a goal");
      if (!current) return noGoal();
      return complete(current, command, actor, now);
    case "block":
      if (!current) return noGoal();
      return block(current, command.reason, actor, now);
    case "clear":
      if (actor !== "user") return onlyUser("clear");
      if (!current) return noGoal();
      return ok({ goal: null, history: [entry(current, actor, now, { kind: "cleared" })] });
    case "charge":
      if (actor !== "runtime") return refuse("forbidden", "only the runtime charges usage");
      if (!current) return noGoal();
      return charge(current, command.key, command.charge, now, command.estimated);
    case "limit":
      if (actor !== "runtime") return refuse("forbidden", "only the runtime applies limits");
      if (!current) return noGoal();
      if (!isRunning(current)) return unchanged(current);
      return ok(withStatus(current, "budget_limited", actor, now, { limit: command.limit }));
    case "ceiling":
      if (actor !== "runtime") return refuse("forbidden", "only the runtime applies the spend ceilings");
      if (!current) return noGoal();
      return ceilingReached(current, command.hit, now);
    case "ceiling_lifted":
      if (actor !== "runtime") return refuse("forbidden", "a person resumes a goal or raises the ceiling");
      if (!current) return noGoal();
      return ceilingLifted(current, command.reason, now);
    case "verified": {
      if (actor !== "runtime") return refuse("forbidden", "only the runtime records a verify run");
      if (!current) return noGoal();
      const { type: _type, ...run } = command;
      return ok({ goal: current, history: [entry(current, actor, now, { kind: "verified", ...run })] });
    }
    case "webhook_attempted": {
      if (actor !== "runtime") return refuse("forbidden", "only the runtime delivers webhooks");
      // An attempt for a goal that was cleared or replaced since has no goal of its own to be recorded on.
      if (!current || current.id !== command.goalID) return current ? unchanged(current) : noGoal();
      const { type: _type, goalID: _goal, ...attempt } = command;
      return ok({ goal: current, history: [entry(current, actor, now, { kind: "webhook_attempted", ...attempt })] });
    }
    case "close_criterion":
      if (!current) return noGoal();
      return closeCriterion(current, command, actor, now);
    case "wait":
      if (actor === "user")
        return refuse("forbidden", "a person pauses a goal; only the model or the runtime makes it wait");
      if (!current) return noGoal();
      return wait(current, command, actor, now);
    case "checked":
      if (actor !== "runtime") return refuse("forbidden", "only the runtime runs a wait's check");
      if (!current) return noGoal();
      return checked(current, command, now);
    case "wake":
      if (actor !== "runtime") return refuse("forbidden", "a person wakes a goal by resuming it");
      if (!current) return noGoal();
      return wake(current, command.answered === true, now);
    case "continue":
      if (actor !== "runtime") return refuse("forbidden", "only the runtime continues a goal");
      if (!current) return noGoal();
      if (current.status !== "active") return refuse("conflict", `the goal is ${current.status}, not active`);
      return ok({
        goal: continued(current),
        history: [entry(current, actor, now, { kind: "continued", turn: command.turn })],
      });
    default:
      return assertNever(command, "goal command");
  }
}

function create(
  current: Goal | undefined,
  command: Extract<GoalCommand, { type: "create" }>,
  actor: Actor,
  now: number,
): TransitionResult {
  if (actor === "runtime") return refuse("forbidden", "the runtime never creates a goal");
  if (current && isUnfinished(current)) {
    const who = actor === "model" ? "only the user can replace or clear it" : "complete or clear it first";
    return refuse("conflict", `this session already has an unfinished goal (${current.status}); ${who}`);
  }
  const objective = validateObjective(command.objective);
  if (!objective.ok) return refuse("invalid", objective.error.message, objective.error.field);
  const limits = validateLimits(command.limits);
  if (!limits.ok) return refuse("invalid", limits.error.message, limits.error.field);
  const settings = validateSettings(command);
  if (!settings.ok) return refuse("invalid", settings.error.message, settings.error.field);
  const criteria = initialCriteria(command.criteria);
  if (!criteria.ok) return refuse("invalid", criteria.error.message, criteria.error.field);
  const goal: Goal = {
    id: command.id,
    sessionID: command.sessionID,
    objective: objective.value,
    status: "active",
    limits: limits.value,
    usage: emptyUsage(),
    ...settings.value,
    ...(criteria.value ? { criteria: criteria.value } : {}),
    createdBy: actor,
    time: { created: now, updated: now },
  };
  const created: GoalHistoryEvent = {
    kind: "created",
    objective: goal.objective,
    limits: goal.limits,
    ...settings.value,
    ...(criteria.value
      ? { criteria: criteria.value.map(({ text, check }) => (check ? { text, check } : { text })) }
      : {}),
  };
  return ok({ goal, history: [entry(goal, actor, now, created)] });
}

function edit(current: Goal, command: Extract<GoalCommand, { type: "edit" }>, now: number): TransitionResult {
  if (current.status === "complete") return refuse("conflict", "the goal is complete; set a new goal instead");
  let goal: Goal = { ...current };
  const changed: Extract<GoalHistoryEvent, { kind: "edited" }> = { kind: "edited" };
  if (command.objective !== undefined) {
    const objective = validateObjective(command.objective);
    if (!objective.ok) return refuse("invalid", objective.error.message, objective.error.field);
    if (objective.value !== goal.objective) goal.objective = changed.objective = objective.value;
  }
  if (command.limits !== undefined) {
    const patch = validateLimitsPatch(command.limits);
    if (!patch.ok) return refuse("invalid", patch.error.message, patch.error.field);
    goal.limits = changed.limits = applyLimitsPatch(goal.limits, patch.value);
  }
  const settings = applySettingsPatch(settingsOf(goal), command);
  if (!settings.ok) return refuse("invalid", settings.error.message, settings.error.field);
  goal = { ...withoutSettings(goal), ...settings.value.settings };
  Object.assign(changed, settings.value.changed);
  const criteria = editCriteria(current, command.criteria);
  if (!criteria.ok) return refuse("invalid", criteria.error.message, criteria.error.field);
  if (criteria.value.changed) {
    const { criteria: _old, ...rest } = goal;
    goal = criteria.value.criteria ? { ...rest, criteria: criteria.value.criteria } : rest;
    Object.assign(changed, criteria.value.changed);
  }
  if (Object.keys(changed).length === 1) return unchanged(current);
  goal.time = { ...goal.time, updated: now };
  const history = [entry(goal, "user", now, changed)];
  const reconciled = reconcileLimits(goal, "user", now);
  return ok({ goal: reconciled.goal, history: [...history, ...reconciled.history] });
}

/**
 * After limits change: an active goal over a limit becomes budget_limited; a budget_limited one under all limits
 * resumes, unless a spend ceiling holds it (that one goes on when its window turns over).
 */
function reconcileLimits(goal: Goal, actor: Actor, now: number): GoalChange & { goal: Goal } {
  const limit = reachedLimit(goal.limits, goal.usage);
  if (isRunning(goal) && limit) return withStatus(goal, "budget_limited", actor, now, { limit });
  if (goal.status === "budget_limited" && goal.ceiling) {
    return limit ? withStatus(goal, "budget_limited", actor, now, { limit }) : { goal, history: [] };
  }
  if (goal.status === "budget_limited" && !limit) {
    return withStatus(goal, "active", actor, now, { reason: "limit raised" });
  }
  if (goal.status === "budget_limited" && limit && limit !== goal.limit) {
    return withStatus(goal, "budget_limited", actor, now, { limit });
  }
  return { goal, history: [] };
}

function pause(current: Goal, reason: string | undefined, actor: Actor, now: number): TransitionResult {
  switch (current.status) {
    case "paused":
      return unchanged(current);
    case "complete":
      return refuse("conflict", "the goal is complete; there is nothing to pause");
    case "blocked":
    case "budget_limited":
      // The runtime only pauses work in progress; a person may park any unfinished goal.
      if (actor === "runtime") return unchanged(current);
      return ok(withStatus(current, "paused", actor, now, { reason }));
    case "active":
    case "waiting":
      return ok(withStatus(current, "paused", actor, now, { reason }));
    default:
      return assertNever(current.status, "goal status");
  }
}

function resume(resumed: Goal, now: number): TransitionResult {
  // A person's resume starts the count of quiet waits over.
  const { quietWakes: _quiet, ...current } = resumed;
  switch (current.status) {
    case "active":
      return unchanged(resumed);
    case "waiting":
      return ok(withStatus(current, "active", "user", now, { reason: "woken by the user" }));
    case "complete":
      return refuse("conflict", "the goal is complete; set a new goal instead");
    case "budget_limited": {
      // Raising or removing the limit resumes it (see reconcileLimits). A goal the runtime stopped before a step
      // that would not fit has usage just under its limit: resumed as it is, it could only stop again.
      const limit = reachedLimit(current.limits, current.usage) ?? current.limit;
      const limitValue = limit === undefined ? undefined : current.limits[limit];
      if (!limit || limitValue === undefined) return ok(withStatus(current, "active", "user", now, {}));
      const used = usedOf(limit, current.usage);
      const why = used >= limitValue ? "is reached" : "leaves too little for another step";
      return refuse(
        "conflict",
        `the ${limit} limit ${why} (${formatAmount(used)} of ${formatAmount(limitValue)}); raise or remove it to resume`,
        `limits.${limit}`,
      );
    }
    case "paused":
    case "blocked": {
      const limit = reachedLimit(current.limits, current.usage);
      if (limit) return ok(withStatus(current, "budget_limited", "user", now, { limit }));
      return ok(withStatus(current, "active", "user", now, {}));
    }
    default:
      return assertNever(current.status, "goal status");
  }
}

function complete(
  current: Goal,
  command: Extract<GoalCommand, { type: "complete" }>,
  actor: Actor,
  now: number,
): TransitionResult {
  if (current.status === "complete") return unchanged(current);
  const evidence = command.evidence?.trim();
  if (actor === "model") {
    if (current.status !== "active") {
      return refuse("forbidden", `the goal is ${current.status}; only the user can change it now`);
    }
    if (!evidence) {
      return refuse("invalid", "completing needs evidence: say what shows the objective is met", "evidence");
    }
    const criteriaOpen = openCriteriaRefusal(current);
    if (criteriaOpen) return criteriaOpen;
    if (current.verify !== undefined) {
      if (!command.verification) {
        return refuse("verify_failed", `the verify command \`${current.verify}\` must pass before completing`);
      }
      if (!command.verification.passed) {
        return refuse(
          "verify_failed",
          `the verify command \`${current.verify}\` failed, so the goal is not complete. Its output ends with:\n${command.verification.output}`,
        );
      }
    }
  }
  const completed = withStatus(current, "complete", actor, now, {});
  const goal: Goal = { ...completed.goal, time: { ...completed.goal.time, completed: now } };
  if (evidence) goal.evidence = evidence;
  return ok({ goal, history: completed.history });
}

function block(current: Goal, reason: string | undefined, actor: Actor, now: number): TransitionResult {
  const why = reason?.trim();
  if (actor === "model") {
    if (current.status !== "active") {
      return refuse("forbidden", `the goal is ${current.status}; only the user can change it now`);
    }
    if (!why) return refuse("invalid", "blocking needs a reason: say what stops the work", "reason");
  }
  switch (current.status) {
    case "blocked":
      return unchanged(current);
    case "complete":
      return refuse("conflict", "the goal is complete; there is nothing to block");
    case "paused":
    case "budget_limited":
    case "waiting":
      if (actor === "runtime") return unchanged(current);
      return ok(withStatus(current, "blocked", actor, now, { reason: why }));
    case "active":
      return ok(withStatus(current, "blocked", actor, now, { reason: why }));
    default:
      return assertNever(current.status, "goal status");
  }
}

/** A charge accumulates whatever the status; it flips only a live goal (active or waiting), at the limit it crosses. */
function charge(current: Goal, key: string, amount: Charge, now: number, estimated?: true): TransitionResult {
  const goal: Goal = { ...current, usage: addCharge(current.usage, amount), time: { ...current.time, updated: now } };
  const event = { kind: "charged" as const, key, charge: amount, ...(estimated ? { estimated } : {}) };
  const history = [entry(goal, "runtime", now, event)];
  const limit = isRunning(goal) ? reachedLimit(goal.limits, goal.usage) : undefined;
  if (!limit) return ok({ goal, history });
  const limited = withStatus(goal, "budget_limited", "runtime", now, { limit });
  return ok({ goal: limited.goal, history: [...history, ...limited.history] });
}

/** An active goal's reason (why it woke, or that a limit was raised) is told in the next continuation, once. */
function continued(goal: Goal): Goal {
  const { reason: _told, ...rest } = goal;
  return rest;
}

/** Numbers in messages: whole numbers as is, others with two decimals. */
export function formatAmount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
