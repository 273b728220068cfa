import { compactionSummaryText } from "@pursuit/core";
import type { StoredMessageWithParts, StoredPart } from "@pursuit/store";
import type { ModelMessage } from "ai";
import { toModelMessages } from "../message-conversion.js";

/** What a compaction record says about the model's view; each record is whole (it repeats an older summary). */
export type CompactionRecord = Extract<StoredPart["data"], { type: "compaction" }>;

/** What replaces a tool output a compaction dropped; the call itself stays. */
export const DROPPED_OUTPUT = "[output dropped to save context; run the tool again if you need it]";

/**
 * The model's view of a stored transcript. People keep every message; the model sees the latest compaction's:
 * its summary (when it has one) in place of the messages before `keepFromSeq`, and no tool output from before
 * `dropOutputsBeforeSeq`. A pure function of the stored data, so a restart rebuilds the same view, and the
 * view after a compaction only grows until the next one: a stable prefix for the prompt cache.
 */
export function toModelView(messages: readonly StoredMessageWithParts[]): ModelMessage[] {
  const at = lastCompaction(messages);
  return at ? viewWith(messages, at.record, at.seq) : toModelMessages(messages);
}

/** The view `record` gives, as if it were stored at `recordSeq` (Infinity: after every message). */
export function viewWith(
  messages: readonly StoredMessageWithParts[],
  record: Pick<CompactionRecord, "summary" | "keepFromSeq" | "dropOutputsBeforeSeq">,
  recordSeq: number,
): ModelMessage[] {
  const before = messages.filter((message) => message.seq < recordSeq && message.seq >= (record.keepFromSeq ?? 0));
  const after = messages.filter((message) => message.seq > recordSeq);
  const kept = before.map((message) =>
    message.seq < record.dropOutputsBeforeSeq ? withoutToolOutputs(message) : message,
  );
  const summary: ModelMessage[] =
    record.summary !== undefined
      ? [{ role: "user", content: [{ type: "text", text: compactionSummaryText(record.summary) }] }]
      : [];
  return [...summary, ...toModelMessages(kept), ...toModelMessages(after)];
}

/** The size of a view as the turn runner counts it: the JSON of each message, plus separators. */
export function viewChars(messages: readonly ModelMessage[]): number {
  return messages.reduce((sum, message) => sum + JSON.stringify(message).length + 1, 2);
}

/** The newest compaction record and the position of its message, if the transcript has one. */
export function lastCompaction(
  messages: readonly StoredMessageWithParts[],
): { record: CompactionRecord; seq: number } | undefined {
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    const part = message?.parts.find((candidate) => candidate.data.type === "compaction");
    if (message && part?.data.type === "compaction") return { record: part.data, seq: message.seq };
  }
  return undefined;
}

export function hasCompaction(messages: readonly StoredMessageWithParts[]): boolean {
  return messages.some((message) => message.parts.some((part) => part.data.type === "compaction"));
}

function withoutToolOutputs(message: StoredMessageWithParts): StoredMessageWithParts {
  if (!message.parts.some((part) => part.data.type === "tool" && part.data.state.status === "completed"))
    return message;
  return {
    ...message,
    parts: message.parts.map((part) =>
      part.data.type === "tool" && part.data.state.status === "completed"
        ? { ...part, data: { ...part.data, state: { ...part.data.state, output: DROPPED_OUTPUT } } }
        : part,
    ),
  };
}
