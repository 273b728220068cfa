import {
  type Clock,
  type ContextMessage,
  type Goal,
  type GoalEngine,
  type GoalInput,
  type GoalOutcome,
  type GoalPatch,
  type GoalRefusal,
  ok,
  type Result,
  type SessionFacts,
} from "@pursuit/core";
import {
  type OpencodeTokens,
  type OpencodeToolPart,
  stepUsageFromOpencode,
  toolFactFromPart,
} from "./opencode-usage.js";
import { SessionTracker, type TurnFailure } from "./session-tracker.js";

/** The few things the plugin asks of OpenCode, so the host logic can be read (and driven) without its SDK. */
export interface OpencodeControl {
  /** Starts a turn with a synthetic (hidden in the TUI) user message. */
  promptAsync(sessionID: string, text: string): Promise<void>;
  abort(sessionID: string): Promise<void>;
  /** Sessions OpenCode reports busy right now. */
  busySessions(): Promise<Set<string>>;
}

/** The subset of OpenCode's bus events the host reacts to (shapes from @opencode-ai/sdk). */
export type HostEvent =
  | { type: "session.status"; properties: { sessionID: string; status: { type: string } } }
  | { type: "session.idle"; properties: { sessionID: string } }
  | {
      type: "session.error";
      properties: { sessionID?: string; error?: { name: string; data?: Record<string, unknown> } };
    }
  | { type: "session.deleted"; properties: { info: { id: string } } }
  | {
      type: "message.part.updated";
      properties: { part: { type: string; id: string; sessionID: string } & Record<string, unknown> };
    }
  | { type: "permission.asked" | "question.asked"; properties: { id: string; sessionID: string } }
  | {
      type: "permission.replied" | "question.replied" | "question.rejected";
      properties: { sessionID: string; requestID: string };
    }
  | { type: string; properties?: unknown };

/**
 * Brings the goal engine to a stock OpenCode server: OpenCode runs the turns, the host reports what happens
 * (steps, tools, idle, errors, aborts) to the engine and starts continuations through OpenCode's API. Goal
 * context only ever travels inside a persisted user message (a continuation prompt, or a part added to the
 * user's own message), so OpenCode's requests keep extending each other.
 */
export class OpencodeGoalHost {
  private readonly tracker = new SessionTracker();
  private queue: Promise<void> = Promise.resolve();
  private turnCounter = 0;
  private closed = false;

