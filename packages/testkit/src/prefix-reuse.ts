import { type ConversationKeyFunction, defaultConversationKey } from "./conversation-key.js";
import type { ChatMessage, ChatRequestBody, RecordedRequest } from "./types.js";

/** How a later request of a conversation reuses the earlier one's messages, compared byte for byte. */
export interface PrefixComparison {
  /** The later request starts with every message of the earlier one, unchanged: it only appends. */
  appendOnly: boolean;
  /** Leading messages identical in both. */
  sharedMessages: number;
  /** Position of the first earlier message that the later request changed or dropped; null when append-only. */
  firstChangedMessage: number | null;
  /** Bytes of the shared leading messages (sum of each message's JSON). */
  sharedPrefixBytes: number;
  /** Bytes of all the earlier request's messages (sum of each message's JSON). */
  earlierBytes: number;
  /** sharedPrefixBytes / earlierBytes: 1 when append-only (and when the earlier request had no messages). */
  reuse: number;
  /** Bytes of the later request's messages after the shared prefix. */
  bytesAdded: number;
  /** The system (and developer) messages differ. */
  systemChanged: boolean;
  /** JSON.stringify(body.tools) differs. */
  toolsChanged: boolean;
}

export interface PrefixReusePair extends PrefixComparison {
  conversationKey: string;
  earlierIndex: number;
  laterIndex: number;
}

export interface ConversationReuse {
  key: string;
  requestIndexes: number[];
  pairs: PrefixReusePair[];
  /** null when the conversation has a single request (nothing to compare). */
  minReuse: number | null;
  meanReuse: number | null;
}

export interface PrefixReuseReport {
  conversations: ConversationReuse[];
  /** Every consecutive pair of every conversation. */
  pairs: PrefixReusePair[];
  /** Pairs that broke the cache: not append-only, or the system prompt or tool list changed. */
  brokenPairs: PrefixReusePair[];
  /** Over all pairs; null when no conversation has two requests, so an empty recording never passes as 1.0. */
  minReuse: number | null;
  meanReuse: number | null;
}

/** Something with a request body; recorded requests also carry their index and conversation key. */
export type AnalyzableRequest = { body: ChatRequestBody } & Partial<Pick<RecordedRequest, "index" | "conversationKey">>;

export interface PrefixReuseOptions {
  /** Regroup with this key instead of the key recorded on each request. */
  conversationKey?: ConversationKeyFunction;
}

/** Compares two consecutive requests of one conversation. */
export function comparePrefix(
  earlier: Pick<ChatRequestBody, "messages" | "tools">,
  later: Pick<ChatRequestBody, "messages" | "tools">,
): PrefixComparison {
  const before = earlier.messages.map(serialize);
  const after = later.messages.map(serialize);
  let sharedMessages = 0;
  while (
    sharedMessages < before.length &&
    sharedMessages < after.length &&
    before[sharedMessages] === after[sharedMessages]
  ) {
    sharedMessages++;
  }
  const appendOnly = sharedMessages === before.length;
  const sharedPrefixBytes = sumBytes(before.slice(0, sharedMessages));
  const earlierBytes = sumBytes(before);
  return {
    appendOnly,
    sharedMessages,
    firstChangedMessage: appendOnly ? null : sharedMessages,
    sharedPrefixBytes,
    earlierBytes,
    reuse: earlierBytes === 0 ? 1 : sharedPrefixBytes / earlierBytes,
    bytesAdded: sumBytes(after.slice(sharedMessages)),
    systemChanged: systemJson(earlier.messages) !== systemJson(later.messages),
    toolsChanged: JSON.stringify(earlier.tools ?? null) !== JSON.stringify(later.tools ?? null),
  };
}

/**
 * Groups requests into conversations and compares each request with the previous one of its conversation.
 * It compares what the client sent on consecutive requests (never what the server streamed), so a client that
 * re-serializes its own assistant messages differently each time shows up as broken reuse.
 */
export function analyzePrefixReuse(
  requests: readonly AnalyzableRequest[],
  options: PrefixReuseOptions = {},
): PrefixReuseReport {
  const groups = new Map<string, { request: AnalyzableRequest; index: number }[]>();
  requests.forEach((request, position) => {
    const key =
      options.conversationKey?.(request.body) ?? request.conversationKey ?? defaultConversationKey(request.body);
    const group = groups.get(key) ?? [];
    group.push({ request, index: request.index ?? position });
    groups.set(key, group);
  });

  const conversations: ConversationReuse[] = [];
  for (const [key, group] of groups) {
    const pairs: PrefixReusePair[] = [];
    for (let i = 1; i < group.length; i++) {
      const earlier = group[i - 1]!;
      const later = group[i]!;
      pairs.push({
        conversationKey: key,
        earlierIndex: earlier.index,
        laterIndex: later.index,
        ...comparePrefix(earlier.request.body, later.request.body),
      });
    }
    conversations.push({ key, requestIndexes: group.map((entry) => entry.index), pairs, ...reuseStats(pairs) });
  }
  const pairs = conversations.flatMap((conversation) => conversation.pairs);
  return {
    conversations,
    pairs,
    brokenPairs: pairs.filter((pair) => !pair.appendOnly || pair.systemChanged || pair.toolsChanged),
    ...reuseStats(pairs),
  };
}

function reuseStats(pairs: PrefixReusePair[]): { minReuse: number | null; meanReuse: number | null } {
  if (pairs.length === 0) return { minReuse: null, meanReuse: null };
  const ratios = pairs.map((pair) => pair.reuse);
  return { minReuse: Math.min(...ratios), meanReuse: ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length };
}

function serialize(message: ChatMessage): string {
  return JSON.stringify(message);
}

function sumBytes(serialized: string[]): number {
  return serialized.reduce((sum, text) => sum + Buffer.byteLength(text, "utf8"), 0);
}

function systemJson(messages: ChatMessage[]): string {
  return JSON.stringify(messages.filter((message) => message.role === "system" || message.role === "developer"));
}
