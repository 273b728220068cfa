import type { Goal } from "./goal.js";
import { nextWaitAlarm, shortCommand, type WaitRequest } from "./goal-wait.js";
import { assertNever } from "./result.js";

/** How a finished turn went. `progress` and `no_progress` are turns that ended normally. */
export type TurnOutcome = "progress" | "no_progress" | "error" | "aborted";

export type ContinuationPolicy = {
  /** Pause after this many continuation turns in a row without progress. */
  stallTurns: number;
  /** Block after this many failed turns in a row. */
  errorTurns: number;
  /** First backoff delay after a turn without progress or a failed turn; doubles each time. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Wait for a provider's usage quota to reset; false blocks the goal instead. A goal's own setting wins. */
  waitForQuota: boolean;
};

export const DEFAULT_CONTINUATION_POLICY: ContinuationPolicy = {
  stallTurns: 3,
  errorTurns: 3,
  backoffBaseMs: 2_000,
  backoffMaxMs: 60_000,
  waitForQuota: true,
};

/** What the host knows about the session right now. */
export type SessionFacts = {
  idle: boolean;
  /** A user message waits to be processed: it always pre-empts a continuation. */
  queuedUserMessage: boolean;
  /** A permission request or a question waits on a person. */
  waitingOnPerson: boolean;
};

/** What the engine remembers between turns to decide the next continuation. */
export type ContinuationState = {
  lastOutcome?: TurnOutcome;
  lastTurnEndedAt?: number;
  /** Continuation turns in a row that made no progress. */
  noProgressStreak: number;
  /** Turns in a row that failed (provider or runtime error). */
  errorStreak: number;
  lastError?: string;
  /** The provider's Retry-After for the last failure, in milliseconds. */
  retryAfterMs?: number;
  /** The last turn, a continuation without progress, ran a shell command again for the same output. */
  polled?: { command: string; output: string };
  /** The last turn failed on a usage quota exhausted until this time. */
  quotaResetAt?: number;
};

export const initialContinuationState = (): ContinuationState => ({ noProgressStreak: 0, errorStreak: 0 });

export type ContinuationDecision =
  /** `retry` is set when the continuation retries after failed turns (the host shows it as retrying). */
  | { kind: "continue"; at: number; retry?: { attempt: number; error: string } }
  | { kind: "pause"; reason: string }
  | { kind: "block"; reason: string }
  /** The goal should wait (the model polled a command, a quota is exhausted): the runtime makes it wait. */
  | { kind: "wait"; request: WaitRequest }
  /** The goal waits; the runtime looks at it again (runs its check, or wakes it) at `at`. */
  | { kind: "waiting"; at: number }
  | { kind: "none"; why: string };

/** Streaks after a turn. A user turn resets the stall streak: new input from a person is a fresh start. */
export function recordTurn(
  state: ContinuationState,
  turn: {
    outcome: TurnOutcome;
    continuation: boolean;
    endedAt: number;
    error?: string;
    retryAfterMs?: number;
    polled?: { command: string; output: string };
    quotaResetAt?: number;
  },
): ContinuationState {
  const base = { lastOutcome: turn.outcome, lastTurnEndedAt: turn.endedAt };
  switch (turn.outcome) {
    case "progress":
      return { ...base, noProgressStreak: 0, errorStreak: 0 };
    case "no_progress":
      return {
        ...base,
        noProgressStreak: turn.continuation ? state.noProgressStreak + 1 : 0,
        errorStreak: 0,
        ...(turn.polled ? { polled: turn.polled } : {}),
      };
    case "error":
      if (turn.quotaResetAt !== undefined) {
        // Not the turn's fault, nor the provider's failure: the goal waits for the reset.
        return { ...base, noProgressStreak: state.noProgressStreak, errorStreak: 0, quotaResetAt: turn.quotaResetAt };
      }
      return {
        ...base,
        noProgressStreak: state.noProgressStreak,
        errorStreak: state.errorStreak + 1,
        ...(turn.error !== undefined ? { lastError: turn.error } : {}),
        ...(turn.retryAfterMs !== undefined ? { retryAfterMs: turn.retryAfterMs } : {}),
      };
    case "aborted":
      return { ...base, noProgressStreak: 0, errorStreak: 0 };
    default:
      return assertNever(turn.outcome, "turn outcome");
  }
}

