import {
  type Clock,
  ESTIMATE_BYTES_PER_TOKEN,
  type GoalEngine,
  type StepUsage,
  type ToolResultFact,
} from "@pursuit/core";
import type { TurnFailure } from "./opencode-events.js";
import type { SessionTracker } from "./session-tracker.js";

/**
 * Tells the engine what OpenCode's turns do: when one starts, each step's usage, each finished tool, how it
 * failed, and when it ends. Goal context the engine hands back (a budget notice) waits in the tracker for
 * the next prompt.
 */
export class TurnReporter {
  private turnCounter = 0;

  constructor(
    private readonly engine: GoalEngine,
    private readonly tracker: SessionTracker,
    private readonly clock: Clock,
  ) {}

  /** A turn runs from now on (its first event, or its first model request, whichever comes first). */
  async started(sessionID: string): Promise<void> {
    const session = this.tracker.get(sessionID);
    session.busy = true;
    if (session.turn) return;
    const continuation = session.continuationPrompted;
    session.continuationPrompted = false;
    session.turn = { id: `turn_${this.clock.now()}_${++this.turnCounter}`, continuation };
    await this.engine.turnStarted(sessionID, { turnID: session.turn.id, continuation });
  }

  async stepFinished(sessionID: string, step: { stepID: string; usage: StepUsage; costUSD?: number }): Promise<void> {
    await this.started(sessionID);
    const session = this.tracker.get(sessionID);
    // The answer goes back to the model with the next request, uncached.
    session.newInputTokens += step.usage.output;
    session.streamedChars = 0;
    const result = await this.engine.stepFinished(sessionID, step);
    this.tracker.queueContext(sessionID, result.append);
  }

  async toolFinished(sessionID: string, partID: string, fact: ToolResultFact, outputTokens: number): Promise<void> {
    await this.started(sessionID);
    const session = this.tracker.get(sessionID);
    if (session.reportedTools.has(partID)) return;
    session.reportedTools.add(partID);
    session.newInputTokens += outputTokens;
    this.engine.recordToolResults(sessionID, [fact]);
  }

  /** The model streamed part of an answer (characters of text, reasoning or tool input). */
  streamed(sessionID: string, chars: number): void {
    this.tracker.get(sessionID).streamedChars += chars;
  }

  async failed(sessionID: string, failure: TurnFailure): Promise<void> {
    const session = this.tracker.get(sessionID);
    if (!session.turn) return;
    // An abort the plugin made to enforce a limit is the end of the turn, not a person stopping the goal.
    if (failure.kind === "aborted" && session.stoppingForLimit) return;
    // One it made to cut a silent stream is a failed turn: retried with backoff, like any provider error.
    if (failure.kind === "aborted" && session.cutForSilence) {
      session.turn.failure = { kind: "error", message: session.cutForSilence };
      // The provider bills what it streamed before going silent (OpenCode reports no usage for it).
      const charged = await this.engine.stepCut(sessionID, {
        stepID: `cut_${session.turn.id}`,
        estimatedInputTokens: session.newInputTokens,
        outputTokens: Math.ceil(session.streamedChars / ESTIMATE_BYTES_PER_TOKEN),
      });
      session.streamedChars = 0;
      this.tracker.queueContext(sessionID, charged.append);
      return;
    }
    session.turn.failure = failure;
  }

  /** The session went idle: the turn (if one ran) ends with its outcome. */
  async ended(sessionID: string): Promise<void> {
    const session = this.tracker.get(sessionID);
    session.busy = false;
    session.stoppingForLimit = false;
    session.cutForSilence = undefined;
    session.streamedChars = 0;
    const turn = session.turn;
    session.turn = undefined;
    session.reportedTools.clear();
    if (!turn) return;
    const failure = turn.failure;
    const ended = await this.engine.turnEnded(sessionID, {
      outcome: failure ? failure.kind : "completed",
      ...(failure?.kind === "error" ? { error: failure.message } : {}),
      ...(failure?.kind === "error" && failure.retryAfterMs !== undefined
        ? { retryAfterMs: failure.retryAfterMs }
        : {}),
    });
    this.tracker.queueContext(sessionID, ended.append);
  }
}
