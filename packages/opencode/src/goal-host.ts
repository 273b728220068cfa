import {
  assertNever,
  type Clock,
  escapeUserText,
  estimateTokens,
  type Goal,
  type GoalEngine,
  type GoalInput,
  type GoalOutcome,
  type GoalPatch,
  type GoalRefusal,
  type GoalTurn,
  isLive,
  type ModelPrices,
  ok,
  type Result,
  type SessionFacts,
} from "@pursuit/core";
import {
  ContinuationDriver,
  DEFAULT_RETRY_POLICY,
  type GoalContinuation,
  quotaWaitUntil,
  realTimers,
  type Timers,
  waitingContinuation,
} from "@pursuit/driver";
import { CompactionWatch } from "./compaction-watch.js";
import { decodeOpencodeEvent, type OpencodeEvent, type RawOpencodeEvent } from "./opencode-events.js";
import { OrderedQueue } from "./ordered-queue.js";
import { PromptSize } from "./prompt-size.js";
import { SessionTracker } from "./session-tracker.js";
import { type ModelRequestParams, StepLimits } from "./step-limits.js";
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, StreamWatch } from "./stream-watch.js";
import { TurnReporter } from "./turn-reporter.js";

/** The few things the plugin asks of OpenCode, so the host logic can be read (and driven) without its SDK. */
export interface OpencodeControl {
  /** Starts a turn with a synthetic (hidden in the TUI) user message. */
  promptAsync(sessionID: string, text: string): Promise<void>;
  abort(sessionID: string): Promise<void>;
  /** Sessions OpenCode reports busy right now. */
  busySessions(): Promise<Set<string>>;
}

/**
 * Brings the goal engine to a stock OpenCode server: OpenCode runs the turns, the host reports what happens
 * (steps, tools, idle, errors, aborts) to the engine, and the driver starts continuations through OpenCode's
 * API. Goal context only ever travels inside a persisted user message (a continuation prompt, or a part added
 * to the user's own message), so OpenCode's requests keep extending each other.
 */
export class OpencodeGoalHost {
  private readonly tracker = new SessionTracker();
  private readonly queue: OrderedQueue;
  private readonly turns: TurnReporter;
  private readonly limits: StepLimits;
  readonly driver: ContinuationDriver;
  private readonly streams: StreamWatch;
  private readonly compactions = new CompactionWatch();
  /** What OpenCode is about to send, read for a session's first request through this process. */
  readonly promptSize = new PromptSize();
  private closed = false;

  constructor(
    readonly engine: GoalEngine,
    private readonly opencode: OpencodeControl,
    private readonly clock: Clock,
    private readonly log: (message: string) => void = () => {},
    timers: Timers = realTimers,
    settings: { streamIdleTimeoutMs?: number; streamTimers?: Timers } = {},
  ) {
    const idleTimeoutMs = settings.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    this.streams = new StreamWatch(
      idleTimeoutMs,
      (sessionID) => this.cutSilentStream(sessionID, idleTimeoutMs),
      settings.streamTimers ?? realTimers,
    );
    this.queue = new OrderedQueue((error) => log(`failed: ${String(error)}`));
    const stopForLimit = (sessionID: string, reason: string) => {
      this.log(`stopping ${sessionID}: ${reason}`);
      this.opencode.abort(sessionID).catch((error) => this.log(`abort failed: ${String(error)}`));
    };
    this.turns = new TurnReporter(engine, this.tracker, clock, stopForLimit, this.promptSize);
    this.limits = new StepLimits(this.tracker, stopForLimit);
    this.driver = new ContinuationDriver(
      engine,
      clock,
      {
        facts: (sessionID) => this.facts(sessionID),
        startTurn: (sessionID, message) => {
          const session = this.tracker.get(sessionID);
          // Marked busy before the engine's lock is released, so a racing pause or user message sees the turn.
          session.busy = true;
          session.continuationPrompted = true;
          const text = [...this.tracker.takeContext(sessionID), message.text].join("\n\n");
          session.newInputTokens += estimateTokens(text);
          return this.opencode.promptAsync(sessionID, text).catch((error: unknown) => {
            // Only if OpenCode has not started the turn meanwhile (its busy event would have made one).
            if (!session.turn) {
              session.busy = false;
              session.continuationPrompted = false;
            }
            throw error;
          });
        },
        reportError: (sessionID, error) => this.log(`continuation of ${sessionID}: ${String(error)}`),
      },
      timers,
    );
  }

  /** Events are handled one at a time, in the order OpenCode published them. */
  async handleEvent(raw: RawOpencodeEvent): Promise<void> {
    if (this.closed) return;
    const event = decodeOpencodeEvent(raw, this.clock.now());
    if (event) await this.queue.run(() => this.dispatch(event));
  }

