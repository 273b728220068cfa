import {
  type ContextMessage,
  type Goal,
  type GoalEngine,
  stepCharge,
  type ToolResultFact,
  type TurnEnd,
} from "@pursuit/core";
import { callWithRetries, classifyFailure, type RetryNotice, type RetryPolicy } from "@pursuit/driver";
import { createId, type Store } from "@pursuit/store";
import type { ModelMessage } from "ai";
import { COMPACT_AT_SHARE, type CompactionTurnEnd, Compactor, turnEndAfter } from "./compaction/compactor.js";
import type { EventBus, MessageWithParts } from "./events.js";
import { OutputCheckpoints } from "./model-loop/output-checkpoints.js";
import { cachedPrompt } from "./model-loop/prompt-caching.js";
import { defaultOutputReserve, newInputTokens, promptTokens, readPromptView } from "./model-loop/prompt-view.js";
import { runToolCall } from "./model-loop/run-tool-call.js";
import { providerFailureOf, runModelStep, type StepFailure } from "./model-loop/step.js";
import { StepRecorder } from "./model-loop/step-recorder.js";
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
    const { engine, writer } = this.deps;
    await engine.turnStarted(state.id, { turnID: turn.id, continuation: turn.continuation });
    let result: TurnResult;
    try {
      result = await this.steps(state, turn, options);
    } catch (error) {
      result = { outcome: "error", error: { name: "TurnError", message: (error as Error).message ?? String(error) } };
      this.reportError(state.id, result.error as StepFailure);
    }
    if (turn.stop === "user") result = { ...result, outcome: "aborted" };
    let end: TurnEnd;
    if (turn.stop === "shutdown" || turn.stop === "deleted") {
      // The host is going away, not the user: the goal stays active and resumes on the next start.
      end = { outcome: "error", error: "the runtime stopped during the turn" };
    } else {
      end = {
        outcome: result.outcome,
        ...(result.error ? { error: result.error.message } : {}),
        ...(result.blocked ? { blocked: result.blocked } : {}),
        ...(result.error?.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}),
      };
    }
    const ended = await engine.turnEnded(state.id, end);
    if (turn.stop !== "deleted") await writer.appendContext(state.id, ended.append);
    return result;
  }

  private async steps(state: SessionState, turn: TurnHandle, options: { modelRef?: string }): Promise<TurnResult> {
    const { engine, writer } = this.deps;
    const signal = turn.controller.signal;
    const resolved = this.deps.models.resolve(options.modelRef);
    if (!resolved.ok) {
      const error = { name: "ModelNotConfigured", message: resolved.error.message };
      this.reportError(state.id, error);
      return { outcome: "error", error };
    }
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
      let { messages, chars } = await readPromptView(this.deps.store, state);
      const fixedChars = system.length + this.fixedPromptChars;
      const estimatedInputTokens = newInputTokens(state, { messages, chars }, fixedChars);
      const outputReserve = resolved.value.maxOutputTokens ?? defaultOutputReserve(resolved.value.contextWindow);
      const overThreshold =
        promptTokens(state, { messages, chars }, fixedChars) + outputReserve >
        resolved.value.contextWindow * COMPACT_AT_SHARE;
      const compactFor = (reason: "threshold" | "too_long") => {
        compactedAtStep = index;
        return this.compact(state, resolved.value, reason, {
          system,
          outputReserve,
          newInputTokens: estimatedInputTokens,
          turn,
        });
      };
      if (overThreshold && compactedAtStep !== index) {
        const compacted = await compactFor("threshold");
        if (compacted) return done(...compacted);
        index--;
        continue;
      }
      const allowance = await engine.beforeStep(state.id, { estimatedInputTokens });
      if (allowance.kind === "stop") return done("completed");
      const wrapUp = allowance.kind === "wrap_up";
      if (allowance.kind === "wrap_up" && allowance.append.length > 0) {
        await writer.appendContext(state.id, allowance.append);
        ({ messages, chars } = await readPromptView(this.deps.store, state));
      }
      if (signal.aborted) return done("aborted");

      const step = await this.step(state, resolved.value, {
        system,
        messages,
        estimatedInputTokens,
        maxOutputTokens: minDefined(allowance.maxOutputTokens, resolved.value.maxOutputTokens),
        signal,
        retryWait: turn.retryWait.signal,
        wrapUp,
      });
      state.lastRequestChars = chars;
      state.lastRequestMessageCount = messages.length;
      lastAssistantID = step.messageID;
      if (step.kind === "aborted") return done("aborted");
      if (step.kind === "failed" && classifyFailure(step.error) === "context_too_long") {
        // The provider's window is smaller than we knew: compact and send the step again, once.
        if (compactedAtStep === index) {
          const reason = `the prompt is still too long for ${resolved.value.ref} after compacting: ${step.error.message}`;
          return done("completed", undefined, reason);
        }
        const compacted = await compactFor("too_long");
        if (compacted) return done(...compacted);
        index--;
        continue;
      }
      if (step.kind === "failed") return done("error", step.error);
      if (wrapUp || step.toolCalls === 0) return done("completed");
      if (signal.aborted) return done("aborted");
    }
  }

  /** Compacts the view; undefined when the step may go on, else how the turn ends. */
  private async compact(
    state: SessionState,
    model: ResolvedModel,
    reason: "threshold" | "too_long",
    request: { system: string; outputReserve: number; newInputTokens: number; turn: TurnHandle },
  ): Promise<CompactionTurnEnd | undefined> {
    const outcome = await this.compactor.compact(state, model, {
      reason,
      system: request.system,
      toolChars: this.fixedPromptChars,
      outputReserve: request.outputReserve,
      newInputTokens: request.newInputTokens,
      signal: request.turn.controller.signal,
      retryWait: request.turn.retryWait.signal,
    });
    if (outcome.kind === "error") this.reportError(state.id, outcome.error);
    return turnEndAfter(outcome);
  }

  /** One model step and its tool calls. */
  private async step(
    state: SessionState,
    model: ResolvedModel,
    request: {
      system: string;
      messages: ModelMessage[];
      maxOutputTokens: number | undefined;
      signal: AbortSignal;
      /** Aborts with the turn, or alone when the goal is paused or cleared during a retry wait. */
      retryWait: AbortSignal;
      /** Reserved before the request, so a crash mid-step still charges it. */
      estimatedInputTokens: number;
      wrapUp: boolean;
    },
  ): Promise<
    | { kind: "finished"; messageID: string; toolCalls: number }
    | { kind: "aborted"; messageID: string }
    | { kind: "failed"; messageID: string; error: StepFailure }
  > {
    const { engine, writer } = this.deps;
    // Each attempt of the step is reserved and charged under its own id: an attempt cut mid-stream is billed.
    let stepID = createId("step");
    const prompt = cachedPrompt(model.providerType, {
      system: request.system,
      messages: request.messages,
      sessionID: state.id,
      ...(state.lastRequestMessageCount !== undefined ? { previousMessageCount: state.lastRequestMessageCount } : {}),
    });
    const newMessage = () => writer.appendAssistant(state.id, { model: model.ref }, [{ type: "step-start", stepID }]);
    let message = await newMessage();
    let recorder = new StepRecorder(writer, message.id, this.deps.now);
    let streamed = false;
    const reserve = async () => {
      await engine.reserveStep(state.id, { stepID, estimatedInputTokens: request.estimatedInputTokens });
      const attemptID = stepID;
      return new OutputCheckpoints((outputTokens) =>
        engine.checkpointStep(state.id, { stepID: attemptID, outputTokens }),
      );
    };
    let checkpoints = await reserve();
    // An attempt whose stream broke off after the model started answering: billed by the provider, so charged.
    const chargeCutAttempt = () =>
      engine.stepCut(state.id, {
        stepID,
        estimatedInputTokens: request.estimatedInputTokens,
        outputTokens: checkpoints.tokens,
        ...(model.prices ? { prices: model.prices } : {}),
      });
    let cutCrossedLimit = false;
    const attempt = async () => {
      if (streamed) {
        // The failed attempt streamed part of an answer: that stays, marked failed, and is charged (the provider
        // bills it); the retry answers in a message of its own.
        await recorder.flushOpenBlocks();
        await recorder.failUnfinishedTools(ABORTED);
        const failed = { name: "StreamError", message: "the answer broke off; the request was sent again" };
        await writer.updateMessage(message.id, { model: model.ref, error: failed }, this.deps.now());
        const cut = await chargeCutAttempt();
        if (cut.append.length > 0) {
          // What the cut attempt cost crossed a limit: no retry; the turn ends as any step over a limit does.
          cutCrossedLimit = true;
          await writer.appendContext(state.id, cut.append);
          return { kind: "aborted" as const };
        }
        message = await newMessage();
        recorder = new StepRecorder(writer, message.id, this.deps.now);
        streamed = false;
        stepID = createId("step");
        checkpoints = await reserve();
      }
      return runModelStep({
        model: model.model,
        ...prompt,
        tools: this.deps.tools.toolSet,
        ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
        signal: request.signal,
        ...(model.streamIdleTimeoutMs !== undefined ? { idleTimeoutMs: model.streamIdleTimeoutMs } : {}),
        onEvent: async (event) => {
          streamed = true;
          await recorder.onEvent(event);
          await checkpoints.streamed(event);
        },
      });
    };
    // Transient provider failures are retried here, inside the turn, while the session shows `retrying`.
    const result = await callWithRetries(attempt, {
      policy: this.deps.settings.retry,
      clock: { now: this.deps.now },
      signal: request.retryWait,
      failureOf: providerFailureOf,
      onRetry: (notice) => this.deps.onRetry(state.id, notice),
      onRetryEnd: () => this.deps.onRetry(state.id, undefined),
    });
    await recorder.flushOpenBlocks();
    if (cutCrossedLimit) return { kind: "finished", messageID: message.id, toolCalls: 0 };

    if (result.kind !== "finished") {
      // Output the model had streamed is billed by the provider, whatever ended the stream.
      if (streamed) await writer.appendContext(state.id, (await chargeCutAttempt()).append);
      else await engine.releaseStep(state.id, { stepID });
      await recorder.failUnfinishedTools(ABORTED);
      const error = result.kind === "aborted" ? { name: "AbortError", message: "aborted" } : result.error;
      await writer.updateMessage(
        message.id,
        { model: model.ref, error: { name: error.name, message: error.message } },
        this.deps.now(),
      );
      if (result.kind === "aborted") return { kind: "aborted", messageID: message.id };
      // A prompt over the window is no error to show: the turn compacts and sends the step again.
      if (classifyFailure(result.error) !== "context_too_long") this.reportError(state.id, result.error);
      return { kind: "failed", messageID: message.id, error: result.error };
    }

    // Charge first: a step's tokens are spent whatever happens to its tool calls.
    const usage = toStepUsage(result.usage);
    state.lastPromptTokens = usage.noCacheInput + usage.cacheRead + usage.cacheWrite + usage.output;
    const costUSD = model.prices ? stepCharge(usage, model.prices).costUSD : null;
    const charged = await engine.stepFinished(state.id, {
      stepID,
      usage,
      ...(model.prices ? { prices: model.prices } : {}),
    });
    const stored = toStoredUsage(usage);
    await writer.finishMessage(
      message.id,
      { type: "step-finish", stepID, finishReason: result.finishReason, usage: stored, costUSD },
      { model: model.ref, finishReason: result.finishReason, usage: stored, costUSD },
      this.deps.now(),
    );

    const limitCrossed = charged.append.length > 0;
    const facts: ToolResultFact[] = [];
    for (const call of result.toolCalls) {
      if (request.wrapUp || limitCrossed) break;
      if (request.signal.aborted) break;
      facts.push(await runToolCall(this.deps, state, recorder, call, request.signal));
    }
    await recorder.failUnfinishedTools(request.signal.aborted ? ABORTED : NOT_RUN_AT_LIMIT);
    engine.recordToolResults(state.id, facts);
    await writer.appendContext(state.id, charged.append as ContextMessage[]);
    if (request.signal.aborted) return { kind: "aborted", messageID: message.id };
    return { kind: "finished", messageID: message.id, toolCalls: result.toolCalls.length };
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
