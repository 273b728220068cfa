import type { ServerResponse } from "node:http";
import type { ScriptedError } from "./types.js";

/** OpenAI's error body: `{error:{message,type,param,code}}`, with type and code chosen from the status. */
export function openAiErrorBody(error: ScriptedError): { error: Record<string, unknown> } {
  const defaults = defaultsForStatus(error.status);
  return {
    error: {
      message: error.message ?? defaults.message,
      type: error.type ?? defaults.type,
      param: null,
      code: error.code === undefined ? defaults.code : error.code,
    },
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends a scripted error in the shape of the API asked: OpenAI's by default, or Anthropic's Messages API. */
export function sendError(
  response: ServerResponse,
  error: ScriptedError,
  dialect: "openai" | "anthropic" = "openai",
): void {
  const headers: Record<string, string> = { ...error.headers };
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  if (error.retryAfterDateInMs !== undefined)
    headers["retry-after"] = new Date(Date.now() + error.retryAfterDateInMs).toUTCString();
  if (error.retryAfterMs !== undefined) headers["retry-after-ms"] = String(error.retryAfterMs);
  const body = dialect === "anthropic" ? anthropicErrorBody(error) : openAiErrorBody(error);
  sendJson(response, error.status, body, headers);
}

/** Anthropic's error body: `{type:"error", error:{type,message}}`; 529 is its "overloaded_error". */
export function anthropicErrorBody(error: ScriptedError): { type: "error"; error: { type: string; message: string } } {
  const status = error.status;
  const type =
    error.type ??
    (status === 529
      ? "overloaded_error"
      : status === 429
        ? "rate_limit_error"
        : status === 401
          ? "authentication_error"
          : status === 404
            ? "not_found_error"
            : status >= 500
              ? "api_error"
              : "invalid_request_error");
  return { type: "error", error: { type, message: error.message ?? defaultsForStatus(status).message } };
}

function defaultsForStatus(status: number): { message: string; type: string; code: string | null } {
  if (status === 429) {
    return { message: "Rate limit reached. Please try again later.", type: "requests", code: "rate_limit_exceeded" };
  }
  if (status === 401)
    return { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" };
  if (status === 404) return { message: "Not found.", type: "invalid_request_error", code: "not_found" };
  if (status >= 500) {
    return { message: "The server had an error while processing your request.", type: "server_error", code: null };
  }
  return { message: "Invalid request.", type: "invalid_request_error", code: null };
}
