import type {
  Clock,
  ContextMessage,
  ContinuationDecision,
  Goal,
  GoalEngine,
  GoalWait,
  SessionFacts,
} from "@pursuit/core";
import type { RetryNotice } from "./retry-policy.js";
import { realTimers, type TimerHandle, type Timers } from "./timers.js";

/**
 * What happens next in a session without anyone acting: a turn runs, a continuation is scheduled (and when;
 * `retry` when it retries failed turns), one is being decided or started, or nothing at all.
 */
export type GoalContinuation =
  | { state: "running" }
  | { state: "scheduled"; at: number; retry?: { attempt: number; message: string } }
  | { state: "starting" }
  | { state: "waiting"; kind: GoalWait["kind"]; reason: string; nextCheckAt?: number; wakeAt?: number }
  | { state: "none" };

/** A waiting goal's part of what happens next: what it waits for, when its check runs and when it wakes. */
export function waitingContinuation(wait: GoalWait): GoalContinuation {
  return {
    state: "waiting",
    kind: wait.kind,
    reason: wait.reason,
    ...(wait.check ? { nextCheckAt: wait.check.nextAt } : {}),
    ...(wait.wakeAt !== undefined ? { wakeAt: wait.wakeAt } : {}),
  };
}

/** What a host gives the driver. */
export interface ContinuationHost {
  /** What the session offers right now (idle, a queued user message, a person being asked something). */
  facts(sessionID: string): SessionFacts;
  /**
   * Starts a continuation turn carrying `message`. It must mark the session busy before it returns (it runs
   * under the engine's session lock, so a racing pause or prompt sees the turn). A returned promise that
   * rejects means the turn never started: the driver counts it as a failed turn and schedules a retry.
   */
  startTurn(sessionID: string, message: ContextMessage, goal: Goal): void | Promise<void>;
  /** A retry after failed turns is scheduled (`retry`), or that wait ended (`undefined`). */
  retrying?(sessionID: string, retry: RetryNotice | undefined): void;
  /** Something failed in the background (the engine, the store); the driver keeps going. */
  reportError?(sessionID: string, error: unknown): void;
}

/**
 * Continuation on idle, the same in every host: when a session goes idle it asks the engine what comes
 * next, keeps one timer per session for the time the engine names, and when the timer fires asks again,
 * under the engine's session lock, to start the turn, so a pause, clear or user message that came in
 * meanwhile wins. A refusal that is only "not yet" (a timer that fired early) is scheduled again; a turn the
 * host could not start is a failed turn, retried with backoff. Nothing is ever left active with nothing
 * scheduled.
 */
export class ContinuationDriver {
  private readonly timers = new Map<string, { handle: TimerHandle; at: number; retry?: RetryNotice; wait?: true }>();
  /** Wait checks running now, per session: calling off the session's timer stops its check too. */
  private readonly checks = new Map<string, AbortController>();
  private readonly retryShown = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** Work under way per session (deciding or starting a continuation). */
  private readonly working = new Map<string, number>();
  private open = true;

  constructor(
    private readonly engine: GoalEngine,
    private readonly clock: Clock,
    private readonly host: ContinuationHost,
    private readonly timerSource: Timers = realTimers,
  ) {}

  /** The session is idle (a turn ended, a goal was set or resumed, a person answered, the host started). */
  sessionIdle(sessionID: string): Promise<void> {
    return this.track(sessionID, async () => {
      if (!this.open || !this.host.facts(sessionID).idle) return;
      this.follow(sessionID, await this.engine.sessionIdle(sessionID, this.host.facts(sessionID)));
    });
  }

  /** Calls off the session's scheduled continuation (a turn started, the goal stopped, a person asked). */
  cancel(sessionID: string): void {
    this.timers.get(sessionID)?.handle.cancel();
    this.timers.delete(sessionID);
    this.checks.get(sessionID)?.abort();
    this.checks.delete(sessionID);
    this.clearRetry(sessionID);
  }

  /** The driver's part of what happens next (the host knows whether a turn runs). */
  continuation(sessionID: string): GoalContinuation {
    // A wait's check running is the wait going on, which the goal itself tells.
    if (this.checks.has(sessionID)) return { state: "none" };
    if ((this.working.get(sessionID) ?? 0) > 0) return { state: "starting" };
    const timer = this.timers.get(sessionID);
    if (!timer || timer.wait) return { state: "none" };
    return {
      state: "scheduled",
      at: timer.at,
      ...(timer.retry ? { retry: { attempt: timer.retry.attempt, message: timer.retry.message } } : {}),
    };
  }

  /**
   * No continuation scheduled and nothing being decided, started or checked, in any session. A waiting goal's
   * alarm does not count: a wait may last half an hour, and nothing runs until it rings.
   */
  quiet(): boolean {
    if (this.inFlight.size > 0) return false;
    for (const timer of this.timers.values()) if (!timer.wait) return false;
    return true;
  }

