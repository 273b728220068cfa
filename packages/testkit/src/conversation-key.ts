import type { ChatRequestBody } from "./types.js";

/** Decides which conversation (session) a request belongs to. */
export type ConversationKeyFunction = (body: ChatRequestBody) => string;

/**
 * The default grouping: the JSON of the first system message's content and the first user message's content.
 * Two sessions opened with the same system prompt and the same first prompt fall into one conversation; pass
 * your own `conversationKey` when a test runs such sessions side by side.
 */
export const defaultConversationKey: ConversationKeyFunction = (body) => {
  const list = Array.isArray(body.messages) ? body.messages : [];
  const firstSystem = list.find((message) => message.role === "system" || message.role === "developer");
  const firstUser = list.find((message) => message.role === "user");
  return JSON.stringify([firstSystem?.content ?? null, firstUser?.content ?? null]);
};
