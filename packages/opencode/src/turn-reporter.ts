import {
  type Clock,
  ESTIMATE_BYTES_PER_TOKEN,
  type GoalEngine,
  type GoalTurn,
  type ModelPrices,
  type StepAllowance,
  type StepUsage,
  type ToolResultFact,
} from "@pursuit/core";
import type { TurnFailure } from "./opencode-events.js";
import type { PromptSize } from "./prompt-size.js";
import type { SessionTracker, TrackedSession } from "./session-tracker.js";

/**
 * What a request that reads the provider's cache is billed uncached beyond its new input, on average, until the
 * session's own bills teach it: providers count cached input in whole blocks (OpenAI in 128-token increments), so
 * the previous prompt's tail past its last whole block is billed again.
 */
const CACHE_BLOCK_REMAINDER_TOKENS = 64;

/** Tokens streamed between two checkpoints of a step: a crash loses at most this much output from the charge. */
const CHECKPOINT_EVERY_TOKENS = 4;

/**
 * Tells the engine what OpenCode's turns do: when one starts, each model request (reserved before it leaves,
 * checkpointed while it streams, settled once by its usage, or cut), each finished tool, how it failed, and
 * when it ends. Goal context the engine hands back (a budget notice) waits in the tracker for the next prompt.
 */
export class TurnReporter {
  private turnCounter = 0;

  constructor(
    private readonly engine: GoalEngine,
    private readonly tracker: SessionTracker,
    private readonly clock: Clock,
    /** Stops the running turn for a limit (OpenCode would otherwise run the step's tools and ask again). */
    private readonly stopForLimit: (sessionID: string, reason: string) => void = () => {},
    private readonly promptSize?: PromptSize,
  ) {}

  /** A turn runs from now on (its first event, or its first model request, whichever comes first). */
  async started(sessionID: string): Promise<GoalTurn> {
    const session = this.tracker.get(sessionID);
    session.busy = true;
    if (!session.turn) {
      const continuation = session.continuationPrompted;
      session.continuationPrompted = false;
      const id = `turn_${this.clock.now()}_${++this.turnCounter}`;
      session.turn = {
        id,
        continuation,
        requests: 0,
        goal: this.engine.beginTurn(sessionID, { turnID: id, continuation }),
      };
    }
    return session.turn.goal;
  }

  /**
   * chat.params, right before OpenCode sends a model request: the engine's allowance for it and, unless it is
   * stopped, a step reserved for it, from now on charged if OpenCode dies mid-request. A request while another
   * is open is OpenCode retrying: the open one is settled first (cut if it streamed, else released).
   */
  async stepStarting(
    sessionID: string,
    prices: ModelPrices | undefined,
    outputCap: number | undefined,
  ): Promise<StepAllowance> {
    const goalTurn = await this.started(sessionID);
    const session = this.tracker.get(sessionID);
    const turn = session.turn;
    if (!turn) return { kind: "run" };
    await this.settleOpenStep(sessionID, session);
    const wholePrompt = this.countUnseenPrompt(sessionID, session);
    const estimatedInputTokens = session.newInputTokens;
    session.newInputTokens = 0;
    // This runs inside the plugin's one queue of OpenCode events: waiting here for another session's step to
    // settle would hold up the very event that settles it.
    const allowance = await goalTurn.allowStep(
      {
        estimatedInputTokens,
        promptTokens: session.lastPromptTokens + estimatedInputTokens,
        ...(outputCap !== undefined ? { outputCap } : {}),
        ...(prices ? { prices } : {}),
      },
      { waitForRoom: false },
    );
    // A stopped step still goes out (capped to one token, then aborted: OpenCode cannot skip a request), and
    // the provider bills its input: it is reserved like any other.
    turn.wrapUp = allowance.kind === "wrap_up";
    // The bound counts new input at 3 bytes a token; a crash is charged at the session's own rate: what its
    // provider billed uncached for earlier new input, else its answers' bytes a token.
    const chars = estimatedInputTokens * ESTIMATE_BYTES_PER_TOKEN;
    session.stepNewInputChars = chars;
    const learnt = session.newInputRate.learnt;
    const remainder = learnt || wholePrompt ? 0 : CACHE_BLOCK_REMAINDER_TOKENS;
    const likely = (learnt ? session.newInputRate : session.outputRate).tokensFor(chars) + remainder;
    turn.step = goalTurn.reserveStep({
      stepID: `${turn.id}_${++turn.requests}`,
      estimatedInputTokens: likely,
      ...(prices ? { prices } : {}),
    });
    await turn.step.sending();
    return allowance;
  }

