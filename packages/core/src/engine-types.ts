import type { StepUsage } from "./accounting.js";
import type { CeilingGuard } from "./ceiling-guard.js";
import type { ContextMessage } from "./context.js";
import { type ContinuationPolicy, DEFAULT_CONTINUATION_POLICY } from "./continuation.js";
import type { Goal, GoalLimits } from "./goal.js";
import { GOAL_SETTING_NAMES, type GoalSettingName, type GoalSettingsPatch } from "./goal-settings.js";
import { DEFAULT_WAIT_POLICY, type WaitPolicy } from "./goal-wait.js";
import type { GoalChange } from "./history.js";
import type { Clock, GoalEventSink, GoalStore, IdSource, PricingPort, VerifyRunner } from "./ports.js";
import type { GoalCommand } from "./transition.js";
import type { LimitsPatch } from "./validation.js";

export type GoalPolicy = ContinuationPolicy &
  WaitPolicy & {
    /** Output cap of the single wrap-up step allowed after a limit is crossed mid-turn; 0 disables it. */
    wrapUpMaxOutputTokens: number;
    /** How many recent turns' tool results count as already seen when judging progress. */
    progressWindowTurns: number;
  };

export const DEFAULT_GOAL_POLICY: GoalPolicy = {
  ...DEFAULT_CONTINUATION_POLICY,
  ...DEFAULT_WAIT_POLICY,
  wrapUpMaxOutputTokens: 256,
  progressWindowTurns: 3,
};

export type GoalEngineOptions = {
  store: GoalStore;
  clock: Clock;
  ids: IdSource;
  events?: GoalEventSink;
  /**
   * Told of every committed change with history, after the commit (webhook deliveries listen here). It must not
   * block: whatever it does with the change happens later, off the goal loop.
   */
  onCommitted?: (sessionID: string, change: GoalChange) => void;
  verify?: VerifyRunner;
  /** Runs a waiting goal's check command (no model call); without it, check waits wake only at their bound. */
  waitChecks?: VerifyRunner;
  /** Why the host refuses to run a command (its permission rules), or undefined when it may run. */
  commandDenied?: (sessionID: string, command: string) => string | undefined | Promise<string | undefined>;
  policy?: Partial<GoalPolicy>;
  /** Limits applied to new goals that name none (from configuration). */
  defaultLimits?: GoalLimits;
  /** Without it every model counts as priced. */
  pricing?: PricingPort;
  /** The spend ceilings across all goals (from configuration): a step that would pass one does not start. */
  ceilings?: CeilingGuard;
};

/** A new goal as a caller gives it, unchecked: the transition validates every field. */
export type GoalInput = { objective: string; limits?: unknown; criteria?: unknown } & {
  [K in GoalSettingName]?: unknown;
};

/** A user's change to a goal; fields are applied together or not at all (edits first, then status). */
export type GoalPatch = GoalSettingsPatch & {
  objective?: string;
  /** `active` resumes (and wakes a waiting goal). */
  status?: "active" | "paused" | "blocked" | "complete";
  limits?: LimitsPatch;
  /** The whole new list of acceptance criteria; null removes them all. */
  criteria?: unknown;
  reason?: string;
  evidence?: string;
};

/** A goal change and the context messages the host must append to the conversation. */
export type GoalOutcome = { goal: Goal; append: ContextMessage[] };

/** Whether and how the next model step may run. */
export type StepAllowance =
  | { kind: "run"; maxOutputTokens?: number }
  | { kind: "wrap_up"; maxOutputTokens: number; append: ContextMessage[] }
  | { kind: "stop"; reason: string };

/** A finished step as the provider reported it. */
export type StepReport = {
  usage: StepUsage;
  /** Dollars the host already knows for this step (OpenCode prices steps itself); wins over the step's prices. */
  costUSD?: number;
};

/** A charge committed, and the goal context it calls for: the budget notice when it crossed a limit. */
export type Charged = { goal?: Goal; append: ContextMessage[] };

export type TurnEnd = {
  outcome: "completed" | "error" | "aborted";
  error?: string;
  retryAfterMs?: number;
  /**
   * The provider said a usage quota is exhausted until this time (epoch ms): the goal waits for it instead of
   * counting a failed turn.
   */
  quotaResetAt?: number;
  /** The turn found the goal cannot go on (e.g. a history that cannot be compacted): it is blocked with this reason. */
  blocked?: string;
};

/** The commands a patch stands for: edits first, then the status change, applied in one transaction. */
export function patchCommands(patch: GoalPatch): GoalCommand[] {
  const commands: GoalCommand[] = [];
  const settings = GOAL_SETTING_NAMES.filter((name) => patch[name] !== undefined);
  const edits = patch.objective !== undefined || patch.limits !== undefined || patch.criteria !== undefined;
  if (edits || settings.length > 0) {
    commands.push({
      type: "edit",
      ...(patch.objective !== undefined ? { objective: patch.objective } : {}),
      ...(patch.limits !== undefined ? { limits: patch.limits } : {}),
      ...(patch.criteria !== undefined ? { criteria: patch.criteria } : {}),
      ...Object.fromEntries(settings.map((name) => [name, patch[name]])),
    });
  }
  switch (patch.status) {
    case undefined:
      break;
    case "active":
      commands.push({ type: "resume" });
      break;
    case "paused":
      commands.push({ type: "pause", ...(patch.reason ? { reason: patch.reason } : {}) });
      break;
    case "blocked":
      commands.push({ type: "block", ...(patch.reason ? { reason: patch.reason } : {}) });
      break;
    case "complete":
      commands.push({ type: "complete", ...(patch.evidence ? { evidence: patch.evidence } : {}) });
      break;
  }
  return commands;
}