  /**
   * chat.params: enforces the step allowance. It waits behind the events already queued, and a request
   * seen before its turn's busy event starts the turn itself, so no step is ever judged without its turn.
   */
  async beforeModelRequest(sessionID: string, output: ModelRequestParams, prices?: ModelPrices): Promise<void> {
    await this.queue.run(async () => {
      this.limits.apply(sessionID, await this.turns.stepStarting(sessionID, prices, output.maxOutputTokens), output);
      this.streams.streaming(sessionID);
    });
  }

  /**
   * experimental.chat.messages.transform: the messages of a request about to go out, read when the session's
   * earlier requests went out before this process started (or there were none).
   */
  messagesBeforeRequest(sessionID: string, messages: Parameters<PromptSize["messages"]>[1]): void {
    if (!this.tracker.get(sessionID).requestSeen) this.promptSize.messages(sessionID, messages);
  }

  /** The engine's side of the session's running turn, for the goal tools the model calls in it. */
  goalTurn(sessionID: string): Promise<GoalTurn> {
    return this.turns.started(sessionID);
  }

  /**
   * The model sent nothing for the idle timeout: the plugin aborts the turn (not a person's abort), which ends
   * it as failed, so the goal continues after the usual backoff.
   */
  private cutSilentStream(sessionID: string, timeoutMs: number): void {
    const session = this.tracker.get(sessionID);
    if (!session.busy) return;
    session.cutForSilence = `the model stream was silent for ${Math.round(timeoutMs / 1000)} s; the turn was cut`;
    this.log(`${sessionID}: ${session.cutForSilence}`);
    this.opencode.abort(sessionID).catch((error) => this.log(`abort failed: ${String(error)}`));
  }

  /**
   * OpenCode holds the turn open until a usage quota resets: the plugin ends the turn (not a person's abort), and
   * the goal waits for the reset in the store, where it is shown and survives a restart; no request goes out
   * before it.
   */
  private cutForQuota(sessionID: string, message: string, resetAt: number): void {
    const session = this.tracker.get(sessionID);
    if (!session.busy || session.cutForQuota) return;
    session.cutForQuota = {
      message,
      resetAt: quotaWaitUntil({ message, quotaResetAt: resetAt }, DEFAULT_RETRY_POLICY, this.clock.now()) ?? resetAt,
    };
    this.log(`${sessionID}: usage quota exhausted until ${new Date(resetAt).toISOString()}; the goal waits`);
    this.opencode.abort(sessionID).catch((error) => this.log(`abort failed: ${String(error)}`));
  }

  /**
   * OpenCode compacted the session (the goal goes back into its view through `CompactionContext`).
   * Compacting again and again with no tool finishing between pauses the goal.
   */
  private async compacted(sessionID: string): Promise<void> {
    const goal = await this.engine.getGoal(sessionID);
    if (goal?.status !== "active") return;
    if (this.compactions.compacted(sessionID)) {
      const streak = this.compactions.streak(sessionID);
      this.compactions.forget(sessionID);
      const reason = `OpenCode compacted the session ${streak} times in a row without any work between; the history may not fit the model's window`;
      this.log(`${sessionID}: ${reason}`);
      this.driver.cancel(sessionID);
      await this.engine.apply(sessionID, [{ type: "pause", reason }], "runtime");
    }
  }

  /** experimental.compaction.autocontinue: OpenCode's own "Continue" turn, only without an active goal (a goal continues as a goal continuation). */
  async autoContinueAfterCompaction(sessionID: string): Promise<boolean> {
    return (await this.engine.getGoal(sessionID))?.status !== "active";
  }

  /** experimental.session.compacting: what OpenCode's summary must keep of the goal. */
  async compactionContext(sessionID: string): Promise<string | undefined> {
    const goal = await this.engine.getGoal(sessionID);
    if (goal?.status !== "active") return undefined;
    return `This session has an active goal set by the user; keep its objective word for word and what was done toward it in the summary:\n<objective>${escapeUserText(goal.objective)}</objective>`;
  }

