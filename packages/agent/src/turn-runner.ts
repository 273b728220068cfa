import {
  type ContextMessage,
  type Goal,
  type GoalEngine,
  type GoalTurn,
  type StepUsage,
  stepCharge,
  type ToolResultFact,
  type TurnEnd,
} from "@pursuit/core";
import { classifyFailure, quotaWaitUntil, type RetryNotice, type RetryPolicy } from "@pursuit/driver";
import type { Store } from "@pursuit/store";
import { COMPACT_AT_SHARE, type CompactionTurnEnd, Compactor, turnEndAfter } from "./compaction/compactor.js";
import type { EventBus, MessageWithParts } from "./events.js";
import { runChargedStep } from "./model-loop/charged-step.js";
import { cachedPrompt } from "./model-loop/prompt-caching.js";
import {
  defaultOutputReserve,
  newInputTokens,
  type PromptView,
  promptTokens,
  readPromptView,
} from "./model-loop/prompt-view.js";
import { runToolCall } from "./model-loop/run-tool-call.js";
import type { StepFailure, StepToolCall } from "./model-loop/step.js";
import { StepTranscript } from "./model-loop/step-transcript.js";
import { toStepUsage, toStoredUsage } from "./model-loop/usage.js";
import type { PermissionPolicy } from "./permissions.js";
import type { ModelResolver, ResolvedModel } from "./providers.js";
import type { SessionState, TurnHandle } from "./session-state.js";
import { systemPrompt } from "./system-prompt.js";
import type { ToolContext } from "./tools/tool.js";
import type { ToolRegistry } from "./tools/tool-registry.js";
import type { TranscriptWriter } from "./transcript-writer.js";

export type TurnSettings = {
  maxStepsPerTurn: number;
  /** How transient provider failures are retried inside a turn. */
  retry: RetryPolicy;
  bash: ToolContext["bash"];
};

export type TurnDeps = {
  store: Store;
  engine: GoalEngine;
  bus: EventBus;
  writer: TranscriptWriter;
  tools: ToolRegistry;
  models: ModelResolver;
  permissions: PermissionPolicy;
  settings: TurnSettings;
  now: () => number;
  /** A failed request waits to be retried (`notice`), or that wait is over. */
  onRetry: (sessionID: string, notice: RetryNotice | undefined) => void;
  /** The model created a goal through its tool. */
  onGoalCreated: (sessionID: string, goal: Goal) => Promise<void>;
};

export type TurnResult = {
  outcome: "completed" | "error" | "aborted";
  error?: StepFailure;
  /** The goal cannot go on (a history that cannot be compacted): it is blocked with this reason. */
  blocked?: string;
  /** The id of the turn's last assistant message. */
  lastAssistantID?: string;
};

const NOT_RUN_AT_LIMIT = "[not run: the goal's limit is reached]";
const ABORTED = "[aborted]";

/**
 * One turn of a session: model steps one at a time, each asked of the goal engine first (stop, cap the
 * output, or one wrap-up step), streamed and persisted, charged, then its tool calls executed here so the
 * loop controls what happens between steps.
 */
export class TurnRunner {
  private readonly fixedPromptChars: number;

  private readonly compactor: Compactor;

  constructor(private readonly deps: TurnDeps) {
    this.fixedPromptChars = JSON.stringify(
      Object.entries(deps.tools.toolSet).map(([name, entry]) => [name, entry.description, entry.inputSchema]),
    ).length;
    this.compactor = new Compactor({
      store: deps.store,
      engine: deps.engine,
      writer: deps.writer,
      bus: deps.bus,
      tools: deps.tools.toolSet,
      retry: deps.settings.retry,
      now: deps.now,
      onRetry: deps.onRetry,
    });
  }

