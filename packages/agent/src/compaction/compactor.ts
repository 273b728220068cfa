import { assertNever, compactionPrompt, ESTIMATE_BYTES_PER_TOKEN, type GoalEngine, type GoalTurn } from "@pursuit/core";
import { classifyFailure, type RetryNotice, type RetryPolicy } from "@pursuit/driver";
import type { Store, StoredMessageWithParts } from "@pursuit/store";
import type { ModelMessage, ToolSet } from "ai";
import type { EventBus } from "../events.js";
import { runChargedStep } from "../model-loop/charged-step.js";
import { cachedPrompt } from "../model-loop/prompt-caching.js";
import type { StepFailure } from "../model-loop/step.js";
import type { ResolvedModel } from "../providers.js";
import type { SessionState } from "../session-state.js";
import type { TranscriptWriter } from "../transcript-writer.js";
import { type CompactionRecord, lastCompaction, viewChars, viewWith } from "./model-view.js";

/** Compact before a step whose estimated prompt plus output cap would pass this share of the window. */
export const COMPACT_AT_SHARE = 0.85;
/** Tool outputs kept when old ones are dropped: the newest, within this share of the window. */
const KEEP_OUTPUTS_SHARE = 0.25;
/** Messages kept verbatim after a summary: the newest, within this share of the window. */
const KEEP_TAIL_SHARE = 0.2;
/** The summary's own output cap. */
const SUMMARY_MAX_OUTPUT_TOKENS = 2_048;

export type CompactionDeps = {
  store: Store;
  engine: GoalEngine;
  writer: TranscriptWriter;
  bus: EventBus;
  tools: ToolSet;
  retry: RetryPolicy;
  now: () => number;
  onRetry: (sessionID: string, notice: RetryNotice | undefined) => void;
};

export type CompactionRequest = {
  reason: CompactionRecord["reason"];
  system: string;
  /** Characters of the tool list, sent with every request. */
  toolChars: number;
  /** Tokens kept free for the step's answer. */
  outputReserve: number;
  /** The step's new (uncached) input, estimated: the summary call sends it too. */
  newInputTokens: number;
  signal: AbortSignal;
  retryWait: AbortSignal;
};

export type CompactionOutcome =
  | { kind: "compacted"; tokensBefore: number; tokensAfter: number; summarised: boolean }
  /** It cannot get the prompt under the threshold: the goal is blocked with `reason`, never compacted again. */
  | { kind: "impossible"; reason: string }
  /** The summary call failed (a provider error the retries did not ride out). */
  | { kind: "error"; error: StepFailure }
  /** A goal limit leaves no room for the summary call. */
  | { kind: "stopped" }
  | { kind: "aborted" };

/** How a turn ends after a compaction that did not let the step go on: outcome, error, reason to block. */
export type CompactionTurnEnd = ["completed" | "error" | "aborted", StepFailure?, string?];

/** Undefined when the step may go on; else how the turn ends (a compaction that cannot succeed blocks the goal). */
export function turnEndAfter(outcome: CompactionOutcome): CompactionTurnEnd | undefined {
  switch (outcome.kind) {
    case "compacted":
      return undefined;
    case "impossible":
      return ["completed", undefined, outcome.reason];
    case "error":
      return ["error", outcome.error];
    case "stopped":
      return ["completed"];
    case "aborted":
      return ["aborted"];
    default:
      return assertNever(outcome, "compaction outcome");
  }
}

/**
 * Shrinks a session's model view when it outgrows the window: first the outputs of old tool calls are dropped
 * (the calls stay), then, if that is not enough, the model summarises the conversation in a call that shares
 * the session's own prefix (same system prompt, tools and history, the instruction appended; read from the
 * cache) and the summary replaces all but the newest messages. The result is a compaction record appended to
 * the transcript (people keep every message), then the goal context again. The summary call is a step of
 * the goal: limited, reserved and charged like any other.
 */
export class Compactor {
  constructor(private readonly deps: CompactionDeps) {}

