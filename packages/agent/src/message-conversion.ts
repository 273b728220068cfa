import type { StoredMessageWithParts, StoredPart, ToolState } from "@pursuit/store";
import type { AssistantContent, ModelMessage, ToolContent, UserContent } from "ai";

/** What the model is told about a tool call that never finished (the process stopped or the turn was aborted). */
export const INTERRUPTED_TOOL_OUTPUT = "[interrupted: the tool did not finish]";

/**
 * Stored transcript -> model messages. A pure function of the stored data, and each stored message converts
 * on its own, so once a message is complete its model form never changes: every request of a session extends
 * the previous one byte for byte and the provider's prompt cache keeps working. Reasoning is not sent back.
 */
export function toModelMessages(messages: readonly StoredMessageWithParts[]): ModelMessage[] {
  const result: ModelMessage[] = [];
  for (const message of messages) result.push(...convertMessage(message));
  return result;
}

export function convertMessage(message: StoredMessageWithParts): ModelMessage[] {
  switch (message.role) {
    case "user":
      return convertUser(message.parts);
    case "assistant":
      return convertAssistant(message.parts);
    case "system":
      // The system prompt is fixed per session and sent separately; stored system rows are notes for people.
      return [];
  }
}

function convertUser(parts: readonly StoredPart[]): ModelMessage[] {
  const content: UserContent = [];
  for (const { data } of parts) {
    if (data.type === "text" || data.type === "goal-context") content.push({ type: "text", text: data.text });
  }
  return content.length === 0 ? [] : [{ role: "user", content }];
}

function convertAssistant(parts: readonly StoredPart[]): ModelMessage[] {
  const content: Exclude<AssistantContent, string> = [];
  const results: ToolContent = [];
  for (const { data } of parts) {
    if (data.type === "text" && data.text.length > 0) content.push({ type: "text", text: data.text });
    if (data.type !== "tool") continue;
    content.push({ type: "tool-call", toolCallId: data.callID, toolName: data.tool, input: toolInput(data.state) });
    results.push({
      type: "tool-result",
      toolCallId: data.callID,
      toolName: data.tool,
      output: toolOutput(data.state),
    });
  }
  if (content.length === 0) return [];
  const assistant: ModelMessage = { role: "assistant", content };
  return results.length === 0 ? [assistant] : [assistant, { role: "tool", content: results }];
}

/** Arguments the model sent that were not an object (malformed JSON) go back as `{}`, as providers expect. */
function toolInput(state: ToolState): unknown {
  const input = state.input;
  return typeof input === "object" && input !== null && !Array.isArray(input) ? input : {};
}

function toolOutput(state: ToolState): { type: "text"; value: string } | { type: "error-text"; value: string } {
  switch (state.status) {
    case "completed":
      return { type: "text", value: state.output };
    case "error":
      return { type: "error-text", value: state.error };
    case "pending":
    case "running":
      return { type: "error-text", value: INTERRUPTED_TOOL_OUTPUT };
  }
}