  /** Stops scheduling, calls off every timer and waits for work already under way. */
  async close(): Promise<void> {
    this.open = false;
    for (const sessionID of [...this.timers.keys()]) this.cancel(sessionID);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Acts on the engine's decision: a continuation to schedule, a waiting goal's alarm to set, or nothing. */
  private follow(sessionID: string, decision: ContinuationDecision): void {
    switch (decision.kind) {
      case "continue":
        this.schedule(sessionID, decision);
        return;
      case "waiting":
        this.scheduleAlarm(sessionID, decision.at);
        return;
      case "wait":
      case "pause":
      case "block":
      case "none":
        return;
    }
  }

  /**
   * A waiting goal's alarm: when it rings the engine runs the wait's check (no model call) or wakes the goal;
   * a goal that woke continues as after any idle, one still waiting gets its next alarm.
   */
  private scheduleAlarm(sessionID: string, at: number): void {
    this.cancel(sessionID);
    if (!this.open) return;
    const timer = {
      at,
      wait: true as const,
      handle: this.timerSource.after(Math.max(0, at - this.clock.now()), () => {
        if (this.timers.get(sessionID) !== timer) return;
        this.timers.delete(sessionID);
        void this.track(sessionID, () => this.ring(sessionID));
      }),
    };
    this.timers.set(sessionID, timer);
  }

  private async ring(sessionID: string): Promise<void> {
    if (!this.open) return;
    const check = new AbortController();
    this.checks.set(sessionID, check);
    let goal: Goal | undefined;
    try {
      goal = await this.engine.waitAlarm(sessionID, check.signal);
    } finally {
      if (this.checks.get(sessionID) === check) this.checks.delete(sessionID);
    }
    if (!this.open || check.signal.aborted || this.timers.has(sessionID)) return;
    // A goal that woke continues only on an idle session (a running turn's end asks again); a waiting one always
    // gets its next alarm.
    const watched = goal?.status === "waiting" || (goal?.status === "budget_limited" && goal.ceiling !== undefined);
    if (watched || (goal?.status === "active" && this.host.facts(sessionID).idle)) {
      this.follow(sessionID, await this.engine.sessionIdle(sessionID, this.host.facts(sessionID)));
    }
  }

  private schedule(sessionID: string, decision: Extract<ContinuationDecision, { kind: "continue" }>): void {
    this.cancel(sessionID);
    if (!this.open) return;
    const delay = Math.max(0, decision.at - this.clock.now());
    const retry = decision.retry
      ? { attempt: decision.retry.attempt, message: decision.retry.error, next: decision.at }
      : undefined;
    if (retry && delay > 0) {
      this.retryShown.add(sessionID);
      this.host.retrying?.(sessionID, retry);
    }
    const timer = {
      at: decision.at,
      ...(retry ? { retry } : {}),
      handle: this.timerSource.after(delay, () => {
        if (this.timers.get(sessionID) !== timer) return;
        this.timers.delete(sessionID);
        void this.track(sessionID, () => this.fire(sessionID));
      }),
    };
    this.timers.set(sessionID, timer);
  }

  private async fire(sessionID: string): Promise<void> {
    if (!this.open || !this.host.facts(sessionID).idle) return;
    this.clearRetry(sessionID);
    const launch: { turn?: Promise<void> } = {};
    const outcome = await this.engine.startContinuation(sessionID, {
      facts: () => (this.open ? this.host.facts(sessionID) : { ...this.host.facts(sessionID), idle: false }),
      start: (message, goal) => {
        const turn = this.host.startTurn(sessionID, message, goal);
        if (turn instanceof Promise) launch.turn = turn;
      },
    });
    if (outcome.started) {
      await launch.turn?.catch((error: unknown) => this.notStarted(sessionID, error));
      return;
    }
    // "Not yet" (the timer fired before the time the engine named) or a backoff that grew meanwhile; or a spend
    // ceiling stopped the goal, which waits for its window to turn over.
    if (this.timers.has(sessionID)) return;
    if (outcome.decision.kind === "continue") this.schedule(sessionID, outcome.decision);
    else if (outcome.decision.kind === "waiting") this.scheduleAlarm(sessionID, outcome.decision.at);
  }

  private async notStarted(sessionID: string, error: unknown): Promise<void> {
    this.host.reportError?.(sessionID, error);
    await this.engine.continuationNotStarted(sessionID, error instanceof Error ? error.message : String(error));
    if (!this.open || !this.host.facts(sessionID).idle) return;
    this.follow(sessionID, await this.engine.sessionIdle(sessionID, this.host.facts(sessionID)));
  }

  private clearRetry(sessionID: string): void {
    if (this.retryShown.delete(sessionID)) this.host.retrying?.(sessionID, undefined);
  }

  /** Runs background work, counted by `quiet()`; its failures go to the host, never unhandled. */
  private track(sessionID: string, work: () => Promise<void>): Promise<void> {
    this.working.set(sessionID, (this.working.get(sessionID) ?? 0) + 1);
    const running = work().catch((error: unknown) => this.host.reportError?.(sessionID, error));
    this.inFlight.add(running);
    void running.finally(() => {
      this.inFlight.delete(running);
      const left = (this.working.get(sessionID) ?? 1) - 1;
      if (left > 0) this.working.set(sessionID, left);
      else this.working.delete(sessionID);
    });
    return running;
  }
}