  /**
   * The session's first request through this process: what the plugin watched go by does not cover it (a new
   * session's system prompt and tools, or everything since the last answer before OpenCode restarted), so
   * its new input is read from the prompt OpenCode is about to send. True when no earlier request of the
   * session reached the model: nothing of the prompt is in the provider's cache.
   */
  private countUnseenPrompt(sessionID: string, session: TrackedSession): boolean {
    if (session.requestSeen) return false;
    session.requestSeen = true;
    const unseen = this.promptSize?.takeUnseen(sessionID);
    if (!unseen) return false;
    session.newInputTokens = Math.max(session.newInputTokens, unseen.newInputTokens);
    if (session.lastPromptTokens === 0) session.lastPromptTokens = unseen.lastPromptTokens;
    if (!session.newInputRate.learnt)
      for (const [chars, tokens] of unseen.newInputBilled) session.newInputRate.observe(chars, tokens);
    return unseen.whole;
  }

  async stepFinished(sessionID: string, step: { stepID: string; usage: StepUsage; costUSD?: number }): Promise<void> {
    const goalTurn = await this.started(sessionID);
    const session = this.tracker.get(sessionID);
    if (!this.tracker.firstCharge(sessionID, step.stepID)) return;
    const usage = step.usage;
    session.outputRate.observe(session.streamedChars, usage.output);
    // A request that read the cache was billed uncached for about what it added: the new-input rate.
    if (usage.cacheRead > 0)
      session.newInputRate.observe(session.stepNewInputChars, usage.noCacheInput + usage.cacheWrite);
    session.stepNewInputChars = 0;
    // The answer goes back to the model with the next request, uncached.
    session.newInputTokens += usage.output;
    session.lastPromptTokens = usage.noCacheInput + usage.cacheRead + usage.cacheWrite + usage.output;
    session.streamedChars = 0;
    // A step-finish without a request the plugin saw (none is known to exist) is charged all the same.
    const open = session.turn?.step ?? goalTurn.reserveStep({ stepID: step.stepID, estimatedInputTokens: 0 });
    if (session.turn) session.turn.step = undefined;
    const result = await open.finished({ usage, ...(step.costUSD !== undefined ? { costUSD: step.costUSD } : {}) });
    this.tracker.queueContext(sessionID, result.append);
    // As in the native host, the tools of a wrap-up step, or of a step whose charge crossed a limit, do not run:
    // the turn ends here instead of spending another request.
    if (session.turn && (session.turn.wrapUp || result.append.length > 0)) {
      session.stoppingForLimit = true;
      this.stopForLimit(sessionID, "the goal's limit is reached");
    }
  }

  async toolFinished(sessionID: string, partID: string, fact: ToolResultFact, outputTokens: number): Promise<void> {
    const goalTurn = await this.started(sessionID);
    const session = this.tracker.get(sessionID);
    if (session.reportedTools.has(partID)) return;
    session.reportedTools.add(partID);
    session.newInputTokens += outputTokens;
    goalTurn.recordToolResults([fact]);
  }

  /** The model streamed part of an answer (characters of text, reasoning or tool input): checkpointed. */
  async streamed(sessionID: string, chars: number): Promise<void> {
    const session = this.tracker.get(sessionID);
    const before = this.streamedTokens(session);
    session.streamedChars += chars;
    const step = session.turn?.step;
    const tokens = this.streamedTokens(session);
    if (step && Math.floor(tokens / CHECKPOINT_EVERY_TOKENS) > Math.floor(before / CHECKPOINT_EVERY_TOKENS))
      await step.checkpoint(tokens);
  }

