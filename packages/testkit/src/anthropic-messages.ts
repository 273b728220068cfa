import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { splitIntoPieces } from "./completion-chunks.js";
import type { ChatMessage, ChatRequestBody, Reply, SentResponse, ToolDefinition } from "./types.js";
import { BYTES_PER_TOKEN, CACHE_TTL_MS, MIN_CACHED_TOKENS, utf8Bytes } from "./usage-estimate.js";

/**
 * The Anthropic Messages API as the scripted model speaks it: a request is translated into the chat-completions
 * shape the behaviours read, and billed as Anthropic bills: the prompt is a sequence of blocks (tools, system,
 * then message content), cached only where a `cache_control` breakpoint marks it. A request reads from the cache
 * the longest prefix an earlier request of the conversation wrote at one of its breakpoints, provided one of its
 * own breakpoints lies at or after it (within Anthropic's 20-block look-back); it writes everything up to its last
 * breakpoint that it did not read. The rest is uncached input.
 */

type AnthropicBlock = { type: string; cache_control?: unknown; [key: string]: unknown };
type AnthropicMessage = { role: "user" | "assistant"; content: string | AnthropicBlock[] };
export type AnthropicRequestBody = {
  model?: string;
  max_tokens?: number;
  system?: string | AnthropicBlock[];
  messages: AnthropicMessage[];
  tools?: (AnthropicBlock & { name: string; description?: string; input_schema?: unknown })[];
  stream?: boolean;
};

/** The prompt as Anthropic caches it: each block's bytes (markers left out), and which blocks carry a marker. */
export type PromptBlocks = { blocks: string[]; breakpoints: number[] };

const LOOKBACK_BLOCKS = 20;

export function parseAnthropicBody(raw: string): AnthropicRequestBody | string {
  const body = parseJsonObject(raw);
  if (typeof body === "string") return body;
  if (!Array.isArray(body.messages)) return "messages: Field required";
  return body as AnthropicRequestBody;
}

/** A request body that must be a JSON object, or a message naming what is wrong with it. */
export function parseJsonObject(raw: string): Record<string, unknown> | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "request body is not valid JSON";
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "request body must be a JSON object";
  return body as Record<string, unknown>;
}

/** The blocks in cache order (tools, system, messages) and the breakpoints among them. */
export function promptBlocks(body: AnthropicRequestBody): PromptBlocks {
  const blocks: string[] = [];
  const breakpoints: number[] = [];
  const add = (block: AnthropicBlock, prefix: string) => {
    const { cache_control: marker, ...content } = block;
    blocks.push(prefix + JSON.stringify(content));
    if (marker !== undefined) breakpoints.push(blocks.length - 1);
  };
  for (const tool of body.tools ?? []) add(tool, "tool:");
  const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : (body.system ?? []);
  for (const block of system) add(block, "system:");
  for (const message of body.messages) {
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const block of content) add(block, `${message.role}:`);
  }
  return { blocks, breakpoints };
}

/** What Anthropic caches for each conversation: the prefixes written at breakpoints, by hash, with their size. */
export class AnthropicPromptCache {
  /** Per conversation: the prefix hash at each breakpoint written, its length in bytes and when last used. */
  private readonly written = new Map<string, Map<string, { bytes: number; used: number }>>();

  /**
   * Bills one request (in tokens) and records what it wrote. As Anthropic's cache: a breakpoint's prefix is
   * cached only from 1,024 tokens up, an entry unused for 5 minutes is gone, and a request may miss entirely.
   */
  bill(
    conversation: string,
    prompt: PromptBlocks,
    options: { now?: number; miss?: boolean } = {},
  ): { input: number; cacheRead: number; cacheWrite: number } {
    const now = options.now ?? Date.now();
    const entries = this.written.get(conversation) ?? new Map<string, { bytes: number; used: number }>();
    this.written.set(conversation, entries);
    const hashes: string[] = [];
    const ends: number[] = [];
    const hash = createHash("sha256");
    let bytes = 0;
    for (const block of prompt.blocks) {
      hash.update(block);
      hashes.push(hash.copy().digest("hex"));
      bytes += utf8Bytes(block);
      ends.push(bytes);
    }
    const tokens = (bytes: number) => Math.ceil(bytes / BYTES_PER_TOKEN);
    let readBytes = 0;
    for (const breakpoint of options.miss ? [] : prompt.breakpoints) {
      for (let index = breakpoint; index >= Math.max(0, breakpoint - LOOKBACK_BLOCKS); index--) {
        const hit = entries.get(hashes[index] ?? "");
        if (hit !== undefined && now - hit.used <= CACHE_TTL_MS) {
          readBytes = Math.max(readBytes, hit.bytes);
          hit.used = now;
          break;
        }
      }
    }
    const cacheable = prompt.breakpoints.filter((breakpoint) => tokens(ends[breakpoint] ?? 0) >= MIN_CACHED_TOKENS);
    const last = cacheable.at(-1);
    const cachedUpTo = last === undefined ? 0 : (ends[last] ?? 0);
    const writeBytes = Math.max(0, cachedUpTo - readBytes);
    for (const breakpoint of cacheable)
      entries.set(hashes[breakpoint] ?? "", { bytes: ends[breakpoint] ?? 0, used: now });
    const cacheRead = tokens(readBytes);
    const cacheWrite = tokens(readBytes + writeBytes) - cacheRead;
    return { input: Math.max(0, tokens(bytes) - cacheRead - cacheWrite), cacheRead, cacheWrite };
  }
}

