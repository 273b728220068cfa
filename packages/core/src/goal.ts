/**
 * The goal and its JSON shape. Every package (store, host, HTTP API, SDK, plugin) uses this shape unchanged.
 * Times are epoch milliseconds; usage.seconds is busy time (while a goal turn runs), never idle or downtime.
 */

export const GOAL_STATUSES = ["active", "paused", "blocked", "budget_limited", "complete"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** The four limits a goal can carry; `Goal.limit` names the one that stopped it. */
export const LIMIT_NAMES = ["tokens", "turns", "seconds", "costUSD"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type GoalLimits = { tokens?: number; turns?: number; seconds?: number; costUSD?: number };

/** Who asks for a change. The transition table decides what each may do. */
export type Actor = "user" | "model" | "runtime";

export type GoalUsage = {
  /** Charged tokens: non-cached input + cache-write input + output (reasoning included). */
  tokens: number;
  /** Non-cached input tokens. */
  input: number;
  /** Cache-read input tokens: recorded, never charged. */
  cacheRead: number;
  /** Cache-write input tokens: charged. */
  cacheWrite: number;
  /** Output tokens, reasoning included. */
  output: number;
  /** The reasoning part of `output`. */
  reasoning: number;
  /** Dollars, or null while no charged step had known prices. */
  costUSD: number | null;
  /** Goal turns charged. */
  turns: number;
  /** Busy seconds charged (fractional). */
  seconds: number;
};

export type Goal = {
  id: string;
  sessionID: string;
  objective: string;
  status: GoalStatus;
  /** Why the goal is paused or blocked (or what the user said), when known. */
  reason?: string;
  /** The limit that stopped the goal, while it is budget_limited. */
  limit?: LimitName;
  limits: GoalLimits;
  usage: GoalUsage;
  /** What the completer offered as proof. */
  evidence?: string;
  /** A shell command that must pass before the model may complete the goal. */
  verify?: string;
  createdBy: "user" | "model";
  time: { created: number; updated: number; completed?: number };
};

export const emptyUsage = (): GoalUsage => ({
  tokens: 0,
  input: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  costUSD: null,
  turns: 0,
  seconds: 0,
});

/** A goal that may still do work: anything but complete. Only one unfinished goal may exist per session. */
export const isUnfinished = (goal: Goal): boolean => goal.status !== "complete";
