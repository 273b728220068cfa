import { ESTIMATE_BYTES_PER_TOKEN } from "@pursuit/core";
import type { TransformMessage } from "./compaction-context.js";

/**
 * What a tool adds to a request beyond its description: its name, type and parameter schema as OpenCode sends
 * them, 280-860 characters for OpenCode 1.18's own tools (600 on average). OpenCode's schemas reach the plugin as
 * zod objects of its own, whose JSON form here is not the one it sends.
 */
const TOOL_OVERHEAD_CHARS = 600;

/** `{"role":"user","content":""},` around each message's content. */
const MESSAGE_FRAME_CHARS = 32;
/** A tool call's id, type and keys, and its result message's role and call id. */
const TOOL_CALL_FRAME_CHARS = 120;

/** What a session's first request in this process sends that the plugin never saw go out before. */
export type UnseenPrompt = {
  /** Characters of the messages the provider has not cached: all of them, or the last answer onwards. */
  messageChars: number;
  /** No earlier request of the session reached the model: the system prompt and tools are new input too. */
  whole: boolean;
  /** The last answered request's prompt and answer as the provider counted them (0 without one). */
  lastPromptTokens: number;
  /**
   * For the latest answered requests that read the cache after another answered one: the characters each
   * added to the previous request, and the input its provider billed uncached for them.
   */
  newInputBilled: [chars: number, tokens: number][];
};

/** Answered requests the new-input rate is relearnt from after a restart. */
const REQUESTS_TO_LEARN_FROM = 3;

/**
 * The size of what OpenCode sends, read from its own hooks, for the one request whose new input the plugin
 * cannot count from what it watched go by: a session's first request in this process, be it the session's
 * first ever (system prompt, tool definitions and messages all new to the provider) or the first after
 * OpenCode restarted (the provider cached the earlier prompt; the last answer and what followed it are new).
 * OpenCode calls `tool.definition` for each tool, then `experimental.chat.messages.transform`, then
 * `experimental.chat.system.transform`, then `chat.params`, for every request.
 */
export class PromptSize {
  private readonly toolChars = new Map<string, number>();
  private readonly systemChars = new Map<string, number>();
  private readonly unseen = new Map<string, UnseenPrompt>();

  /** tool.definition: the tool's description, and its name and parameter schema at a typical size. */
  tool(toolID: string, description: string): void {
    this.toolChars.set(toolID, description.length + TOOL_OVERHEAD_CHARS);
  }

  /** experimental.chat.system.transform */
  system(sessionID: string | undefined, system: readonly string[]): void {
    if (sessionID)
      this.systemChars.set(
        sessionID,
        system.reduce((sum, text) => sum + text.length, 0),
      );
  }

  /** experimental.chat.messages.transform, for a session whose earlier requests this process did not see. */
  messages(sessionID: string, messages: readonly TransformMessage[]): void {
    // An assistant message, answered or cut, means a request reached the model: its prompt is in the cache.
    const lastAnswer = messages.findLastIndex((message) => message.info.role === "assistant");
    const counted = messages.findLast((message) => tokensOf(message) > 0);
    this.unseen.set(sessionID, {
      messageChars: messages.slice(Math.max(0, lastAnswer)).reduce((sum, message) => sum + messageChars(message), 0),
      whole: lastAnswer < 0,
      lastPromptTokens: counted ? tokensOf(counted) : 0,
      newInputBilled: newInputBilled(messages),
    });
  }

  /**
   * chat.params: the unseen prompt's new input in tokens at the conservative bytes-per-token rate, and the
   * last prompt's size; undefined when the session's messages were not read for this request.
   */
  takeUnseen(sessionID: string): (Omit<UnseenPrompt, "messageChars"> & { newInputTokens: number }) | undefined {
    const unseen = this.unseen.get(sessionID);
    if (!unseen) return undefined;
    this.unseen.delete(sessionID);
    const fixed = unseen.whole ? (this.systemChars.get(sessionID) ?? 0) + this.allToolChars() : 0;
    const { messageChars, ...rest } = unseen;
    return { ...rest, newInputTokens: Math.ceil((messageChars + fixed) / ESTIMATE_BYTES_PER_TOKEN) };
  }

  private allToolChars(): number {
    let sum = 0;
    for (const chars of this.toolChars.values()) sum += chars;
    return sum;
  }
}

/**
 * A message's size on the wire, where providers count it: its texts, and for a tool call its name, its
 * arguments as the escaped JSON string they travel in, its result, and the ids and keys around them.
 */
function messageChars(message: TransformMessage): number {
  let chars = MESSAGE_FRAME_CHARS;
  for (const part of message.parts) {
    if (part.type === "text" || part.type === "reasoning") chars += String(part.text ?? "").length;
    if (part.type !== "tool") continue;
    const state = (part.state ?? {}) as { input?: unknown; output?: unknown; error?: unknown };
    chars += TOOL_CALL_FRAME_CHARS + String(part.tool ?? "").length;
    chars += JSON.stringify(JSON.stringify(state.input ?? {})).length;
    chars += String(state.output ?? state.error ?? "").length;
  }
  return chars;
}

type Tokens = { input?: number; output?: number; cache?: { read?: number; write?: number } };

function tokens(message: TransformMessage): Tokens | undefined {
  return (message.info as { tokens?: Tokens }).tokens;
}

/** An assistant message's prompt and answer as its provider counted them (OpenCode's `tokens`). */
function tokensOf(message: TransformMessage): number {
  const counted = tokens(message);
  if (!counted) return 0;
  return (counted.input ?? 0) + (counted.output ?? 0) + (counted.cache?.read ?? 0) + (counted.cache?.write ?? 0);
}

/**
 * Each answered request's prompt ends where its assistant message begins, so what a request added to the one
 * before is the previous assistant message and what followed it; OpenCode's `input` is what was billed
 * uncached. Only pairs of answered requests, the later one read from the cache.
 */
function newInputBilled(messages: readonly TransformMessage[]): UnseenPrompt["newInputBilled"] {
  const answers = messages.flatMap((message, index) => (message.info.role === "assistant" ? [index] : []));
  const billed: UnseenPrompt["newInputBilled"] = [];
  for (let n = answers.length - 1; n >= 1 && billed.length < REQUESTS_TO_LEARN_FROM; n--) {
    const index = answers[n] as number;
    const previous = answers[n - 1] as number;
    const counted = tokens(messages[index] as TransformMessage);
    if (!counted || !((counted.cache?.read ?? 0) > 0) || tokensOf(messages[previous] as TransformMessage) === 0)
      continue;
    const chars = messages.slice(previous, index).reduce((sum, message) => sum + messageChars(message), 0);
    billed.push([chars, (counted.input ?? 0) + (counted.cache?.write ?? 0)]);
  }
  return billed;
}
