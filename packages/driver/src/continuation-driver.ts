import type { Clock, ContextMessage, ContinuationDecision, Goal, GoalEngine, SessionFacts } from "@pursuit/core";
import { realTimers, type TimerHandle, type Timers } from "./timers.js";

/** A continuation that waits to retry after failed turns: the host shows it (OpenCode's "retry" status). */
export type RetryStatus = { attempt: number; message: string; next: number };

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
  retrying?(sessionID: string, retry: RetryStatus | undefined): void;
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
  private readonly timers = new Map<string, TimerHandle>();
  private readonly retryShown = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
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
      const decision = await this.engine.sessionIdle(sessionID, this.host.facts(sessionID));
      if (decision.kind === "continue") this.schedule(sessionID, decision);
    });
  }

  /** Calls off the session's scheduled continuation (a turn started, the goal stopped, a person asked). */
  cancel(sessionID: string): void {
    this.timers.get(sessionID)?.cancel();
    this.timers.delete(sessionID);
    this.clearRetry(sessionID);
  }

  /** Whether a continuation is scheduled for the session. */
  scheduled(sessionID: string): boolean {
    return this.timers.has(sessionID);
  }

  /** Nothing scheduled and nothing being decided or started, in any session. */
  quiet(): boolean {
    return this.timers.size === 0 && this.inFlight.size === 0;
  }

  /** Stops scheduling, calls off every timer and waits for work already under way. */
  async close(): Promise<void> {
    this.open = false;
    for (const sessionID of [...this.timers.keys()]) this.cancel(sessionID);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(sessionID: string, decision: Extract<ContinuationDecision, { kind: "continue" }>): void {
    this.cancel(sessionID);
    if (!this.open) return;
    const delay = Math.max(0, decision.at - this.clock.now());
    if (decision.retry && delay > 0) {
      this.retryShown.add(sessionID);
      this.host.retrying?.(sessionID, {
        attempt: decision.retry.attempt,
        message: decision.retry.error,
        next: decision.at,
      });
    }
    const timer = this.timerSource.after(delay, () => {
      if (this.timers.get(sessionID) !== timer) return;
      this.timers.delete(sessionID);
      void this.track(sessionID, () => this.fire(sessionID));
    });
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
    // "Not yet" (the timer fired before the time the engine named) or a backoff that grew meanwhile.
    if (outcome.decision.kind === "continue" && !this.timers.has(sessionID)) this.schedule(sessionID, outcome.decision);
  }

  private async notStarted(sessionID: string, error: unknown): Promise<void> {
    this.host.reportError?.(sessionID, error);
    await this.engine.continuationNotStarted(sessionID, error instanceof Error ? error.message : String(error));
    if (!this.open || !this.host.facts(sessionID).idle) return;
    const decision = await this.engine.sessionIdle(sessionID, this.host.facts(sessionID));
    if (decision.kind === "continue") this.schedule(sessionID, decision);
  }

  private clearRetry(sessionID: string): void {
    if (this.retryShown.delete(sessionID)) this.host.retrying?.(sessionID, undefined);
  }

  /** Runs background work, counted by `quiet()`; its failures go to the host, never unhandled. */
  private track(sessionID: string, work: () => Promise<void>): Promise<void> {
    const running = work().catch((error: unknown) => this.host.reportError?.(sessionID, error));
    this.inFlight.add(running);
    void running.finally(() => this.inFlight.delete(running));
    return running;
  }
}
