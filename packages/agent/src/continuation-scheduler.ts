import type { Clock, ContextMessage, Goal, GoalEngine, SessionFacts } from "@pursuit/core";
import type { SessionStatus } from "./events.js";
import type { SessionState } from "./session-state.js";

export type SchedulerHost = {
  /** Marks the session busy synchronously and launches a continuation turn (not awaited). */
  launchContinuation: (state: SessionState, message: ContextMessage, goal: Goal) => void;
  setStatus: (state: SessionState, status: SessionStatus) => void;
  /** False once the runtime is closing: nothing new starts. */
  accepting: () => boolean;
  /** Background work the host waits for on close; failures are reported as session errors. */
  background: (state: SessionState, work: Promise<unknown>) => void;
};

/**
 * Continuation on idle: asks the engine what comes next when a session goes idle, keeps one timer per
 * session for the `at` it names, and when it fires asks the engine again, under its per-session lock, to
 * start the turn, so a pause, clear or user message that came in meanwhile wins.
 */
export class ContinuationScheduler {
  constructor(
    private readonly engine: GoalEngine,
    private readonly clock: Clock,
    private readonly host: SchedulerHost,
  ) {}

  /** What the session offers right now; nothing ever waits on a person in the headless host. */
  facts(state: SessionState): SessionFacts {
    return { idle: !state.busy, queuedUserMessage: state.pendingWaiters.length > 0, waitingOnPerson: false };
  }

  /** The session is idle (a turn ended, a goal was set or resumed, or the runtime started). */
  async sessionIdle(state: SessionState): Promise<void> {
    if (state.busy || !this.host.accepting()) return;
    const decision = await this.engine.sessionIdle(state.id, this.facts(state));
    if (decision.kind === "continue") this.schedule(state, decision.at);
  }

  schedule(state: SessionState, at: number): void {
    this.cancel(state);
    if (!this.host.accepting()) return;
    const delay = Math.max(0, at - this.clock.now());
    const errors = this.engine.sessionState(state.id).continuation;
    if (errors.lastOutcome === "error" && delay > 0) {
      this.host.setStatus(state, {
        type: "retry",
        attempt: errors.errorStreak,
        message: errors.lastError ?? "the last turn failed",
        next: at,
      });
    }
    // Due now (after a turn with progress): no timer, so the next request leaves without a timer's delay.
    if (delay <= 0) {
      const immediate = setImmediate(() => {
        state.timer = undefined;
        this.host.background(state, this.fire(state));
      });
      state.timer = { cancel: () => clearImmediate(immediate) };
      return;
    }
    const timer = setTimeout(() => {
      state.timer = undefined;
      this.host.background(state, this.fire(state));
    }, delay);
    state.timer = { cancel: () => clearTimeout(timer) };
  }

  cancel(state: SessionState): void {
    state.timer?.cancel();
    state.timer = undefined;
    if (state.status.type === "retry") this.host.setStatus(state, { type: "idle" });
  }

  private async fire(state: SessionState): Promise<void> {
    if (!this.host.accepting() || state.busy) return;
    if (state.status.type === "retry") this.host.setStatus(state, { type: "idle" });
    const outcome = await this.engine.startContinuation(state.id, {
      facts: () => (this.host.accepting() ? this.facts(state) : { ...this.facts(state), idle: false }),
      start: (message, goal) => this.host.launchContinuation(state, message, goal),
    });
    if (!outcome.started && outcome.decision.kind === "continue" && !state.timer) {
      this.schedule(state, outcome.decision.at);
    }
  }
}