  /** A tool call the model wrote, counted once as streamed output (OpenCode sends its arguments whole). */
  async toolCallWritten(sessionID: string, call: { partID: string; chars: number }): Promise<void> {
    const session = this.tracker.get(sessionID);
    // Only while its step is open: a settled step's output is its usage.
    if (!session.turn?.step || session.writtenToolCalls.has(call.partID)) return;
    session.writtenToolCalls.add(call.partID);
    await this.streamed(sessionID, call.chars);
  }

  async failed(sessionID: string, failure: TurnFailure): Promise<void> {
    const session = this.tracker.get(sessionID);
    if (!session.turn) return;
    // An abort the plugin made to enforce a limit is the end of the turn, not a person stopping the goal.
    if (failure.kind === "aborted" && session.stoppingForLimit) return;
    // One it made to cut a silent stream is a failed turn: retried with backoff, like any provider error.
    // One it made because OpenCode held the turn open until a quota resets: the goal waits (see `ended`).
    if (failure.kind === "aborted" && session.cutForQuota) return;
    if (failure.kind === "aborted" && session.cutForSilence) {
      session.turn.failure = { kind: "error", message: session.cutForSilence };
      // The provider bills what it streamed before going silent (OpenCode reports no usage for it).
      await this.settleOpenStep(sessionID, session);
      return;
    }
    session.turn.failure = failure;
  }

  /** The session went idle: the turn (if one ran) ends with its outcome. */
  async ended(sessionID: string): Promise<void> {
    const session = this.tracker.get(sessionID);
    const turn = session.turn;
    // A request still open was aborted or failed without usage: what it streamed is billed, so charged.
    if (turn) await this.settleOpenStep(sessionID, session);
    // A turn the plugin cut because a usage quota ran out (OpenCode may end it with no error event at all).
    if (turn && session.cutForQuota) {
      const { message, resetAt } = session.cutForQuota;
      turn.failure = { kind: "error", message, quotaResetAt: resetAt };
    }
    session.busy = false;
    session.stoppingForLimit = false;
    session.cutForSilence = undefined;
    session.cutForQuota = undefined;
    session.streamedChars = 0;
    session.turn = undefined;
    session.reportedTools.clear();
    session.writtenToolCalls.clear();
    if (!turn) return;
    const failure = turn.failure;
    const ended = await (await turn.goal).end({
      outcome: failure ? failure.kind : "completed",
      ...(failure?.kind === "error" ? { error: failure.message } : {}),
      ...(failure?.kind === "error" && failure.retryAfterMs !== undefined
        ? { retryAfterMs: failure.retryAfterMs }
        : {}),
      ...(failure?.kind === "error" && failure.quotaResetAt !== undefined
        ? { quotaResetAt: failure.quotaResetAt }
        : {}),
    });
    this.tracker.queueContext(sessionID, ended.append);
  }

  /**
   * Settles the request in flight without usage, as providers bill one that got no answer: cut (its estimate
   * charged) once the model began answering, or when the request reached it and was given up (a person's
   * abort, a silent stream cut, the plugin's own abort of a step a limit stopped); released when it was
   * refused or never arrived (an error before any output).
   */
  private async settleOpenStep(sessionID: string, session: TrackedSession): Promise<void> {
    const step = session.turn?.step;
    if (!step || !session.turn) return;
    session.turn.step = undefined;
    const givenUp =
      session.turn.failure?.kind === "aborted" || session.cutForSilence !== undefined || session.stoppingForLimit;
    if (session.streamedChars > 0 || givenUp) {
      const charged = await step.cut(this.streamedTokens(session));
      session.streamedChars = 0;
      this.tracker.queueContext(sessionID, charged.append);
    } else await step.release();
  }

  private streamedTokens(session: TrackedSession): number {
    return session.outputRate.tokensFor(session.streamedChars);
  }
}