  async compact(
    state: SessionState,
    model: ResolvedModel,
    goalTurn: GoalTurn,
    request: CompactionRequest,
  ): Promise<CompactionOutcome> {
    const messages = await this.deps.store.messages.listMessages(state.id);
    const current = lastCompaction(messages)?.record;
    const tokensOf = (view: ModelMessage[]) =>
      Math.ceil((viewChars(view) + request.system.length + request.toolChars) / ESTIMATE_BYTES_PER_TOKEN);
    const budget = Math.floor(model.contextWindow * COMPACT_AT_SHARE) - request.outputReserve;
    const charsOfShare = (share: number) => model.contextWindow * share * ESTIMATE_BYTES_PER_TOKEN;
    const currentView = viewWith(messages, current ?? { dropOutputsBeforeSeq: 0 }, Number.POSITIVE_INFINITY);
    const tokensBefore = tokensOf(currentView);

    const inView = messages.filter(
      (message) => message.role !== "system" && message.seq >= (current?.keepFromSeq ?? 0),
    );
    const pruned = {
      ...(current?.summary !== undefined ? { summary: current.summary } : {}),
      ...(current?.keepFromSeq !== undefined ? { keepFromSeq: current.keepFromSeq } : {}),
      dropOutputsBeforeSeq: Math.max(
        current?.dropOutputsBeforeSeq ?? 0,
        oldestWithin(inView, charsOfShare(KEEP_OUTPUTS_SHARE), outputChars),
      ),
    };
    const prunedView = viewWith(messages, pruned, Number.POSITIVE_INFINITY);
    const prunedTokens = tokensOf(prunedView);
    // The provider refused a prompt we thought fitted: our estimate is off, so summarise as well.
    if (request.reason === "threshold" && prunedTokens <= budget && prunedTokens < tokensBefore) {
      const record = { ...pruned, reason: request.reason, tokensBefore, tokensAfter: prunedTokens };
      return this.record(state, record, false);
    }

    // Summarising the view the previous request had (plus what came since) reads it from the cache; only a
    // view the provider refused is summarised pruned.
    const summary = await this.summarise(
      state,
      model,
      goalTurn,
      request.reason === "threshold" ? currentView : prunedView,
      request,
    );
    if (summary.kind !== "summary") return summary;
    // Each message weighed as the view will show it (old outputs dropped), without the summary.
    const outputsOnly = { dropOutputsBeforeSeq: pruned.dropOutputsBeforeSeq };
    const tail = oldestWithin(inView, charsOfShare(KEEP_TAIL_SHARE), (message) =>
      viewChars(viewWith([message], outputsOnly, Number.POSITIVE_INFINITY)),
    );
    const compacted = { summary: summary.text, keepFromSeq: tail, dropOutputsBeforeSeq: pruned.dropOutputsBeforeSeq };
    const tokensAfter = tokensOf(viewWith(messages, compacted, Number.POSITIVE_INFINITY));
    const outcome = await this.record(state, { ...compacted, reason: request.reason, tokensBefore, tokensAfter }, true);
    if (tokensAfter > budget) {
      return {
        kind: "impossible",
        reason: `the conversation cannot be compacted enough to continue: about ${tokensAfter} tokens remain after summarising, and ${model.ref} takes ${budget} before its answer (window ${model.contextWindow})`,
      };
    }
    return outcome;
  }

