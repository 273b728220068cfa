/**
 * The goal and its JSON shape. Every package (store, host, HTTP API, SDK, plugin) uses this shape unchanged.
 * Times are epoch milliseconds; usage.seconds is busy time (while a goal turn runs), never idle or downtime.
 */

export const GOAL_STATUSES = ["active", "waiting", "paused", "blocked", "budget_limited", "complete"] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

/** The four limits a goal can carry; `Goal.limit` names the one that stopped it. */
export const LIMIT_NAMES = ["tokens", "turns", "seconds", "costUSD"] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export type GoalLimits = { tokens?: number; turns?: number; seconds?: number; costUSD?: number };

/** Spend ceilings hold across all goals of a server, per UTC day and per UTC week (from Monday). */
export const SPEND_WINDOWS = ["daily", "weekly"] as const;
export type SpendWindow = (typeof SPEND_WINDOWS)[number];

/**
 * A spend ceiling a goal ran into: its window, its unit, the ceiling then (raising it above this lets the goal go
 * on), and when that window turns over (epoch ms).
 */
export type CeilingHit = { window: SpendWindow; unit: "tokens" | "costUSD"; allowed: number; resetsAt: number };

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

/** What a waiting goal waits for: a check command, a time, a usage quota's reset, a person's answer. */
export const WAIT_KINDS = ["check", "time", "quota", "person"] as const;
export type WaitKind = (typeof WAIT_KINDS)[number];

/**
 * What a waiting goal waits for: a check command the runtime re-runs (no model call), a time, a provider's
 * quota reset, or a person's answer. Every wait but a person's wakes by itself at `wakeAt` at the latest.
 */
export type GoalWait = {
  kind: WaitKind;
  /** Why, in the asker's words (or the runtime's). */
  reason: string;
  /** Who asked: the model (update_goal) or the runtime (polling seen, quota exhausted, a question to a person). */
  by: "model" | "runtime";
  since: number;
  /** The time the asker named (`until`, or the quota's reset), when one was named. */
  until?: number;
  /** When the goal wakes by itself: `until`, or the wait's bound. Absent only while waiting on a person. */
  wakeAt?: number;
  check?: WaitCheck;
};

/** A check command the runtime runs while the goal waits: it wakes the goal when it exits 0 or its output changes. */
export type WaitCheck = {
  command: string;
  /** When it runs next. */
  nextAt: number;
  /** The delay before the run after next (backoff: it doubles up to the policy's maximum). */
  intervalMs: number;
  /** Runs so far. */
  runs: number;
  /** What the last run printed (its tail), the baseline a change is measured against; absent before the first run. */
  output?: string;
  exitCode?: number | null;
};

export type Goal = {
  id: string;
  sessionID: string;
  objective: string;
  status: GoalStatus;
  /** Why the goal is paused or blocked (or what the user said), when known. */
  reason?: string;
  /** What a waiting goal waits for and when it wakes; present exactly while the status is `waiting`. */
  wait?: GoalWait;
  /**
   * Waits in a row that ended at their bound with nothing changed (absent when none): the second one pauses the
   * goal instead of waking it.
   */
  quietWakes?: number;
  /** The limit that stopped the goal, while it is budget_limited. */
  limit?: LimitName;
  /** The spend ceiling across goals that stopped it, while it is budget_limited by one: it resumes at `resetsAt`. */
  ceiling?: CeilingHit;
  limits: GoalLimits;
  usage: GoalUsage;
  /** What the completer offered as proof. */
  evidence?: string;
  /** What "done" means, piece by piece: the model closes each with evidence before it may complete the goal. */
  criteria?: Criterion[];
  createdBy: "user" | "model";
  time: { created: number; updated: number; completed?: number };
} & GoalSettings;

/**
 * What a webhook can be told. The first five are the outcomes a person wants to hear about (the default); a wait
 * and a wake are opt-in, for those who follow every step.
 */
export const WEBHOOK_EVENTS = [
  "goal.complete",
  "goal.budget_limited",
  "goal.blocked",
  "goal.paused",
  "goal.needs_input",
  "goal.waiting",
  "goal.woke",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const DEFAULT_WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  "goal.complete",
  "goal.budget_limited",
  "goal.blocked",
  "goal.paused",
  "goal.needs_input",
];

/** `json`: Pursuit's own body (ntfy takes it as it is); `slack`: Slack's incoming-webhook `{text}`. */
export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/**
 * Where a goal's outcomes are POSTed. A `secret` (configuration only: a goal's own webhooks are readable through
 * the API, so they carry none) signs each body with HMAC-SHA256.
 */
export type WebhookTarget = { url: string; secret?: string; events?: WebhookEvent[]; format?: WebhookFormat };

/** A goal's own webhook, set through the API or the command line: no secret. */
export type GoalWebhook = Omit<WebhookTarget, "secret">;

/**
 * What a person may set on a goal beside its objective and limits. Each setting is optional: absent means the
 * runtime's configured default, and an edit removes one with null.
 */
export type GoalSettings = {
  /** A shell command that must pass before the model may complete the goal. */
  verify?: string;
  /** The longest this goal's waits last (seconds), instead of the configured default. */
  maxWaitSeconds?: number;
  /**
   * false: when the provider's usage quota runs out, the goal is blocked instead of waiting for the reset
   * (absent: the configured default, which waits).
   */
  waitForQuota?: boolean;
  /** Where this goal's outcomes are POSTed, besides the configured webhooks. */
  webhooks?: GoalWebhook[];
};

/** An acceptance criterion as a person writes it: a sentence, and optionally a command that checks it. */
export type CriterionInput = { text: string; check?: string };

/** A criterion of a goal, numbered from 1; `closed` once the model showed it met (and its check passed). */
export type Criterion = { id: number; text: string; check?: string; closed?: CriterionClosure };

export type CriterionClosure = {
  at: number;
  /** What the model offered as proof. */
  evidence: string;
  /** The tail of what the criterion's check printed when it passed. */
  checkOutput?: string;
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

/** A goal the runtime works for or watches over: it continues (active) or wakes by itself (waiting). */
export const isLive = (goal: Goal): boolean => goal.status === "active" || goal.status === "waiting";

/** A goal that may still do work: anything but complete. Only one unfinished goal may exist per session. */
export const isUnfinished = (goal: Goal): boolean => goal.status !== "complete";
