import {
  type Clock,
  type GoalChange,
  type GoalEngine,
  type WebhookDelivery,
  type WebhookDeliveryStore,
  type WebhookTarget,
  wantsEvent,
  webhookOccurrences,
} from "@pursuit/core";
import { realTimers, type TimerHandle, type Timers } from "./timers.js";
import { webhookRequest } from "./webhook-request.js";

export type WebhookRetryPolicy = {
  /** The wait before the second attempt; it doubles after each failure... */
  firstRetryMs: number;
  /** ...up to this. */
  maxRetryMs: number;
  /** A delivery still failing this long after it was made is given up. */
  giveUpAfterMs: number;
  /** An attempt with no answer for this long counts as failed. */
  timeoutMs: number;
};

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  firstRetryMs: 2_000,
  maxRetryMs: 5 * 60_000,
  giveUpAfterMs: 60 * 60_000,
  timeoutMs: 10_000,
};

/** What an attempt came to, as the goal's history records it. */
export type WebhookAttempt = {
  delivery: WebhookDelivery;
  attempt: number;
  delivered: boolean;
  status?: number;
  error?: string;
};

export type WebhookDeliveriesOptions = {
  store: WebhookDeliveryStore;
  /** The configured webhooks (pursuit.json, the plugin's options); a goal's own are added to them. */
  targets: readonly WebhookTarget[];
  /** Writes an attempt into the goal's history (default: through the engine given to `recordAttemptsIn`). */
  record?: (attempt: WebhookAttempt) => Promise<void>;
  ids: () => string;
  clock?: Clock;
  timers?: Timers;
  retry?: Partial<WebhookRetryPolicy>;
  fetch?: typeof fetch;
  /** Told when a delivery fails for good or an attempt cannot be recorded (a log line; never thrown). */
  onError?: (message: string) => void;
};

/**
 * Webhooks on goal outcomes. `onCommitted` (the engine's hook) turns a committed change into deliveries, one per
 * target that wants its event; each is stored before its first attempt, then POSTed off the goal loop, retried
 * with backoff on failure (no answer, or not 2xx) for up to an hour, and picked up again after a restart by
 * `start`. Every attempt lands in the goal's history.
 */
/** Past an attempt's timeout, before a claimed delivery is due again for another process. */
const CLAIM_SLACK_MS = 5_000;

export class WebhookDeliveries {
  private readonly policy: WebhookRetryPolicy;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly pending = new Map<string, WebhookDelivery>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly adding = new Set<Promise<void>>();
  private timer: { handle: TimerHandle; at: number } | undefined;
  private closed = false;
  /** `flush` callers, woken after each attempt. */
  private flushWaiters: (() => void)[] = [];
  private webAppURL: string | undefined;
  private record: (attempt: WebhookAttempt) => Promise<void>;

  constructor(private readonly options: WebhookDeliveriesOptions) {
    this.policy = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
    this.clock = options.clock ?? { now: () => Date.now() };
    this.timers = options.timers ?? realTimers;
    this.record = options.record ?? (async () => {});
  }

  /**
   * Each attempt becomes a `webhook_attempted` row of its goal's history, through the engine (made after these
   * deliveries, since its `onCommitted` is theirs).
   */
  recordAttemptsIn(engine: Pick<GoalEngine, "apply">): void {
    this.record = async ({ delivery, ...attempt }) => {
      const { sessionID, goalID, id, url, event } = delivery;
      await engine.apply(
        sessionID,
        [{ type: "webhook_attempted", goalID, delivery: id, url, event, ...attempt }],
        "runtime",
      );
    };
  }

  /** Where the web app is served, for the link in each body (set once the server listens). */
  setWebAppURL(url: string | undefined): void {
    this.webAppURL = url;
  }

  /** Loads the deliveries a previous run left pending, and schedules them. */
  async start(): Promise<void> {
    for (const delivery of await this.options.store.pending()) this.pending.set(delivery.id, delivery);
    this.schedule();
  }

  /** The engine's `onCommitted`: never blocks the goal loop (the deliveries are made on a later tick). */
  readonly onCommitted = (sessionID: string, change: GoalChange): void => {
    const occurrences = webhookOccurrences(change.goal, change.history);
    if (occurrences.length === 0 || this.closed) return;
    const adding = this.add(sessionID, occurrences).catch((error) =>
      this.options.onError?.(`webhook deliveries could not be stored: ${String(error)}`),
    );
    this.adding.add(adding);
    void adding.finally(() => this.adding.delete(adding));
  };

  private async add(sessionID: string, occurrences: ReturnType<typeof webhookOccurrences>): Promise<void> {
    await Promise.resolve();
    const now = this.clock.now();
    for (const occurrence of occurrences) {
      const targets = [...this.options.targets, ...(occurrence.goal.webhooks ?? [])];
      for (const target of targets) {
        if (!wantsEvent(target, occurrence.event)) continue;
        const id = this.options.ids();
        const request = webhookRequest(occurrence, target, { id, webAppURL: this.webAppURL });
        const delivery: WebhookDelivery = {
          id,
          sessionID,
          goalID: occurrence.goal.id,
          event: occurrence.event,
          url: target.url,
          ...request,
          attempts: 0,
          nextAt: now,
          createdAt: now,
          state: "pending",
        };
        await this.options.store.add(delivery);
        this.pending.set(id, delivery);
      }
    }
    this.schedule();
  }

