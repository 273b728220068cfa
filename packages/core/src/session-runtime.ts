import { type ContinuationState, initialContinuationState } from "./continuation.js";
import type { ToolResultFact } from "./progress.js";

/** What the engine knows about the turn a session is running. */
export type RunningTurn = {
  id: string;
  continuation: boolean;
  startedAt: number;
  /** The goal this turn works for: the one active when it started (or created during it). */
  goalID?: string;
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
