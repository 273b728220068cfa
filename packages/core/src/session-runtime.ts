import { type ContinuationState, initialContinuationState, recordTurn } from "./continuation.js";
import type { TurnEnd } from "./engine-types.js";
import { madeProgress, repeatedShellCall, type ToolResultFact } from "./progress.js";

/** What the engine knows about the turn a session is running. */
export type RunningTurn = {
  id: string;
  continuation: boolean;
  startedAt: number;
  /** The goal this turn works for: the one active when it started (or created during it). */
  goalID?: string;
  /**
   * A goal was set while this turn ran (the next of a queue, a person's, the model's own): the turn's end is the
   * new goal's start, never a turn without progress that would delay its first continuation.
   */
  goalSetDuring?: true;
  results: ToolResultFact[];
  /** A charge in this turn pushed the goal over a limit: one wrap-up step may follow. */
  limitCrossed: boolean;
  wrapUpUsed: boolean;
};

/** Per-session memory that is cheap to lose: after a restart a goal simply starts with fresh counters. */
export type SessionRuntime = {
  turn?: RunningTurn;
  continuation: ContinuationState;
  /** Fingerprints of the tool results of the last few turns, newest last. */
  recentResults: string[][];
};

export const newSessionRuntime = (): SessionRuntime => ({
  continuation: initialContinuationState(),
  recentResults: [],
});

/**
 * The session's memory after a turn ended: its outcome judged (a completed turn made progress when it changed
 * the workspace or got a result not seen in the last `window` turns) and recorded in the streaks, and its
 * results remembered.
 */
export function afterTurn(
  runtime: SessionRuntime,
  turn: RunningTurn,
  end: TurnEnd,
  now: number,
  window: number,
): Pick<SessionRuntime, "continuation" | "recentResults"> {
  const progressed = madeProgress(turn.results, runtime.recentResults);
  const completed = progressed || turn.goalSetDuring === true ? "progress" : "no_progress";
  const outcome = end.outcome === "completed" ? completed : end.outcome;
  const polled =
    outcome === "no_progress" && turn.continuation
      ? repeatedShellCall(turn.results, runtime.recentResults.at(-1))
      : undefined;
  return {
    continuation: recordTurn(runtime.continuation, {
      outcome,
      continuation: turn.continuation,
      endedAt: now,
      ...(polled ? { polled } : {}),
      ...(end.quotaResetAt !== undefined ? { quotaResetAt: end.quotaResetAt } : {}),
      ...(end.error !== undefined ? { error: end.error } : {}),
      ...(end.retryAfterMs !== undefined ? { retryAfterMs: end.retryAfterMs } : {}),
    }),
    recentResults: [...runtime.recentResults, turn.results.map((result) => result.fingerprint)].slice(-window),
  };
}