/** The request in the chat-completions shape the behaviours and the prefix analysis read. */
export function toChatBody(body: AnthropicRequestBody): ChatRequestBody {
  const messages: ChatMessage[] = [];
  const system = typeof body.system === "string" ? body.system : (body.system ?? []).map((b) => b.text).join("\n");
  if (system) messages.push({ role: "system", content: system });
  for (const message of body.messages) {
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    if (message.role === "assistant") {
      const text = content.filter((block) => block.type === "text").map((block) => String(block.text ?? ""));
      const calls = content.filter((block) => block.type === "tool_use");
      messages.push({
        role: "assistant",
        content: text.join("") || null,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((call) => ({
                id: String(call.id),
                type: "function",
                function: { name: String(call.name), arguments: JSON.stringify(call.input ?? {}) },
              })),
            }
          : {}),
      });
      continue;
    }
    const texts: string[] = [];
    for (const block of content) {
      if (block.type === "tool_result") {
        const result = block.content;
        const text =
          typeof result === "string"
            ? result
            : Array.isArray(result)
              ? result.map((part) => part.text ?? "").join("")
              : "";
        messages.push({ role: "tool", tool_call_id: String(block.tool_use_id), content: text });
      } else if (block.type === "text") {
        texts.push(String(block.text ?? ""));
      }
    }
    if (texts.length > 0) messages.push({ role: "user", content: texts.join("\n") });
  }
  const tools: ToolDefinition[] | undefined = body.tools?.map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      description: tool.description ?? "",
      parameters: (tool.input_schema ?? {}) as ToolDefinition["function"]["parameters"],
    },
  }));
  return {
    ...(body.model !== undefined ? { model: body.model } : {}),
    messages,
    ...(tools ? { tools } : {}),
    ...(body.stream !== undefined ? { stream: body.stream } : {}),
    ...(body.max_tokens !== undefined ? { max_tokens: body.max_tokens } : {}),
  };
}

/** Streams a planned reply as Anthropic's Messages events. Resolves false when the client went away. */
export async function writeAnthropicStream(
  response: ServerResponse,
  sent: SentResponse,
  meta: { id: string; model: string; finished: boolean; breakOff?: Reply["breakOff"] },
  billing: { input: number; cacheRead: number; cacheWrite: number },
  /** Characters of output just written (for billing a stream the client cuts). */
  onOutput: (characters: number) => void = () => {},
): Promise<boolean> {
  response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  const send = (data: { type: string; [key: string]: unknown }): boolean => {
    if (response.destroyed || response.writableEnded) return false;
    response.write(`event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`);
    return true;
  };
  const output = sent.usage?.completion_tokens ?? 0;
  send({
    type: "message_start",
    message: {
      id: meta.id,
      type: "message",
      role: "assistant",
      model: meta.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: billing.input,
        cache_creation_input_tokens: billing.cacheWrite,
        cache_read_input_tokens: billing.cacheRead,
        output_tokens: 1,
      },
    },
  });
  let index = 0;
  let written = 0;
  if (sent.text) {
    send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    // As Anthropic streams: many small deltas, with a `ping` now and then.
    for (const [n, piece] of splitIntoPieces(sent.text, Math.ceil(sent.text.length / TEXT_DELTA_CHARS)).entries()) {
      if (written >= (meta.breakOff?.afterCharacters ?? Number.POSITIVE_INFINITY)) return breakOff(response, meta);
      if (n > 0 && n % PING_EVERY_DELTAS === 0) send({ type: "ping" });
      if (!send({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } })) return false;
      written += piece.length;
      onOutput(piece.length);
    }
    if (!meta.finished) return true;
    send({ type: "content_block_stop", index });
    index++;
  }
  if (meta.breakOff) return breakOff(response, meta);
  for (const call of sent.toolCalls) {
    send({
      type: "content_block_start",
      index,
      content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
    });
    send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: call.arguments } });
    onOutput(call.name.length + call.arguments.length);
    send({ type: "content_block_stop", index });
    index++;
  }
  if (!meta.finished) return true;
  const stopReason = sent.truncated ? "max_tokens" : sent.toolCalls.length > 0 ? "tool_use" : "end_turn";
  send({
    type: "message_delta",
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: output },
  });
  const complete = send({ type: "message_stop" });
  response.end();
  return complete;
}

/** Characters per streamed text delta, and how often a `ping` event goes between them. */
const TEXT_DELTA_CHARS = 48;
const PING_EVERY_DELTAS = 8;

/**
 * The stream breaks off on Anthropic's side: an `error` event (overloaded) that ends the response, or a reset
 * connection. Resolves true: the reply was sent as scripted.
 */
function breakOff(response: ServerResponse, meta: { breakOff?: Reply["breakOff"] }): boolean {
  if (meta.breakOff?.with === "reset") {
    response.socket?.destroySoon();
    return true;
  }
  const error = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
  response.write(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
  response.end();
  return true;
}
