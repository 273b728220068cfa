import { ESTIMATE_BYTES_PER_TOKEN } from "@pursuit/core";
import type { Store } from "@pursuit/store";
import type { ModelMessage } from "ai";
import { hasCompaction, toModelView, viewChars } from "../compaction/model-view.js";
import { toModelMessages } from "../message-conversion.js";
import type { SessionState } from "../session-state.js";

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
export async function readPromptView(store: Store, state: SessionState): Promise<PromptView> {
  const cached = state.history ?? { lastSeq: 0, messages: [], chars: 2 };
  const fresh = await store.messages.listMessages(state.id, { afterSeq: cached.lastSeq });
  if (fresh.length === 0) return cached;
  if (cached.lastSeq === 0 || hasCompaction(fresh)) {
    const all = cached.lastSeq === 0 ? fresh : await store.messages.listMessages(state.id);
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
 * What this request adds to the previous one (the provider caches the rest), estimated. After a restart the
 * previous request is the one that produced the last answer: everything before that answer was in it.
 * `fixedChars`: the system prompt and tool list, sent whole when nothing was sent before.
 */
export function newInputTokens(state: SessionState, view: PromptView, fixedChars: number): number {
  const previousChars = state.lastRequestChars ?? charsBeforeLastAnswer(view.messages);
  const chars = previousChars === undefined ? view.chars + fixedChars : Math.max(0, view.chars - previousChars);
  return Math.ceil(chars / ESTIMATE_BYTES_PER_TOKEN);
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