  /** One timer, for the soonest delivery due. */
  private schedule(): void {
    if (this.closed) return;
    let soonest: number | undefined;
    for (const delivery of this.pending.values())
      if (!this.inFlight.has(delivery.id) && (soonest === undefined || delivery.nextAt < soonest))
        soonest = delivery.nextAt;
    if (soonest === undefined) {
      this.timer?.handle.cancel();
      this.timer = undefined;
      return;
    }
    if (this.timer && this.timer.at <= soonest) return;
    this.timer?.handle.cancel();
    const at = soonest;
    this.timer = { at, handle: this.timers.after(at - this.clock.now(), () => this.fire()) };
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    for (const delivery of this.pending.values())
      if (delivery.nextAt <= now && !this.inFlight.has(delivery.id)) void this.attempt(delivery);
    this.schedule();
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(delivery.id, controller);
    // Another process on the same database (a replica) may hold it too: only the one that claims it attempts it.
    const now = this.clock.now();
    let claimed: boolean;
    try {
      claimed = await this.options.store.claim(delivery.id, now, now + this.policy.timeoutMs + CLAIM_SLACK_MS);
    } catch (error) {
      // The database is out of reach: try again later, as after a failed attempt.
      this.options.onError?.(`webhook delivery ${delivery.id} could not be claimed: ${String(error)}`);
      this.inFlight.delete(delivery.id);
      this.pending.set(delivery.id, { ...delivery, nextAt: now + this.policy.firstRetryMs });
      this.schedule();
      return;
    }
    // Another process took it: it makes the attempt and records it.
    if (!claimed) {
      this.inFlight.delete(delivery.id);
      this.pending.delete(delivery.id);
      this.schedule();
      return;
    }
    const timeout = setTimeout(() => controller.abort(new Error("no answer")), this.policy.timeoutMs);
    let outcome: { delivered: boolean; status?: number; error?: string };
    try {
      const response = await (this.options.fetch ?? fetch)(delivery.url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        signal: controller.signal,
      });
      await response.arrayBuffer().catch(() => undefined);
      outcome = response.ok
        ? { delivered: true, status: response.status }
        : { delivered: false, status: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      const reason = controller.signal.aborted
        ? `no answer within ${this.policy.timeoutMs / 1000} s`
        : describeFetchError(error);
      outcome = { delivered: false, error: reason };
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(delivery.id);
    }
    if (this.closed) return;
    await this.settle(delivery, outcome);
  }

  private async settle(
    delivery: WebhookDelivery,
    outcome: { delivered: boolean; status?: number; error?: string },
  ): Promise<void> {
    const now = this.clock.now();
    const attempts = delivery.attempts + 1;
    const givenUp = !outcome.delivered && now - delivery.createdAt >= this.policy.giveUpAfterMs;
    const state: WebhookDelivery["state"] = outcome.delivered ? "delivered" : givenUp ? "failed" : "pending";
    const retryMs = Math.min(this.policy.maxRetryMs, this.policy.firstRetryMs * 2 ** (attempts - 1));
    const next: WebhookDelivery = {
      ...delivery,
      attempts,
      nextAt: state === "pending" ? now + retryMs : now,
      state,
      ...(outcome.error ? { lastError: outcome.error } : {}),
    };
    try {
      await this.options.store.attempted(delivery.id, {
        attempts,
        nextAt: next.nextAt,
        state,
        ...(outcome.error ? { lastError: outcome.error } : {}),
      });
      await this.record({
        delivery,
        attempt: attempts,
        delivered: outcome.delivered,
        ...(outcome.status !== undefined ? { status: outcome.status } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      });
    } catch (error) {
      this.options.onError?.(`webhook delivery ${delivery.id} to ${delivery.url}: ${String(error)}`);
    }
    if (state === "pending") this.pending.set(delivery.id, next);
    else this.pending.delete(delivery.id);
    for (const wake of this.flushWaiters.splice(0)) wake();
    if (givenUp)
      this.options.onError?.(
        `gave up on webhook delivery ${delivery.id} (${delivery.event}) to ${delivery.url} after ${attempts} attempts: ${outcome.error}`,
      );
    this.schedule();
  }

  /**
   * Waits until every delivery is made or given up, for at most `timeoutMs` (a process about to exit, such as
   * `pursuit run`, gives its receivers a chance). Returns how many are still pending: they stay stored, and the
   * next process on this database sends them.
   */
  async flush(timeoutMs: number): Promise<number> {
    await Promise.allSettled([...this.adding]);
    const deadline = this.clock.now() + timeoutMs;
    while (this.pending.size > 0 && this.clock.now() < deadline && !this.closed) {
      await new Promise<void>((resolve) => {
        // Woken by the next attempt's end, or at the deadline; the timer never outlives the wait.
        const timer = setTimeout(wake, Math.max(0, deadline - this.clock.now()));
        function wake() {
          clearTimeout(timer);
          resolve();
        }
        this.flushWaiters.push(wake);
      });
    }
    return this.pending.size;
  }

  /** Waits for deliveries being stored (tests, shutdown); attempts in flight are abandoned and retried next start. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.adding]);
    this.closed = true;
    this.timer?.handle.cancel();
    for (const controller of this.inFlight.values()) controller.abort(new Error("closing"));
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