  constructor(
    readonly engine: GoalEngine,
    private readonly opencode: OpencodeControl,
    private readonly clock: Clock,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** Events are handled one at a time, in the order OpenCode published them. */
  handleEvent(event: HostEvent): Promise<void> {
    this.queue = this.queue
      .then(() => this.dispatch(event))
      .catch((error) => this.log(`event ${event.type} failed: ${String(error)}`));
    return this.queue;
  }

  private async dispatch(event: HostEvent): Promise<void> {
    if (this.closed) return;
    const e = event as { type: string; properties: Record<string, unknown> };
    switch (e.type) {
      case "session.status": {
        const { sessionID, status } = e.properties as { sessionID: string; status: { type: string } };
        if (status.type === "busy") await this.busy(sessionID);
        return;
      }
      case "message.part.updated":
        return this.partUpdated(
          e.properties.part as { type: string; id: string; sessionID: string } & Record<string, unknown>,
        );
      case "session.error": {
        const { sessionID, error } = e.properties as {
          sessionID?: string;
          error?: { name: string; data?: Record<string, unknown> };
        };
        if (sessionID) this.failed(sessionID, error);
        return;
      }
      case "session.idle":
        return this.idle((e.properties as { sessionID: string }).sessionID);
      case "permission.asked":
      case "permission.updated":
      case "question.asked": {
        // A tool waits on a person: nothing continues until they answer.
        const { id, sessionID } = e.properties as { id: string; sessionID: string };
        this.tracker.get(sessionID).pendingRequests.add(id);
        this.tracker.cancelTimer(sessionID);
        return;
      }
      case "permission.replied":
      case "question.replied":
      case "question.rejected": {
        const { sessionID, requestID, permissionID } = e.properties as {
          sessionID: string;
          requestID?: string;
          permissionID?: string;
        };
        const session = this.tracker.get(sessionID);
        session.pendingRequests.delete(requestID ?? permissionID ?? "");
        if (!session.busy && session.pendingRequests.size === 0) await this.considerContinuation(sessionID);
        return;
      }
      case "session.deleted": {
        const id = (e.properties as { info: { id: string } }).info.id;
        this.tracker.forget(id);
        this.engine.forget(id);
        return;
      }
      default:
        return;
    }
  }

  private async busy(sessionID: string): Promise<void> {
    const session = this.tracker.get(sessionID);
    session.busy = true;
    this.tracker.cancelTimer(sessionID);
    if (session.turn) return;
    const continuation = session.continuationPrompted;
    session.continuationPrompted = false;
    session.turn = { id: `turn_${this.clock.now()}_${++this.turnCounter}`, continuation };
    await this.engine.turnStarted(sessionID, { turnID: session.turn.id, continuation });
  }

  private async partUpdated(
    part: { type: string; id: string; sessionID: string } & Record<string, unknown>,
  ): Promise<void> {
    const session = this.tracker.get(part.sessionID);
    if (!session.turn) await this.busy(part.sessionID);
    if (part.type === "step-finish") {
      const usage = stepUsageFromOpencode(part.tokens as OpencodeTokens);
      // OpenCode reports 0 for models without configured prices: that is "unknown", not "free".
      const cost = typeof part.cost === "number" && part.cost > 0 ? part.cost : undefined;
      const result = await this.engine.stepFinished(part.sessionID, {
        stepID: part.id,
        usage,
        ...(cost !== undefined ? { costUSD: cost } : {}),
      });
      this.queueContext(part.sessionID, result.append);
      return;
    }
    if (part.type === "tool" && !session.reportedTools.has(part.id)) {
      const fact = toolFactFromPart(part as unknown as OpencodeToolPart);
      if (!fact) return;
      session.reportedTools.add(part.id);
      this.engine.recordToolResults(part.sessionID, [fact]);
    }
  }

  private failed(sessionID: string, error: { name: string; data?: Record<string, unknown> } | undefined): void {
    const session = this.tracker.get(sessionID);
    if (!session.turn) return;
    if (error?.name === "MessageAbortedError") {
      // An abort the plugin made to enforce a limit is the end of the turn, not a person stopping the goal.
      if (!session.stoppingForLimit) session.turn.failure = { kind: "aborted" };
      return;
    }
    const message = typeof error?.data?.message === "string" ? error.data.message : (error?.name ?? "unknown error");
    session.turn.failure = { kind: "error", message, ...retryAfter(error?.data, this.clock.now()) };
  }

  private async idle(sessionID: string): Promise<void> {
    const session = this.tracker.get(sessionID);
    session.busy = false;
    session.stoppingForLimit = false;
    const turn = session.turn;
    session.turn = undefined;
    session.reportedTools.clear();
    if (turn) {
      const failure: TurnFailure | undefined = turn.failure;
      const ended = await this.engine.turnEnded(sessionID, {
        outcome: failure ? failure.kind : "completed",
        ...(failure?.kind === "error" ? { error: failure.message } : {}),
        ...(failure?.kind === "error" && failure.retryAfterMs !== undefined
          ? { retryAfterMs: failure.retryAfterMs }
          : {}),
      });
      this.queueContext(sessionID, ended.append);
    }
    await this.considerContinuation(sessionID);
  }

  private facts(sessionID: string): SessionFacts {
    const session = this.tracker.get(sessionID);
    return { idle: !session.busy, queuedUserMessage: false, waitingOnPerson: session.pendingRequests.size > 0 };
  }

  /** Asks the engine what comes next on an idle session and schedules it. */
  async considerContinuation(sessionID: string): Promise<void> {
    this.tracker.cancelTimer(sessionID);
    const decision = await this.engine.sessionIdle(sessionID, this.facts(sessionID));
    if (decision.kind !== "continue" || this.closed) return;
    const delay = Math.max(0, decision.at - this.clock.now());
    if (delay === 0) {
      await this.continueNow(sessionID);
      return;
    }
    this.tracker.get(sessionID).timer = setTimeout(() => {
      this.tracker.get(sessionID).timer = undefined;
      this.queue = this.queue
        .then(() => this.continueNow(sessionID))
        .catch((error) => this.log(`continuation failed: ${String(error)}`));
    }, delay);
  }

  private async continueNow(sessionID: string): Promise<void> {
    if (this.closed) return;
    await this.engine.startContinuation(sessionID, {
      facts: () => this.facts(sessionID),
      start: (message) => {
        const session = this.tracker.get(sessionID);
        // Marked busy before the lock is released, so a racing pause or user message sees the turn.
        session.busy = true;
        session.continuationPrompted = true;
        const text = [...this.tracker.takeContext(sessionID), message.text].join("\n\n");
        this.opencode.promptAsync(sessionID, text).catch((error) => {
          this.log(`prompt for ${sessionID} failed: ${String(error)}`);
          session.busy = false;
          session.continuationPrompted = false;
        });
      },
    });
  }

  /** chat.params: enforces the step allowance (cap on output tokens; stop by aborting the turn). */
  async beforeModelRequest(sessionID: string, output: { maxOutputTokens: number | undefined }): Promise<void> {
    const allowance = await this.engine.beforeStep(sessionID);
    switch (allowance.kind) {
      case "run":
        if (allowance.maxOutputTokens !== undefined)
          output.maxOutputTokens = capped(output.maxOutputTokens, allowance.maxOutputTokens);
        return;
      case "wrap_up":
        output.maxOutputTokens = capped(output.maxOutputTokens, allowance.maxOutputTokens);
        this.queueContext(sessionID, allowance.append);
        return;
      case "stop": {
        output.maxOutputTokens = 1;
        this.tracker.get(sessionID).stoppingForLimit = true;
        this.log(`stopping ${sessionID}: ${allowance.reason}`);
        this.opencode.abort(sessionID).catch((error) => this.log(`abort failed: ${String(error)}`));
        return;
      }
    }
  }

  /** chat.message: goal context waiting for this session rides on the user's own message, persisted with it. */
  takeContextForUserMessage(sessionID: string): string | undefined {
    const texts = this.tracker.takeContext(sessionID);
    return texts.length > 0 ? texts.join("\n\n") : undefined;
  }

  private queueContext(sessionID: string, messages: readonly ContextMessage[]): void {
    if (messages.length > 0) this.tracker.get(sessionID).pendingContext.push(...messages);
  }

  // ---- what people ask (HTTP API, TUI) ----

  async createGoal(sessionID: string, input: GoalInput): Promise<Result<Goal, GoalRefusal>> {
    return this.afterChange(sessionID, await this.engine.createGoal(sessionID, input));
  }

  async updateGoal(sessionID: string, patch: GoalPatch): Promise<Result<Goal, GoalRefusal>> {
    return this.afterChange(sessionID, await this.engine.updateGoal(sessionID, patch));
  }

  async clearGoal(sessionID: string): Promise<Result<{ cleared: true }, GoalRefusal>> {
    this.tracker.cancelTimer(sessionID);
    return this.engine.clearGoal(sessionID);
  }

  private async afterChange(
    sessionID: string,
    result: Result<GoalOutcome, GoalRefusal>,
  ): Promise<Result<Goal, GoalRefusal>> {
    if (!result.ok) return result;
    this.queueContext(sessionID, result.value.append);
    if (result.value.goal.status === "active") {
      if (!this.tracker.get(sessionID).busy) await this.considerContinuation(sessionID);
    } else {
      this.tracker.cancelTimer(sessionID);
    }
    return ok(result.value.goal);
  }

  /**
   * `/goal <objective>` typed in OpenCode: the command's own prompt becomes the goal's first turn, carrying
   * the goal context, so nothing else is prompted. A refusal (an unfinished goal exists) is told to the
   * model instead, which explains it to the person.
   */
  async goalFromCommand(sessionID: string, objective: string): Promise<string> {
    const created = await this.engine.createGoal(sessionID, { objective });
    if (!created.ok)
      return `<goal_context>\nThe user asked for a new goal, but it was refused: ${created.error.message}. Tell the user.\n</goal_context>`;
    // The command's turn is about to start: no continuation may race it.
    this.tracker.get(sessionID).busy = true;
    this.tracker.cancelTimer(sessionID);
    return [...this.tracker.takeContext(sessionID), ...created.value.append.map((message) => message.text)].join(
      "\n\n",
    );
  }

  /** At start-up: active goals of idle sessions continue (downtime is never charged). */
  async recover(): Promise<number> {
    const active = await this.engine.recover();
    const busy = await this.opencode.busySessions().catch(() => new Set<string>());
    let resumed = 0;
    for (const goal of active) {
      if (busy.has(goal.sessionID)) {
        this.tracker.get(goal.sessionID).busy = true;
        continue;
      }
      await this.considerContinuation(goal.sessionID);
      resumed++;
    }
    return resumed;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [sessionID] of this.tracker.all()) this.tracker.cancelTimer(sessionID);
    await this.queue;
  }
}

const capped = (current: number | undefined, cap: number): number => Math.max(1, Math.min(current ?? cap, cap));

function retryAfter(data: Record<string, unknown> | undefined, now: number): { retryAfterMs?: number } {
  const headers = data?.responseHeaders as Record<string, string> | undefined;
  const raw = headers?.["retry-after"];
  if (raw === undefined) return {};
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return { retryAfterMs: Math.max(0, seconds * 1000) };
  const date = Date.parse(raw);
  return Number.isNaN(date) ? {} : { retryAfterMs: Math.max(0, date - now) };
}
