import type {
  Actor,
  CeilingHit,
  CriterionInput,
  Goal,
  GoalLimits,
  GoalSettings,
  GoalStatus,
  GoalUsage,
  GoalWait,
  LimitName,
  WebhookEvent,
} from "./goal.js";
import type { GoalSettingsPatch } from "./goal-settings.js";

/**
 * The append-only goal history. Rows are written in the same transaction as the goal change they describe,
 * and outlive the goal (clearing deletes the goal, never its history).
 */
export type GoalHistoryEvent =
  | ({ kind: "created"; objective: string; limits: GoalLimits; criteria?: CriterionInput[] } & GoalSettings)
  /** `wait`: what a goal that started waiting waits for. */
  /** `ceiling`: the spend ceiling across goals that stopped it. */
  | {
      kind: "status";
      from: GoalStatus;
      to: GoalStatus;
      reason?: string;
      limit?: LimitName;
      ceiling?: CeilingHit;
      wait?: GoalWait;
    }
  /** `criteria`: the list afterwards (null: all removed). */
  | ({
      kind: "edited";
      objective?: string;
      limits?: GoalLimits;
      criteria?: CriterionInput[] | null;
    } & GoalSettingsPatch)
  /** `estimated`: charged from a step's reservation after a crash, not from the provider's usage. */
  | { kind: "charged"; key: string; charge: Charge; estimated?: true }
  | { kind: "continued"; turn: number }
  /**
   * The goal's verify command ran (before the model's "complete" was accepted or refused), or with `criterion`
   * that criterion's check (before its closing was accepted or refused); `output` is its tail.
   */
  | { kind: "verified"; command: string; passed: boolean; exitCode: number | null; output: string; criterion?: number }
  /** The model closed an acceptance criterion with evidence (its check, if any, passed printing `checkOutput`). */
  | { kind: "criterion_closed"; criterion: number; text: string; evidence: string; checkOutput?: string }
  /** A waiting goal's check ran (no model call); `woke`: it passed or its output changed. `output` is its tail. */
  | { kind: "wait_checked"; command: string; exitCode: number | null; output: string; woke: boolean }
  /** A webhook delivery was tried: `delivered` on a 2xx answer; else the HTTP status or the error, and it is retried. */
  | {
      kind: "webhook_attempted";
      delivery: string;
      url: string;
      event: WebhookEvent;
      attempt: number;
      delivered: boolean;
      status?: number;
      error?: string;
    }
  | { kind: "cleared" };

export type GoalHistoryKind = GoalHistoryEvent["kind"];

export type GoalHistoryEntry = GoalHistoryEvent & {
  goalID: string;
  sessionID: string;
  actor: Actor;
  time: number;
};

/** What one charge adds to a goal's usage. `costUSD` is null when the step had no known prices. */
export type Charge = Omit<GoalUsage, "costUSD"> & { costUSD: number | null };

/** The result of a successful goal change: the goal afterwards (null once cleared) and its history rows. */
export type GoalChange = { goal: Goal | null; history: GoalHistoryEntry[] };
