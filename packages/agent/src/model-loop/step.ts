import type { LanguageModelV3, LanguageModelV3Usage, SharedV3ProviderOptions } from "@ai-sdk/provider";
import { type ProviderFailure, parseRetryAfter, quotaResetOf } from "@pursuit/driver";
import { APICallError, type FinishReason, type LanguageModel, type ModelMessage, type ToolSet } from "ai";
import { toLanguageModelPrompt, toLanguageModelTools } from "./language-model-prompt.js";
import { parseToolCall } from "./tool-call-parsing.js";

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
  /** A usage quota is exhausted until then (epoch ms): the goal waits for it. */
  quotaResetAt?: number;
  /**
   * The request never got an HTTP response (a pooled connection the server had just closed, a refused
   * connection) and the model streamed nothing: safe to send again at once.
   */
  connectionLost?: boolean;
};

export type StepResult =
  | { kind: "finished"; finishReason: FinishReason; usage: LanguageModelV3Usage; toolCalls: StepToolCall[] }
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
 * One model step: one request to the provider's model (`doStream`), whose tools the turn runner executes, so
 * the runner decides what happens before the next step. The AI SDK's `streamText` wraps the same call in
 * telemetry spans, a validation of the whole history and half a dozen stream stages, which cost the host more
 * than the request itself; what it adds that a step needs (the prompt's layout, tool-call parsing) lives in
 * `language-model-prompt.ts` and `tool-call-parsing.ts`. No retries here: the goal engine's policy (backoff,
 * Retry-After, block after three failures) governs provider errors.
 */
export async function runModelStep(request: StepRequest): Promise<StepResult> {
  const toolCalls: StepToolCall[] = [];
  let finish: { finishReason: FinishReason; usage: LanguageModelV3Usage } | undefined;
  let failure: StepFailure | undefined;
  let streamed = false;
  const idle = new IdleWatch(request.idleTimeoutMs);
  const signal = idle.signal ? AbortSignal.any([request.signal, idle.signal]) : request.signal;
  try {
    const model = languageModelV3(request.model);
    idle.restart();
    const { stream } = await model.doStream({
      prompt: toLanguageModelPrompt(request.system, request.messages),
      tools: await toLanguageModelTools(request.tools),
      toolChoice: { type: "auto" },
      ...(request.providerOptions ? { providerOptions: request.providerOptions as SharedV3ProviderOptions } : {}),
      ...(request.maxOutputTokens !== undefined ? { maxOutputTokens: request.maxOutputTokens } : {}),
      ...(request.headers ? { headers: request.headers } : {}),
      abortSignal: signal,
    });
    for await (const part of stream) {
      idle.restart();
      if (part.type !== "stream-start" && part.type !== "response-metadata" && part.type !== "error") streamed = true;
      switch (part.type) {
        case "text-start":
        case "reasoning-start":
        case "text-end":
        case "reasoning-end":
          await request.onEvent({ type: part.type, id: part.id });
          break;
        case "text-delta":
        case "reasoning-delta":
          await request.onEvent({ type: part.type, id: part.id, text: part.delta });
          break;
        case "tool-call": {
          const call = await parseToolCall(part, request.tools);
          toolCalls.push(call);
          await request.onEvent({ type: "tool-call", call });
          break;
        }
        case "finish":
          finish = { finishReason: part.finishReason.unified, usage: part.usage };
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

/** The providers the runtime builds are all of the current specification; anything else is a set-up error. */
function languageModelV3(model: LanguageModel): LanguageModelV3 {
  if (typeof model === "string" || model.specificationVersion !== "v3")
    throw new Error(
      `model ${typeof model === "string" ? model : model.modelId} does not implement the v3 language model specification`,
    );
  return model;
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
    ...(error.quotaResetAt !== undefined ? { quotaResetAt: error.quotaResetAt } : {}),
  };
}

export function describeFailure(error: unknown): StepFailure {
  // A stream that broke off after a successful response (a reset mid-body) is a lost connection, not a refusal.
  if (APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode < 300) {
    return { name: error.name, message: `the model stream broke off: ${causeOf(error)}`, connectionLost: true };
  }
  if (APICallError.isInstance(error)) {
    const retryAfterMs = parseRetryAfter(error.responseHeaders);
    const quotaResetAt = quotaResetOf(
      {
        ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
        text: `${error.message}\n${error.responseBody ?? ""}`,
        ...(error.responseHeaders ? { headers: error.responseHeaders } : {}),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      },
      Date.now(),
    );
    return {
      name: error.name,
      message: error.statusCode ? `${error.statusCode} ${error.message}` : error.message,
      ...(error.statusCode === undefined && error.isRetryable ? { connectionLost: true } : {}),
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(quotaResetAt !== undefined ? { quotaResetAt } : {}),
    };
  }
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