  private async summarise(
    state: SessionState,
    model: ResolvedModel,
    goalTurn: GoalTurn,
    view: ModelMessage[],
    request: CompactionRequest,
  ): Promise<{ kind: "summary"; text: string } | Exclude<CompactionOutcome, { kind: "compacted" }>> {
    const instruction = compactionPrompt();
    const instructionTokens = Math.ceil(instruction.length / ESTIMATE_BYTES_PER_TOKEN);
    const viewTokens = Math.ceil(
      (viewChars(view) + request.system.length + request.toolChars) / ESTIMATE_BYTES_PER_TOKEN,
    );
    const allowance = await goalTurn.allowStep({
      estimatedInputTokens: request.newInputTokens + instructionTokens,
      promptTokens: viewTokens + instructionTokens,
      outputCap: SUMMARY_MAX_OUTPUT_TOKENS,
      ...(model.prices ? { prices: model.prices } : {}),
    });
    if (allowance.kind !== "run") return { kind: "stopped" };
    const prompt = cachedPrompt(model.providerType, {
      system: request.system,
      messages: [...view, { role: "user", content: [{ type: "text", text: instruction }] }],
      sessionID: state.id,
      ...(state.lastRequestMessageCount !== undefined ? { previousMessageCount: state.lastRequestMessageCount } : {}),
    });
    const maxOutputTokens = Math.min(
      SUMMARY_MAX_OUTPUT_TOKENS,
      allowance.maxOutputTokens ?? Number.POSITIVE_INFINITY,
      model.maxOutputTokens ?? Number.POSITIVE_INFINITY,
    );
    let text = "";
    // The summary call is real spend: charged to the goal like any step (its budget notice, if any, follows).
    const { result, charged } = await runChargedStep({
      goalTurn,
      model,
      request: { ...prompt, tools: this.deps.tools, maxOutputTokens },
      estimatedInputTokens: request.newInputTokens + instructionTokens,
      outputRate: state.outputRate,
      signal: request.signal,
      retryWait: request.retryWait,
      retry: this.deps.retry,
      now: this.deps.now,
      onRetry: (notice) => this.deps.onRetry(state.id, notice),
      onAttempt: async () => {
        text = "";
      },
      onEvent: (event) => {
        if (event.type === "text-delta") text += event.text;
      },
    });
    await this.deps.writer.appendContext(state.id, charged.append);
    if (result.kind === "stopped_after_cut") return { kind: "stopped" };
    if (result.kind !== "finished") {
      if (result.kind === "aborted") return { kind: "aborted" };
      if (classifyFailure(result.error) === "context_too_long") {
        return {
          kind: "impossible",
          reason: `the conversation is too long to summarise, even with old tool outputs dropped (${result.error.message})`,
        };
      }
      return { kind: "error", error: result.error };
    }
    const summary = text.trim();
    if (summary.length === 0) return { kind: "impossible", reason: "the model wrote no summary when asked to compact" };
    return { kind: "summary", text: summary };
  }

  /** Stores the compaction, puts the goal back into the view, and tells listeners. */
  private async record(
    state: SessionState,
    compaction: Omit<CompactionRecord, "type">,
    summarised: boolean,
  ): Promise<Extract<CompactionOutcome, { kind: "compacted" }>> {
    const { writer, engine, bus } = this.deps;
    await writer.appendCompaction(state.id, { type: "compaction", ...compaction });
    await writer.appendContext(state.id, await engine.compacted(state.id, { summarised }));
    // The view changed: the next request starts a new cache prefix.
    state.history = undefined;
    state.lastRequestChars = undefined;
    state.lastRequestMessageCount = undefined;
    state.lastPromptTokens = undefined;
    const { reason, tokensBefore, tokensAfter } = compaction;
    bus.emit({
      type: "session.compacted",
      properties: { sessionID: state.id, reason, summarised, tokensBefore, tokensAfter },
    });
    return { kind: "compacted", tokensBefore, tokensAfter, summarised };
  }
}

/**
 * The position of the oldest message such that it and every newer one together weigh at most `maxChars`
 * (the newest always counts as within); past the end when there is nothing to keep.
 */
function oldestWithin(
  messages: readonly StoredMessageWithParts[],
  maxChars: number,
  weigh: (message: StoredMessageWithParts) => number,
): number {
  let total = 0;
  let oldest = (messages.at(-1)?.seq ?? 0) + 1;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as StoredMessageWithParts;
    total += weigh(message);
    if (total > maxChars && index < messages.length - 1) break;
    oldest = message.seq;
  }
  return oldest;
}

function outputChars(message: StoredMessageWithParts): number {
  let chars = 0;
  for (const part of message.parts) {
    if (part.data.type === "tool" && part.data.state.status === "completed") chars += part.data.state.output.length;
  }
  return chars;
}
