import type { ChatMessage, ChatRequestBody, RecordedRequest, ToolDefinition, WireToolCall } from "./types.js";

/**
 * Small readers over a recorded request, for writing scenario behaviours in a few lines, e.g.
 * `countToolCalls(request, "write") < 5 ? callWrite() : completeGoal()`.
 * Each accepts a RecordedRequest or a bare request body.
 */
export type RequestLike = RecordedRequest | ChatRequestBody;

function bodyOf(request: RequestLike): ChatRequestBody {
  const recorded = request as Partial<RecordedRequest>;
  return typeof recorded.body === "object" && recorded.body !== null && typeof recorded.raw === "string"
    ? recorded.body
    : (request as ChatRequestBody);
}

/** The text of a message: a string content, or its text parts joined. */
export function messageText(message: ChatMessage | undefined): string {
  const content = message?.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .filter((text) => text.length > 0)
    .join("\n");
}

export function messages(request: RequestLike): ChatMessage[] {
  return bodyOf(request).messages ?? [];
}

/** The text of the last user message, or "" when there is none. */
export function lastUserText(request: RequestLike): string {
  return messageText(messages(request).findLast((message) => message.role === "user"));
}

/** The text of every user message, oldest first. */
export function userTexts(request: RequestLike): string[] {
  return messages(request)
    .filter((message) => message.role === "user")
    .map(messageText);
}

/** The system prompt: all system (and developer) messages' text joined. */
export function systemText(request: RequestLike): string {
  return messages(request)
    .filter((message) => message.role === "system" || message.role === "developer")
    .map(messageText)
    .join("\n");
}

/** Names of the tools the client offers. */
export function toolNames(request: RequestLike): string[] {
  return (bodyOf(request).tools ?? []).map((tool) => tool.function.name);
}

export function findTool(request: RequestLike, name: string): ToolDefinition | undefined {
  return (bodyOf(request).tools ?? []).find((tool) => tool.function.name === name);
}

export function hasTool(request: RequestLike, name: string): boolean {
  return findTool(request, name) !== undefined;
}

export interface MadeToolCall {
  id: string;
  name: string;
  /** The arguments parsed as JSON, or the raw string when they are not valid JSON. */
  arguments: unknown;
}

/** Tool calls the assistant made earlier in the conversation (as re-sent by the client), optionally by name. */
export function toolCallsMade(request: RequestLike, name?: string): MadeToolCall[] {
  const calls: WireToolCall[] = messages(request).flatMap((message) =>
    message.role === "assistant" && Array.isArray(message.tool_calls) ? message.tool_calls : [],
  );
  return calls
    .filter((call) => name === undefined || call.function?.name === name)
    .map((call) => ({ id: call.id, name: call.function.name, arguments: parseArguments(call.function.arguments) }));
}

/** How many times the assistant called `name` (or any tool) in the conversation so far. */
export function countToolCalls(request: RequestLike, name?: string): number {
  return toolCallsMade(request, name).length;
}

export interface ToolResult {
  toolCallId: string;
  /** The name of the tool, found from the assistant call with the same id. */
  name: string | undefined;
  content: string;
  /** True when this tool message is the last message of the request (the model is being asked to react to it). */
  isLast: boolean;
}

/** Every tool result in the conversation, oldest first. */
export function toolResults(request: RequestLike): ToolResult[] {
  const list = messages(request);
  const names = new Map(toolCallsMade(request).map((call) => [call.id, call.name]));
  const results: ToolResult[] = [];
  list.forEach((message, position) => {
    if (message.role !== "tool") return;
    const toolCallId = message.tool_call_id ?? "";
    results.push({
      toolCallId,
      name: names.get(toolCallId),
      content: messageText(message),
      isLast: position === list.length - 1,
    });
  });
  return results;
}

/** The most recent tool result, optionally of a given tool, or undefined. */
export function lastToolResult(request: RequestLike, name?: string): ToolResult | undefined {
  return toolResults(request).findLast((result) => name === undefined || result.name === name);
}

function parseArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
