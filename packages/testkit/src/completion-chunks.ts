import type { SentResponse } from "./types.js";

/** Identity fields repeated on every chunk of one completion, as OpenAI sends them. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export interface StreamChunkOptions {
  /** `stream_options.include_usage`: every chunk carries `usage: null`, and a last chunk carries the usage. */
  includeUsage: boolean;
  /** False for a hanging reply: only the role and content deltas are produced, never a finish. */
  finished: boolean;
  /** Characters per text or reasoning delta, as a provider's small deltas; default: each split in 4. */
  deltaCharacters?: number;
}

const TEXT_PIECES = 4;
const ARGUMENT_PIECES = 3;

/** Splits text into at most `pieces` non-empty parts of near-equal length, never inside a surrogate pair. */
export function splitIntoPieces(text: string, pieces: number): string[] {
  const characters = Array.from(text);
  if (characters.length === 0) return [];
  const count = Math.max(1, Math.min(pieces, characters.length));
  const size = Math.ceil(characters.length / count);
  const parts: string[] = [];
  for (let start = 0; start < characters.length; start += size) {
    parts.push(characters.slice(start, start + size).join(""));
  }
  return parts;
}

/**
 * The `chat.completion.chunk` objects for a streamed reply, in order: the role delta, reasoning deltas
 * (`reasoning_content`), text deltas, tool call deltas (id, type and name first, arguments in several pieces),
 * the finish reason, then the usage chunk with empty `choices` when asked for.
 */
export function streamChunks(sent: SentResponse, meta: CompletionMeta, options: StreamChunkOptions): object[] {
  const usageField = options.includeUsage ? { usage: null } : {};
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...usageField,
  });

  const chunks: object[] = [chunk({ role: "assistant", content: "", refusal: null })];
  const pieces = (text: string) =>
    options.deltaCharacters ? Math.ceil(text.length / options.deltaCharacters) : TEXT_PIECES;
  for (const piece of splitIntoPieces(sent.reasoning, pieces(sent.reasoning)))
    chunks.push(chunk({ reasoning_content: piece }));
  for (const piece of splitIntoPieces(sent.text, pieces(sent.text))) chunks.push(chunk({ content: piece }));
  if (!options.finished) return chunks;

  sent.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
    );
    for (const piece of splitIntoPieces(call.arguments, ARGUMENT_PIECES)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, sent.finishReason ?? "stop"));
  if (options.includeUsage && sent.usage) {
    chunks.push({
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: meta.model,
      system_fingerprint: null,
      choices: [],
      usage: sent.usage,
    });
  }
  return chunks;
}

/** The `chat.completion` object for a non-streamed reply. */
export function completionJson(sent: SentResponse, meta: CompletionMeta): object {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: sent.text.length > 0 || sent.toolCalls.length === 0 ? sent.text : null,
    refusal: null,
  };
  if (sent.reasoning.length > 0) message.reasoning_content = sent.reasoning;
  if (sent.toolCalls.length > 0) {
    message.tool_calls = sent.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: null,
    choices: [{ index: 0, message, logprobs: null, finish_reason: sent.finishReason ?? "stop" }],
    usage: sent.usage,
  };
}

/** Characters of model output (text, reasoning, tool names and arguments) a streamed chunk carries. */
export function chunkOutputCharacters(chunk: object): number {
  const choice = (chunk as { choices?: { delta?: Record<string, unknown> }[] }).choices?.[0];
  const delta = choice?.delta;
  if (!delta) return 0;
  let characters = 0;
  for (const key of ["content", "reasoning_content"]) {
    const value = delta[key];
    if (typeof value === "string") characters += value.length;
  }
  const calls = delta.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls as { function?: { name?: string; arguments?: string } }[]) {
      characters += (call.function?.name?.length ?? 0) + (call.function?.arguments?.length ?? 0);
    }
  }
  return characters;
}

/** Characters of model output a whole reply carries, as `chunkOutputCharacters` counts them. */
export function replyOutputCharacters(sent: SentResponse): number {
  return (
    sent.text.length +
    sent.reasoning.length +
    sent.toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0)
  );
}
