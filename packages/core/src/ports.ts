import type { Goal, GoalStatus, WebhookEvent } from "./goal.js";
import type { QueuedGoal } from "./goal-queue.js";
import type { GoalChange, GoalHistoryEntry } from "./history.js";
import type { DaySpend } from "./spend-ceilings.js";

/** Time enters the engine only through this port (epoch milliseconds), so tests drive a fake clock. */
export interface Clock {
  now(): number;
}

/** Unique ids for goals (and anything else the engine names). */
export interface IdSource {
  next(prefix: string): string;
}

/**
 * What a store decides inside one atomic update: optionally a change to commit, and a value for the caller.
 * `change.goal === null` deletes the session's goal; a goal whose id differs from the current one replaces it.
 */
export type StoreUpdate<T> = { change?: GoalChange; result: T };

/**
 * A model step's tokens, recorded before its request leaves: the estimated input, then the output streamed so
 * far. The step's charge (same key) settles it; one left behind means the process died mid-step, and it is
 * charged as it stands when the runtime starts again.
 */
export type StepReservation = {
  key: string;
  goalID: string;
  sessionID: string;
  inputTokens: number;
  outputTokens: number;
  time: number;
};

/**
 * Persistence of goals and their append-only history. Implemented by @pursuit/store (SQLite, later Postgres)
 * and by `createMemoryGoalStore` for tests.
 */
export interface GoalStore {
  get(sessionID: string): Promise<Goal | undefined>;
  list(filter?: { status?: GoalStatus }): Promise<Goal[]>;
  /** Every history row of the session, oldest first, across all its goals (cleared ones included). */
  history(sessionID: string): Promise<GoalHistoryEntry[]>;
  /**
   * Reads the session's goal, asks `decide` what to do, and commits the change (goal row plus history rows)
   * in one transaction. `decide` must be pure: when another writer wins a race it is called again with the
   * fresh goal, so no charge is ever lost or applied twice. `charged(key)` tells whether a `charged` history
   * row with that key already exists for the current goal, which makes charges idempotent.
   */
  update<T>(
    sessionID: string,
    decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
  ): Promise<T>;
  /** Records a step about to be sent. A charged history row written by `update` deletes the reservation of its key. */
  reserve(reservation: StepReservation): Promise<void>;
  /** The output a reserved step has streamed so far. */
  checkpoint(key: string, outputTokens: number): Promise<void>;
  /** Reservations no charge settled, oldest first. */
  reservations(): Promise<StepReservation[]>;
  /** Drops a reservation that can no longer be charged (its goal is gone). */
  release(key: string): Promise<void>;
}

/** Goal events, shaped like OpenCode's bus events so its users feel at home. */
export type GoalEvent =
  | { type: "session.goal.updated"; properties: { sessionID: string; goal: Goal } }
  | { type: "session.goal.cleared"; properties: { sessionID: string } }
  | { type: "session.goal.continued"; properties: { sessionID: string; goal: Goal } };

export interface GoalEventSink {
  emit(event: GoalEvent): void;
}

/**
 * A turn's abort signal as the engine passes it on (a DOM/Node `AbortSignal` fits; the core names only what
 * it needs, having no platform types).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/**
 * Runs a goal's verify command in the session's directory, with a timeout; `output` is the tail to show.
 * The signal is the turn's: when it aborts, the command is killed and the run reports `aborted`.
 */
export interface VerifyRunner {
  run(
    sessionID: string,
    command: string,
    signal?: AbortSignalLike,
  ): Promise<{ passed: boolean; exitCode: number | null; output: string; aborted?: boolean }>;
}

/**
 * What the host knows of its models' prices. A dollar limit is refused for a session whose model has no known
 * price: it could never be enforced.
 */
export interface PricingPort {
  /** Undefined when the session's model is priced; else why not, naming the model and how to give its prices. */
  unpriced(sessionID: string): Promise<string | undefined>;
}

/**
 * One webhook POST, persisted before its first attempt so retries survive a restart. Its body and headers
 * (signature included) are fixed when it is made: every attempt sends the same bytes under the same id.
 */
export type WebhookDelivery = {
  id: string;
  sessionID: string;
  goalID: string;
  event: WebhookEvent;
  url: string;
  body: string;
  headers: Record<string, string>;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (epoch ms). */
  nextAt: number;
  createdAt: number;
  state: "pending" | "delivered" | "failed";
  lastError?: string;
};

/** Where webhook deliveries wait for their next attempt. Implemented by @pursuit/store. */
export interface WebhookDeliveryStore {
  add(delivery: WebhookDelivery): Promise<void>;
  /** Deliveries still to make, soonest first. */
  pending(): Promise<WebhookDelivery[]>;
  /**
   * Takes a due delivery for one attempt: true when it was pending and due at `now` (its next attempt moves to
   * `until`, so no other process sharing the database makes it meanwhile), false when another process took it.
   */
  claim(id: string, now: number, until: number): Promise<boolean>;
  /** After an attempt: the count, when the next is due, and whether it is done. */
  attempted(
    id: string,
    outcome: Pick<WebhookDelivery, "attempts" | "nextAt" | "state"> & { lastError?: string },
  ): Promise<void>;
}

/**
 * Spend across all goals, per UTC day, for the spend ceilings. The store adds each charge to its day in the
 * charge's own transaction, so the totals never lag the goals.
 */
export interface SpendStore {
  /** Days from `fromDay` (a UTC midnight) on, oldest first; days with no charge are absent. */
  spendByDay(fromDay: number): Promise<DaySpend[]>;
}

/** Sessions' queues of next goals. Implemented by @pursuit/store. */
export interface GoalQueueStore {
  /** The session's queue, next first. */
  list(sessionID: string): Promise<QueuedGoal[]>;
  /** Reads the queue, asks `decide`, and writes the queue it returns (if any) in one transaction. */
  update<T>(sessionID: string, decide: (queue: QueuedGoal[]) => { queue?: QueuedGoal[]; result: T }): Promise<T>;
}