  private async dispatch(event: OpencodeEvent): Promise<void> {
    if (this.closed) return;
    const { sessionID } = event;
    switch (event.type) {
      case "busy":
      case "activity":
        this.driver.cancel(sessionID);
        if (event.type === "activity" && event.toolRunning) this.streams.pause(sessionID);
        else this.streams.streaming(sessionID);
        if (event.type === "activity" && event.streamedChars) await this.turns.streamed(sessionID, event.streamedChars);
        if (event.type === "activity" && event.toolCall) await this.turns.toolCallWritten(sessionID, event.toolCall);
        await this.turns.started(sessionID);
        return;
      case "step-finished":
        return this.turns.stepFinished(sessionID, event);
      case "tool-finished":
        this.compactions.worked(sessionID);
        // The model's next request follows the tool's result.
        this.streams.streaming(sessionID);
        await this.turns.toolCallWritten(sessionID, event.toolCall);
        return this.turns.toolFinished(sessionID, event.partID, event.fact, event.outputTokens);
      case "failed":
        this.streams.pause(sessionID);
        return this.turns.failed(sessionID, event.failure);
      case "idle":
        this.streams.pause(sessionID);
        await this.turns.ended(sessionID);
        return this.driver.sessionIdle(sessionID);
      case "compacted":
        return this.compacted(sessionID);
      case "retrying":
        if (event.quotaResetAt !== undefined) this.cutForQuota(sessionID, event.message, event.quotaResetAt);
        return;
      case "person-asked":
        // A tool waits on a person: nothing continues until they answer, and the goal shows it needs input.
        this.tracker.get(sessionID).pendingRequests.add(event.requestID);
        this.driver.cancel(sessionID);
        this.streams.pause(sessionID);
        await this.engine.waitingOnPerson(sessionID, event.asked);
        return;
      case "person-answered": {
        const session = this.tracker.get(sessionID);
        session.pendingRequests.delete(event.requestID);
        if (session.pendingRequests.size > 0) return;
        await this.engine.personAnswered(sessionID);
        if (!session.busy) await this.driver.sessionIdle(sessionID);
        return;
      }
      case "deleted":
        this.driver.cancel(sessionID);
        this.streams.pause(sessionID);
        this.compactions.forget(sessionID);
        this.tracker.forget(sessionID);
        this.engine.forget(sessionID);
        return;
      default:
        return assertNever(event, "OpenCode event");
    }
  }

  private facts(sessionID: string): SessionFacts {
    const session = this.tracker.get(sessionID);
    return { idle: !session.busy, queuedUserMessage: false, waitingOnPerson: session.pendingRequests.size > 0 };
  }

  /**
   * chat.message: goal context waiting for this session rides on the user's own message, persisted with it.
   * `userText` is what the person wrote: with the context, the next request's new input.
   */
  takeContextForUserMessage(sessionID: string, userText = ""): string | undefined {
    const texts = this.tracker.takeContext(sessionID);
    const context = texts.length > 0 ? texts.join("\n\n") : undefined;
    this.tracker.get(sessionID).newInputTokens += estimateTokens(userText + (context ?? ""));
    return context;
  }

  /** What happens next in the session without anyone acting. */
  async continuation(sessionID: string): Promise<GoalContinuation> {
    if (this.tracker.get(sessionID).busy) return { state: "running" };
    const next = this.driver.continuation(sessionID);
    if (next.state !== "none") return next;
    const goal = await this.engine.getGoal(sessionID);
    return goal?.status === "waiting" && goal.wait ? waitingContinuation(goal.wait) : next;
  }

  // ---- what people ask (HTTP API, TUI) ----

  async createGoal(sessionID: string, input: GoalInput): Promise<Result<Goal, GoalRefusal>> {
    return this.afterChange(sessionID, await this.engine.createGoal(sessionID, input));
  }

  async updateGoal(sessionID: string, patch: GoalPatch): Promise<Result<Goal, GoalRefusal>> {
    return this.afterChange(sessionID, await this.engine.updateGoal(sessionID, patch));
  }

  async clearGoal(sessionID: string): Promise<Result<{ cleared: true }, GoalRefusal>> {
    this.driver.cancel(sessionID);
    return this.engine.clearGoal(sessionID);
  }

  private async afterChange(
    sessionID: string,
    result: Result<GoalOutcome, GoalRefusal>,
  ): Promise<Result<Goal, GoalRefusal>> {
    if (!result.ok) return result;
    this.tracker.queueContext(sessionID, result.value.append);
    // An active goal continues; a waiting one has its alarm set again.
    if (isLive(result.value.goal)) await this.driver.sessionIdle(sessionID);
    else this.driver.cancel(sessionID);
    return ok(result.value.goal);
  }

  /**
   * `/goal <objective>` typed in OpenCode: the command's own prompt becomes the goal's first turn, carrying
   * the goal context, so nothing else is prompted. A refusal (an unfinished goal exists) is told to the
   * model instead, which explains it to the person.
   */
  async goalFromCommand(sessionID: string, objective: string): Promise<string> {
    const session = this.tracker.get(sessionID);
    // The command's turn is about to start: no continuation may race it.
    session.busy = true;
    this.driver.cancel(sessionID);
    const created = await this.engine.createGoal(sessionID, { objective });
    if (!created.ok)
      return `<goal_context>\nThe user asked for a new goal, but it was refused: ${created.error.message}. Tell the user.\n</goal_context>`;
    return [...this.tracker.takeContext(sessionID), ...created.value.append.map((message) => message.text)].join(
      "\n\n",
    );
  }

  /** At start-up: active goals of idle sessions continue and waiting ones wait on (downtime is never charged). */
  async recover(): Promise<number> {
    const active = await this.engine.recover();
    const busy = await this.opencode.busySessions().catch(() => new Set<string>());
    let resumed = 0;
    for (const goal of active) {
      if (busy.has(goal.sessionID)) {
        this.tracker.get(goal.sessionID).busy = true;
        continue;
      }
      await this.driver.sessionIdle(goal.sessionID);
      resumed++;
    }
    return resumed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.streams.close();
    await this.driver.close();
    await this.queue.drain();
  }
}
