import { type ProviderFailure, parseRetryAfter } from "@pursuit/driver";
import {
  APICallError,
  type FinishReason,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  streamText,
  type ToolSet,
} from "ai";

/** A tool call the model made in a step; `invalidError` is set when its arguments could not be parsed. */
export type StepToolCall = { id: string; name: string; input: unknown; invalidError?: string };

/** What a step streams, normalised for the recorder that persists it. */
export type StepEvent =
  | { type: "text-start" | "reasoning-start"; id: string }
  | { type: "text-delta" | "reasoning-delta"; id: string; text: string }
  | { type: "text-end" | "reasoning-end"; id: string }
  | { type: "tool-call"; call: StepToolCall };

export type StepFailure = {
  name: string;
  message: string;
  statusCode?: number;
  /** From the provider's Retry-After (or retry-after-ms) header. */
  retryAfterMs?: number;
  /**
   * The request never got an HTTP response (a pooled connection the server had just closed, a refused
   * connection) and the model streamed nothing: safe to send again at once.
   */
  connectionLost?: boolean;
};

export type StepResult =
  | { kind: "finished"; finishReason: FinishReason; usage: LanguageModelUsage; toolCalls: StepToolCall[] }
  | { kind: "aborted" }
  | { kind: "failed"; error: StepFailure };

export type StepRequest = {
  model: LanguageModel;
  /** Absent when the system prompt travels as the first message (to carry a cache breakpoint). */
  system?: string;
  messages: ModelMessage[];
  providerOptions?: ModelMessage["providerOptions"];
  tools: ToolSet;
  maxOutputTokens?: number;
  /** Extra request headers (the step's hook key for the providers' fetch). */
  headers?: Record<string, string>;
  signal: AbortSignal;
  /**
   * The stream is cut when the model sends nothing (no first byte, no event) for this long: a provider that
   * goes silent with the connection open would otherwise hold the turn forever.
   */
  idleTimeoutMs?: number;
  /** Called for every streamed event, in order; may be async (the step waits for it). */
  onEvent: (event: StepEvent) => void | Promise<void>;
};

/**
 * One model step: one `streamText` call whose tools have no `execute`, so the SDK stops after the model's
 * answer and the turn runner decides what happens before the next step. Retries are off: the goal engine's
 * policy (backoff, Retry-After, block after three failures) governs provider errors.
 */
export async function runModelStep(request: StepRequest): Promise<StepResult> {
  const toolCalls: StepToolCall[] = [];
  let finish: { finishReason: FinishReason; usage: LanguageModelUsage } | undefined;
  let failure: StepFailure | undefined;
  let streamed = false;
  const idle = new IdleWatch(request.idleTimeoutMs);
  const signal = idle.signal ? AbortSignal.any([request.signal, idle.signal]) : request.signal;
  try {
    const result = streamText({
      model: request.model,
      // Only the runtime's own system prompt travels as a message (to carry a cache breakpoint); goal context
      // and people's text are user messages.
      ...(request.system !== undefined ? { system: request.system } : { allowSystemInMessages: true }),
      messages: request.messages,
      ...(request.providerOptions ? { providerOptions: request.providerOptions } : {}),
      tools: request.tools,
      ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
      abortSignal: signal,
      maxRetries: 0,
      onError: () => {
        // Reported through the stream's error part below; the default handler would print it.
      },
    });
    idle.restart();
    for await (const part of result.fullStream) {
      idle.restart();
      if (part.type !== "start" && part.type !== "start-step" && part.type !== "error") streamed = true;
      switch (part.type) {
        case "text-start":
        case "reasoning-start":
        case "text-end":
        case "reasoning-end":
          await request.onEvent({ type: part.type, id: part.id });
          break;
        case "text-delta":
        case "reasoning-delta":
          await request.onEvent({ type: part.type, id: part.id, text: part.text });
          break;
        case "tool-call": {
          const call: StepToolCall = {
            id: part.toolCallId,
            name: part.toolName,
            input: part.input,
            ...("invalid" in part && part.invalid ? { invalidError: describeInvalid(part.toolName, part.error) } : {}),
          };
          toolCalls.push(call);
          await request.onEvent({ type: "tool-call", call });
          break;
        }
        case "finish-step":
          finish = { finishReason: part.finishReason, usage: part.usage };
          break;
        case "error":
          failure ??= describeFailure(part.error);
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (!signal.aborted) failure ??= describeFailure(error);
  } finally {
    idle.stop();
  }
  if (request.signal.aborted) return { kind: "aborted" };
  // Cut for silence: no status, so the retry policy treats it as a lost connection (transient).
  if (idle.fired) failure = { name: "StreamIdleTimeout", message: idle.message() };
  if (failure) return { kind: "failed", error: streamed ? { ...failure, connectionLost: false } : failure };
  if (!finish) return { kind: "failed", error: { name: "StreamError", message: "the model stream ended early" } };
  return { kind: "finished", ...finish, toolCalls };
}

/** Aborts its signal when `restart` is not called again within the timeout. */
class IdleWatch {
  private readonly controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  fired = false;

  constructor(private readonly timeoutMs: number | undefined) {
    if (timeoutMs !== undefined && timeoutMs > 0) this.controller = new AbortController();
  }

  get signal(): AbortSignal | undefined {
    return this.controller?.signal;
  }

  restart(): void {
    if (!this.controller || this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller?.abort(new Error(this.message()));
    }, this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  message(): string {
    return `the model sent nothing for ${formatSeconds(this.timeoutMs ?? 0)}; the stream was cut`;
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** What the retry policy needs to know of a step's outcome: its failure, or undefined when it did not fail. */
export function providerFailureOf(outcome: StepResult): ProviderFailure | undefined {
  if (outcome.kind !== "failed") return undefined;
  const error = outcome.error;
  return {
    message: error.message,
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.connectionLost ? { retryNow: true } : {}),
  };
}

function describeInvalid(toolName: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Invalid call of ${toolName}: ${message}`;
}

export function describeFailure(error: unknown): StepFailure {
  // A stream that broke off after a successful response (a reset mid-body) is a lost connection, not a refusal.
  if (APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode < 300) {
    return { name: error.name, message: `the model stream broke off: ${causeOf(error)}`, connectionLost: true };
  }
  if (APICallError.isInstance(error)) {
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    return {
      name: error.name,
      message: error.statusCode ? `${error.statusCode} ${error.message}` : error.message,
      ...(error.statusCode === undefined && error.isRetryable ? { connectionLost: true } : {}),
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
