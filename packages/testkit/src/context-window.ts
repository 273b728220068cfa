import type { ChatRequestBody, ScriptedError } from "./types.js";
import { estimatePromptTokens } from "./usage-estimate.js";

/**
 * The error a provider answers when a request does not fit the model's context window, or undefined when it
 * fits; in the provider's own words, before any generation (nothing is billed):
 * - OpenAI (chat and responses): 400 `context_length_exceeded` when prompt + max_tokens passes the window;
 * - Anthropic: 400 `invalid_request_error` "prompt is too long: N tokens > M maximum" for the prompt alone,
 *   and "input length and `max_tokens` exceed context limit" when only the answer's room does not fit.
 */
export function contextWindowError(
  body: ChatRequestBody,
  window: number,
  dialect: "openai" | "anthropic",
): ScriptedError | undefined {
  const prompt = estimatePromptTokens(body);
  const answer = body.max_completion_tokens ?? body.max_tokens ?? 0;
  if (prompt + answer <= window) return undefined;
  if (dialect === "anthropic") {
    const message =
      prompt > window
        ? `prompt is too long: ${prompt} tokens > ${window} maximum`
        : `input length and \`max_tokens\` exceed context limit: ${prompt} + ${answer} > ${window}, decrease input length or \`max_tokens\` and try again`;
    return { status: 400, type: "invalid_request_error", message };
  }
  return {
    status: 400,
    type: "invalid_request_error",
    code: "context_length_exceeded",
    message: `This model's maximum context length is ${window} tokens. However, you requested ${prompt + answer} tokens (${prompt} in the messages, ${answer} in the completion). Please reduce the length of the messages or completion.`,
  };
}
