import { ESTIMATE_BYTES_PER_TOKEN } from "@pursuit/core";
import type { Store, StoredMessageWithParts } from "@pursuit/store";
import type { ModelMessage } from "ai";
import { hasCompaction, toModelView, viewChars } from "../compaction/model-view.js";
import { toModelMessages } from "../message-conversion.js";
import type { SessionState } from "../session-state.js";
import { learnNewInputRate, learnOutputRate } from "./learn-rates.js";

/** What a step sends, and how much of it is new: the sizes the goal engine and compaction reason about. */
export type PromptView = {
  messages: ModelMessage[];
  /** Characters of the messages (their JSON), as `viewChars` counts them. */
  chars: number;
};

/**
 * The session's model view (the transcript as the latest compaction left it), reading only what was appended
 * since the last step; a new compaction record rebuilds it.
 */
export async function readPromptView(store: Store, state: SessionState, fixedChars = 0): Promise<PromptView> {
  const cached = state.history ?? { lastSeq: 0, messages: [], chars: 2 };
  const fresh = await store.messages.listMessages(state.id, { afterSeq: cached.lastSeq });
  if (fresh.length === 0) return cached;
  if (cached.lastSeq === 0 || hasCompaction(fresh)) {
    const all = cached.lastSeq === 0 ? fresh : await store.messages.listMessages(state.id);
    if (cached.lastSeq === 0) resumeEstimates(state, all, fixedChars);
    const messages = toModelView(all);
    state.history = { lastSeq: all.at(-1)?.seq ?? 0, messages, chars: viewChars(messages) };
    return state.history;
  }
  const added = toModelMessages(fresh);
  state.history = {
    lastSeq: fresh.at(-1)?.seq ?? cached.lastSeq,
    messages: [...cached.messages, ...added],
    chars: cached.chars + viewChars(added) - 2,
  };
  return state.history;
}

/**
 * Characters this request adds to the previous one (the provider caches the rest), estimated. After a restart the
 * previous request is the one that produced the last answer: everything before that answer was in it.
 * `fixedChars`: the system prompt and tool list, sent whole when nothing was sent before.
 */
export function newInputChars(state: SessionState, view: PromptView, fixedChars: number): number {
  const previousChars = state.lastRequestChars ?? charsBeforeLastAnswer(view.messages);
  return previousChars === undefined ? view.chars + fixedChars : Math.max(0, view.chars - previousChars);
}

/**
 * The new input in tokens two ways: `bound`, at the conservative 3 characters a token, keeps a limit's bound
 * safe; `likely`, at the session's own learnt rate, is what a crash or a cut stream charges.
 */
export function newInputTokens(
  state: SessionState,
  view: PromptView,
  fixedChars: number,
): { bound: number; likely: number; chars: number } {
  const chars = newInputChars(state, view, fixedChars);
  // Best the rate of what was billed uncached for new input; before that, the prompt's, then the answers'.
  const rate = [state.newInputRate, state.inputRate].find((known) => known.learnt) ?? state.outputRate;
  return { bound: Math.ceil(chars / ESTIMATE_BYTES_PER_TOKEN), likely: rate.tokensFor(chars), chars };
}

/**
 * The whole prompt of the next request, estimated: the previous request's prompt and answer as the provider
 * counted them plus what was appended since; without a previous request (a new session, a restart, a
 * compaction), the whole view at a conservative bytes-per-token rate.
 */
export function promptTokens(state: SessionState, view: PromptView, fixedChars: number): number {
  if (state.lastPromptTokens !== undefined && state.lastRequestChars !== undefined) {
    const added = Math.max(0, view.chars - state.lastRequestChars);
    return state.lastPromptTokens + Math.ceil(added / ESTIMATE_BYTES_PER_TOKEN);
  }
  return Math.ceil((view.chars + fixedChars) / ESTIMATE_BYTES_PER_TOKEN);
}

/** Room kept for the answer when the model's output cap is not configured. */
export function defaultOutputReserve(contextWindow: number): number {
  return Math.min(8_192, Math.floor(contextWindow / 4));
}

/** The size of the messages before the last assistant message; undefined without one. */
function charsBeforeLastAnswer(messages: readonly ModelMessage[]): number | undefined {
  const last = messages.findLastIndex((message) => message.role === "assistant");
  return last < 0 ? undefined : viewChars(messages.slice(0, last));
}

/**
 * A session read whole for the first time in this process (after a restart): its own answers calibrate its
 * estimates, and the previous request is known to have ended where the last assistant message begins (a cut
 * one included: the provider had that prompt, so it reads it from its cache).
 */
function resumeEstimates(state: SessionState, all: readonly StoredMessageWithParts[], fixedChars: number): void {
  if (!state.outputRate.learnt) learnOutputRate(state.outputRate, all);
  if (!state.newInputRate.learnt) learnNewInputRate(state.newInputRate, all);
  if (state.lastRequestChars !== undefined) return;
  const lastAnswer = all.findLastIndex((message) => message.role === "assistant");
  if (lastAnswer < 0) return;
  state.lastRequestChars = viewChars(toModelView(all.slice(0, lastAnswer)));
  // The prompt of the last answered step against what its provider counted: the session's input rate.
  const answered = all.findLastIndex((message) => message.role === "assistant" && (message.data.usage?.input ?? 0) > 0);
  const counted = all[answered]?.data.usage?.input ?? 0;
  if (state.inputRate.learnt || answered < 0 || counted <= 0) return;
  const chars = answered === lastAnswer ? state.lastRequestChars : viewChars(toModelView(all.slice(0, answered)));
  state.inputRate.observe(chars + fixedChars, counted);
}