  async run(state: SessionState, turn: TurnHandle, options: { modelRef?: string }): Promise<TurnResult> {
    const goalTurn = await this.deps.engine.beginTurn(state.id, { turnID: turn.id, continuation: turn.continuation });
    let result: TurnResult;
    try {
      result = await this.steps(state, turn, goalTurn, options);
    } catch (error) {
      result = { outcome: "error", error: { name: "TurnError", message: (error as Error).message ?? String(error) } };
      this.reportError(state.id, result.error as StepFailure);
    }
    if (turn.stop === "user") result = { ...result, outcome: "aborted" };
    let end: TurnEnd;
    if (turn.stop === "shutdown" || turn.stop === "deleted" || turn.stop === "handed_over") {
      // The host is going away (or another replica took over), not the user: the goal stays active and resumes.
      end = { outcome: "error", error: "the runtime stopped during the turn" };
    } else {
      end = {
        outcome: result.outcome,
        ...(result.error ? { error: result.error.message } : {}),
        ...(result.blocked ? { blocked: result.blocked } : {}),
        ...(result.error?.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}),
      };
      // Whether the goal waits for the reset or is blocked is the goal's own rule (see decideContinuation).
      const quotaResetAt = result.error
        ? quotaWaitUntil(result.error, this.deps.settings.retry, this.deps.now())
        : undefined;
      if (quotaResetAt !== undefined) end.quotaResetAt = quotaResetAt;
    }
    const ended = await goalTurn.end(end);
    if (turn.stop !== "deleted") await this.deps.writer.appendContext(state.id, ended.append);
    return result;
  }

  private async steps(
    state: SessionState,
    turn: TurnHandle,
    goalTurn: GoalTurn,
    options: { modelRef?: string },
  ): Promise<TurnResult> {
    const signal = turn.controller.signal;
    const resolved = this.deps.models.resolve(options.modelRef);
    if (!resolved.ok) {
      const error = { name: "ModelNotConfigured", message: resolved.error.message };
      this.reportError(state.id, error);
      return { outcome: "error", error };
    }
    const model = resolved.value;
    const system = systemPrompt(state.directory);
    let lastAssistantID: string | undefined;
    const done = (outcome: TurnResult["outcome"], error?: StepFailure, blocked?: string): TurnResult => ({
      outcome,
      ...(error ? { error } : {}),
      ...(blocked ? { blocked } : {}),
      ...(lastAssistantID ? { lastAssistantID } : {}),
    });
    // At most one compaction per step: a step still too long after one blocks the goal instead of looping.
    let compactedAtStep = -1;

    for (let index = 0; ; index++) {
      if (signal.aborted) return done("aborted");
      if (index >= this.deps.settings.maxStepsPerTurn) return done("completed");
      // Prompts appended so far are part of this step's history: this turn answers them.
      turn.waiters.push(...state.pendingWaiters);
      state.pendingWaiters = [];
      const prepared = await this.prepare(state, model, system);
      const compactFor = (reason: "threshold" | "too_long") => {
        compactedAtStep = index;
        return this.compact(state, model, goalTurn, reason, { system, ...prepared, turn });
      };
      if (prepared.overThreshold && compactedAtStep !== index) {
        const compacted = await compactFor("threshold");
        if (compacted) return done(...compacted);
        index--;
        continue;
      }
      const allowance = await goalTurn.allowStep({
        estimatedInputTokens: prepared.newInput.bound,
        promptTokens: prepared.promptTokens,
        outputCap: model.maxOutputTokens ?? defaultOutputReserve(model.contextWindow),
        ...(model.prices ? { prices: model.prices } : {}),
      });
      if (allowance.kind === "stop") return done("completed");
      let view = prepared.view;
      if (allowance.kind === "wrap_up" && allowance.append.length > 0) {
        await this.deps.writer.appendContext(state.id, allowance.append);
        view = await readPromptView(this.deps.store, state, system.length + this.fixedPromptChars);
      }
      if (signal.aborted) return done("aborted");

      const step = await this.step(state, model, goalTurn, {
        system,
        view,
        estimatedInputTokens: prepared.newInput.likely,
        newInputChars: prepared.newInput.chars,
        maxOutputTokens: minDefined(allowance.maxOutputTokens, model.maxOutputTokens),
        signal,
        retryWait: turn.retryWait.signal,
        wrapUp: allowance.kind === "wrap_up",
      });
      lastAssistantID = step.messageID;
      if (step.kind === "aborted") return done("aborted");
      if (step.kind === "failed" && classifyFailure(step.error) === "context_too_long") {
        // The provider's window is smaller than we knew: compact and send the step again, once.
        if (compactedAtStep === index) {
          const reason = `the prompt is still too long for ${model.ref} after compacting: ${step.error.message}`;
          return done("completed", undefined, reason);
        }
        const compacted = await compactFor("too_long");
        if (compacted) return done(...compacted);
        index--;
        continue;
      }
      if (step.kind === "failed") return done("error", step.error);
      if (allowance.kind === "wrap_up" || step.toolCalls === 0) return done("completed");
      if (signal.aborted) return done("aborted");
    }
  }

  /** The next step's prompt view and its sizes: new input (bound and likely), whole prompt, output room. */
  private async prepare(state: SessionState, model: ResolvedModel, system: string) {
    const fixedChars = system.length + this.fixedPromptChars;
    const view = await readPromptView(this.deps.store, state, fixedChars);
    const promptSize = promptTokens(state, view, fixedChars);
    const outputReserve = model.maxOutputTokens ?? defaultOutputReserve(model.contextWindow);
    return {
      view,
      newInput: newInputTokens(state, view, fixedChars),
      promptTokens: promptSize,
      outputReserve,
      overThreshold: promptSize + outputReserve > model.contextWindow * COMPACT_AT_SHARE,
    };
  }

  /** Compacts the view; undefined when the step may go on, else how the turn ends. */
  private async compact(
    state: SessionState,
    model: ResolvedModel,
    goalTurn: GoalTurn,
    reason: "threshold" | "too_long",
    request: { system: string; outputReserve: number; newInput: { bound: number }; turn: TurnHandle },
  ): Promise<CompactionTurnEnd | undefined> {
    const outcome = await this.compactor.compact(state, model, goalTurn, {
      reason,
      system: request.system,
      toolChars: this.fixedPromptChars,
      outputReserve: request.outputReserve,
      newInputTokens: request.newInput.bound,
      signal: request.turn.controller.signal,
      retryWait: request.turn.retryWait.signal,
    });
    if (outcome.kind === "error") this.reportError(state.id, outcome.error);
    return turnEndAfter(outcome);
  }

  /** One model step (charged through the turn, retried inside it) and its tool calls. */
  private async step(
    state: SessionState,
    model: ResolvedModel,
    goalTurn: GoalTurn,
    request: {
      system: string;
      view: PromptView;
      maxOutputTokens: number | undefined;
      signal: AbortSignal;
      retryWait: AbortSignal;
      /** What a crash or a cut stream charges as the step's input; the characters it stands for. */
      estimatedInputTokens: number;
      newInputChars: number;
      wrapUp: boolean;
    },
  ): Promise<
    | { kind: "finished"; messageID: string; toolCalls: number }
    | { kind: "aborted"; messageID: string }
    | { kind: "failed"; messageID: string; error: StepFailure }
  > {
    const { writer } = this.deps;
    const prompt = cachedPrompt(model.providerType, {
      system: request.system,
      messages: request.view.messages,
      sessionID: state.id,
      ...(state.lastRequestMessageCount !== undefined ? { previousMessageCount: state.lastRequestMessageCount } : {}),
    });
    const transcript = new StepTranscript(writer, state.id, model.ref, this.deps.now);
    const { result, charged, stepID } = await runChargedStep({
      goalTurn,
      model,
      request: {
        ...prompt,
        tools: this.deps.tools.toolSet,
        ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
      },
      estimatedInputTokens: request.estimatedInputTokens,
      outputRate: state.outputRate,
      signal: request.signal,
      retryWait: request.retryWait,
      retry: this.deps.settings.retry,
      now: this.deps.now,
      onRetry: (notice) => this.deps.onRetry(state.id, notice),
      onAttempt: (stepID) => transcript.attempt(stepID),
      onEvent: transcript.onEvent,
      onCut: async (cut, attempt) => {
        if (attempt.streamed) await transcript.brokeOff();
        if (cut.append.length === 0) return true;
        // What the cut attempt cost crossed a limit: no retry; the turn ends as any step over a limit does.
        await writer.appendContext(state.id, cut.append);
        return false;
      },
    });
    state.lastRequestChars = request.view.chars;
    state.lastRequestMessageCount = request.view.messages.length;
    const messageID = transcript.messageID;
    if (result.kind === "stopped_after_cut") return { kind: "finished", messageID, toolCalls: 0 };
    if (result.kind !== "finished") {
      // Output the model had streamed is billed by the provider, whatever ended the stream: charged by now.
      await writer.appendContext(state.id, charged.append);
      const error = result.kind === "aborted" ? { name: "AbortError", message: "aborted" } : result.error;
      await transcript.failed({ name: error.name, message: error.message });
      if (result.kind === "aborted") return { kind: "aborted", messageID };
      // A prompt over the window is no error to show: the turn compacts and sends the step again.
      if (classifyFailure(result.error) !== "context_too_long") this.reportError(state.id, result.error);
      return { kind: "failed", messageID, error: result.error };
    }
    const usage = toStepUsage(result.usage);
    this.learnRates(state, request.view, request.system, usage, request.newInputChars);
    await transcript.recorder.flushOpenBlocks();
    const costUSD = model.prices ? stepCharge(usage, model.prices).costUSD : null;
    const stored = toStoredUsage(usage);
    await writer.finishMessage(
      messageID,
      { type: "step-finish", stepID, finishReason: result.finishReason, usage: stored, costUSD },
      { model: model.ref, finishReason: result.finishReason, usage: stored, costUSD },
      this.deps.now(),
    );
    const toolCalls = await this.runToolCalls(state, goalTurn, transcript, result.toolCalls, {
      skip: request.wrapUp || charged.append.length > 0,
      signal: request.signal,
    });
    await writer.appendContext(state.id, charged.append as ContextMessage[]);
    if (request.signal.aborted) return { kind: "aborted", messageID };
    return { kind: "finished", messageID, toolCalls };
  }

  /** The step's tool calls, one after another, unless the step wrapped up or crossed a limit; their facts go to the turn. */
  private async runToolCalls(
    state: SessionState,
    goalTurn: GoalTurn,
    transcript: StepTranscript,
    calls: readonly StepToolCall[],
    options: { skip: boolean; signal: AbortSignal },
  ): Promise<number> {
    const facts: ToolResultFact[] = [];
    for (const call of calls) {
      if (options.skip || options.signal.aborted) break;
      facts.push(await runToolCall(this.deps, state, goalTurn, transcript.recorder, call, options.signal));
    }
    await transcript.recorder.failUnfinishedTools(options.signal.aborted ? ABORTED : NOT_RUN_AT_LIMIT);
    goalTurn.recordToolResults(facts);
    return calls.length;
  }

  /** The provider counted the prompt and the answer: the session's rates and the next prompt's base follow. */
  private learnRates(state: SessionState, view: PromptView, system: string, usage: StepUsage, newChars: number): void {
    const promptInput = usage.noCacheInput + usage.cacheRead + usage.cacheWrite;
    state.inputRate.observe(view.chars + system.length + this.fixedPromptChars, promptInput);
    // A step that read the cache billed its new part uncached: how its characters turn into billed tokens.
    if (usage.cacheRead > 0) state.newInputRate.observe(newChars, usage.noCacheInput + usage.cacheWrite);
    state.lastPromptTokens = promptInput + usage.output;
  }

  private reportError(sessionID: string, error: StepFailure): void {
    this.deps.bus.emit({
      type: "session.error",
      properties: { sessionID, error: { name: error.name, message: error.message } },
    });
  }
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

export type { MessageWithParts };
