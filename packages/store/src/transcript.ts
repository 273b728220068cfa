/**
 * The stored shape of a session's transcript: sessions, messages and their parts. The agent host writes these;
 * the store only orders and persists them. JSON payloads are typed here so every reader agrees on them.
 */

export type Session = {
  id: string;
  /** The session this one was spawned from (a sub-agent), if any. */
  parentID?: string;
  title: string;
  /** The working directory the session's tools act in. */
  directory: string;
  metadata: Record<string, unknown>;
  time: { created: number; updated: number };
};

export type MessageRole = "user" | "assistant" | "system";

/** Token counts of one model step (or a whole assistant message), as the provider reported them. */
export type StoredUsage = {
  input: number;
  output: number;
  reasoning: number;
  cacheRead: number;
  cacheWrite: number;
};

export type MessageData = {
  /** `provider/model` that produced an assistant message. */
  model?: string;
  /** Written by the runtime rather than a person (goal context, continuation prompts); UIs may hide it. */
  synthetic?: boolean;
  error?: { name: string; message: string };
  finishReason?: string;
  usage?: StoredUsage;
  costUSD?: number | null;
};

export type ToolState =
  | { status: "pending"; input: unknown }
  | { status: "running"; input: unknown; time: { start: number } }
  | {
      status: "completed";
      input: unknown;
      output: string;
      metadata?: Record<string, unknown>;
      time: { start: number; end: number };
    }
  | { status: "error"; input: unknown; error: string; time: { start: number; end: number } };

export type PartData =
  | { type: "text"; text: string; synthetic?: boolean }
  | { type: "reasoning"; text: string }
  | { type: "tool"; callID: string; tool: string; state: ToolState }
  | { type: "step-start"; stepID?: string }
  | { type: "step-finish"; stepID?: string; finishReason?: string; usage?: StoredUsage; costUSD?: number | null }
  /** Goal context rendered from a core template (goal set, continuation, budget notice). */
  | { type: "goal-context"; template: string; text: string }
  /**
   * The model's view was compacted here (people keep every message). Whole on its own: the summary (repeating
   * any older one) stands for the messages before `keepFromSeq`, and tool outputs before
   * `dropOutputsBeforeSeq` are dropped. Token counts are estimates of the prompt before and after.
   */
  | {
      type: "compaction";
      reason: "threshold" | "too_long";
      summary?: string;
      keepFromSeq?: number;
      dropOutputsBeforeSeq: number;
      tokensBefore: number;
      tokensAfter: number;
    };

export type PartType = PartData["type"];

export type StoredPart = {
  id: string;
  messageID: string;
  sessionID: string;
  /** Position in the session's transcript: strictly increasing across all parts of the session. */
  seq: number;
  data: PartData;
  time: { created: number; updated: number };
};

export type StoredMessage = {
  id: string;
  sessionID: string;
  role: MessageRole;
  /** Position among the session's messages: strictly increasing. */
  seq: number;
  data: MessageData;
  time: { created: number; completed?: number };
};

export type StoredMessageWithParts = StoredMessage & { parts: StoredPart[] };
