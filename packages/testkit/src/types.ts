/**
 * Wire and scripting types shared by the scripted model server, its behaviours and the analysis helpers.
 * Wire types follow the OpenAI chat-completions protocol loosely: only the fields the testkit reads are typed,
 * everything else is kept as received.
 */

/** One message as a client sends it in `messages`. */
export interface ChatMessage {
  role: "system" | "developer" | "user" | "assistant" | "tool" | (string & {});
  content?: string | ChatContentPart[] | null;
  tool_calls?: WireToolCall[];
  tool_call_id?: string;
  name?: string;
  [key: string]: unknown;
}

export interface ChatContentPart {
  type: string;
  text?: string;
  [key: string]: unknown;
}

export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** A tool offered by the client in `tools`. */
export interface ToolDefinition {
  type: "function";
  function: { name: string; description?: string; parameters?: JsonSchemaObject; [key: string]: unknown };
}

export interface JsonSchemaObject {
  type?: string;
  properties?: Record<string, { type?: string; description?: string; [key: string]: unknown }>;
  required?: string[];
  [key: string]: unknown;
}

/** The parsed body of `POST /v1/chat/completions`. */
export interface ChatRequestBody {
  model?: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  tool_choice?: unknown;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

/** Token counts as the server reports them, in the `usage` object's shape. */
export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/** Per-reply overrides of the estimated usage; unset fields keep the estimate. */
export interface UsageOverride {
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** Defaults to promptTokens + completionTokens after the other overrides. */
  totalTokens?: number;
}

/** A tool call the scripted model makes. `arguments` that are not a string are sent as JSON. */
export interface ScriptedToolCall {
  name: string;
  arguments: unknown;
  /** Defaults to a unique `call_<request>_<n>`. */
  id?: string;
}

/** An HTTP error reply, sent as OpenAI's error JSON `{error:{message,type,param,code}}`. */
export interface ScriptedError {
  status: number;
  message?: string;
  /** Sent as the `retry-after` header (seconds). */
  retryAfterSeconds?: number;
  /** Sent as the `retry-after` header as an HTTP date this many milliseconds from now (second resolution). */
  retryAfterDateInMs?: number;
  /** Sent as the `retry-after-ms` header (OpenAI's millisecond form). */
  retryAfterMs?: number;
  /** Overrides the OpenAI error `type` chosen from the status. */
  type?: string;
  /** Overrides the OpenAI error `code` chosen from the status. */
  code?: string | null;
  /** More response headers, as providers send them (e.g. `x-ratelimit-remaining-requests: 0` and its reset). */
  headers?: Record<string, string>;
}

/**
 * What the scripted model answers to one request.
 * - `text`, `reasoning` and `toolCalls` may be combined (reasoning is streamed first, then text, then tool calls);
 * - `error` sends an HTTP error instead;
 * - `hang` sends the headers and any `text`/`reasoning`, then never finishes until the client disconnects.
 */
export interface Reply {
  text?: string;
  /** Streamed as `reasoning_content` deltas and counted into `reasoning_tokens`. */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  usage?: UsageOverride;
  error?: ScriptedError;
  hang?: boolean;
  /** Extra delay before the first byte of this reply, added to the server's `latencyMs`. */
  delayMs?: number;
  /**
   * The stream breaks off after this many characters of output, as providers' streams do: with an error event in
   * the stream (`"error"`: OpenAI's `{"error":...}` chunk, Anthropic's `event: error`, overloaded) or with the
   * connection reset (`"reset"`). Billed for the input and the output streamed before the break.
   */
  breakOff?: { afterCharacters: number; with: "error" | "reset" };
  /** The prompt cache misses for this request (an evicted entry, another server): nothing is read from it. */
  cacheMiss?: boolean;
}

export type FinishReason = "stop" | "tool_calls" | "length";

/** What the server actually sent for a request, after `max_tokens` capping and usage estimation. */
export interface SentResponse {
  status: number;
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason?: FinishReason;
  usage?: WireUsage;
  /** True when `max_tokens` cut the scripted output. */
  truncated: boolean;
}

/** One `POST /v1/chat/completions` as the server received it. */
export interface RecordedRequest {
  /** 0-based position among all recorded requests. */
  index: number;
  /** Arrival time in epoch milliseconds (fractional, from the high-resolution clock). */
  time: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The exact bytes the client sent, as a string. */
  raw: string;
  body: ChatRequestBody;
  /** The conversation this request belongs to (see `conversationKey`). */
  conversationKey: string;
  /** The scripted reply chosen for it (once the behaviour has answered). */
  reply?: Reply;
  /** What was sent back, including usage. */
  response?: SentResponse;
  /** Set when the behaviour function threw; the client got a 500. */
  behaviourError?: string;
  /** When the response finished being written (epoch ms). */
  respondedAt?: number;
  /** When the client went away before the response was complete (epoch ms). */
  disconnectedAt?: number;
  /**
   * Output tokens streamed before the response ended or the client went away: what a provider bills for a
   * stream the client cut (with the request's input).
   */
  streamedOutputTokens?: number;
  /** The stream broke off on the model's side (a `breakOff` reply): billed like a cut stream. */
  brokeOff?: "error" | "reset";
  /** Anthropic requests: prompt tokens written to the cache (billed; part of `prompt_tokens`, not cached). */
  cacheWriteTokens?: number;
}

export interface BehaviourContext {
  /** Global 0-based index of this request. */
  index: number;
  /** 0-based index of this request within its conversation. */
  conversationIndex: number;
  /** Earlier requests of the same conversation, oldest first. */
  previous: RecordedRequest[];
}

export type BehaviourFunction = (request: RecordedRequest, context: BehaviourContext) => Reply | Promise<Reply>;

/** A list of replies served in order, or a function deciding each reply from the request. */
export type Behaviour = Reply[] | BehaviourFunction;