/** `base * 2^(n-1)`, capped: 2 s, 4 s, 8 s ... 60 s with the defaults. */
export function backoffDelay(streak: number, policy: ContinuationPolicy): number {
  if (streak <= 0) return 0;
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** (streak - 1));
}

/**
 * The continuation policy as one pure decision: continue now or at a time, wait, pause, block, or do nothing.
 * Only an active goal on an idle session with nobody waiting continues; a waiting goal is looked at again when
 * its check or its wake is due.
 */
export function decideContinuation(
  goal: Goal | undefined,
  facts: SessionFacts,
  state: ContinuationState,
  now: number,
  policy: ContinuationPolicy = DEFAULT_CONTINUATION_POLICY,
): ContinuationDecision {
  if (!goal) return { kind: "none", why: "no goal" };
  if (goal.status === "waiting") {
    const at = goal.wait ? nextWaitAlarm(goal.wait) : undefined;
    return at === undefined ? { kind: "none", why: "waiting on a person" } : { kind: "waiting", at };
  }
  // A goal a spend ceiling stopped is looked at again when that window turns over.
  if (goal.status === "budget_limited" && goal.ceiling) return { kind: "waiting", at: goal.ceiling.resetsAt };
  if (goal.status !== "active") return { kind: "none", why: `goal is ${goal.status}` };
  if (state.lastOutcome === "aborted") return { kind: "pause", reason: "aborted by the user" };
  if (state.lastOutcome === "error" && state.quotaResetAt !== undefined) {
    const reset = new Date(state.quotaResetAt).toISOString();
    if (!(goal.waitForQuota ?? policy.waitForQuota)) {
      return {
        kind: "block",
        reason: `the provider's usage quota is exhausted until ${reset} (this goal does not wait for it)`,
      };
    }
    return {
      kind: "wait",
      request: { kind: "quota", reason: `the provider's usage quota resets at ${reset}`, until: state.quotaResetAt },
    };
  }
  if (!facts.idle) return { kind: "none", why: "session is busy" };
  if (facts.queuedUserMessage) return { kind: "none", why: "a user message is queued" };
  if (facts.waitingOnPerson) return { kind: "none", why: "waiting on a person" };
  const endedAt = state.lastTurnEndedAt ?? now;
  switch (state.lastOutcome) {
    case undefined:
    case "progress":
      return { kind: "continue", at: now };
    case "no_progress":
      if (state.polled) {
        const { command, output } = state.polled;
        const reason = `the model polled \`${shortCommand(command)}\` for the same output`;
        return { kind: "wait", request: { kind: "check", reason, check: command, output } };
      }
      if (state.noProgressStreak >= policy.stallTurns) {
        return { kind: "pause", reason: `no progress in ${state.noProgressStreak} continuation turns in a row` };
      }
      return { kind: "continue", at: Math.max(now, endedAt + backoffDelay(state.noProgressStreak, policy)) };
    case "error": {
      if (state.errorStreak >= policy.errorTurns) {
        const last = state.lastError ? `; last error: ${state.lastError}` : "";
        return { kind: "block", reason: `${state.errorStreak} turns in a row failed${last}` };
      }
      const delay = Math.max(state.retryAfterMs ?? 0, backoffDelay(state.errorStreak, policy));
      return {
        kind: "continue",
        at: Math.max(now, endedAt + delay),
        retry: { attempt: state.errorStreak, error: state.lastError ?? "the last turn failed" },
      };
    }
    default:
      return assertNever(state.lastOutcome, "turn outcome");
  }
}
