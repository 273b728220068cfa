import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AnthropicPromptCache,
  parseAnthropicBody,
  parseJsonObject,
  promptBlocks,
  toChatBody,
  writeAnthropicStream,
} from "./anthropic-messages.js";
import { chunkOutputCharacters, completionJson, replyOutputCharacters, streamChunks } from "./completion-chunks.js";
import { contextWindowError } from "./context-window.js";
import { type ConversationKeyFunction, defaultConversationKey } from "./conversation-key.js";
import { openAiErrorBody, sendError, sendJson } from "./openai-error.js";
import { planResponse } from "./plan-response.js";
import { analyzePrefixReuse, type PrefixReuseReport } from "./prefix-reuse.js";
import { createReplySource, type ReplySource } from "./reply-source.js";
import { now, RequestLog } from "./request-log.js";
import { SseWriter } from "./sse-writer.js";
import type { Behaviour, ChatRequestBody, RecordedRequest, Reply, SentResponse } from "./types.js";
import { estimateCachedTokens, estimatePromptTokens, servedFromCache } from "./usage-estimate.js";

export interface ScriptedModelOptions {
  /** Replies in order, or a function deciding each reply from the request. */
  behaviour: Behaviour;
  /** Served once an array behaviour is used up (default: its last reply again). */
  defaultReply?: Reply;
  /** Default 0: a free port. */
  port?: number;
  /** Delay before the first byte of every response (ms, default 0). */
  latencyMs?: number;
  /** Delay between stream chunks (ms, default 0). */
  chunkDelayMs?: number;
  /** Characters per streamed text delta (providers send a few tokens at a time); default: each text in 4 deltas. */
  deltaCharacters?: number;
  /** Ids listed by `GET /v1/models` (default `["scripted"]`). */
  modelIds?: string[];
  /** Groups requests into conversations (default: first system + first user message). */
  conversationKey?: ConversationKeyFunction;
  /**
   * The model's context window in tokens: a request whose prompt plus max_tokens passes it is refused with
   * the provider's own error (see `contextWindowError`) before the behaviour is asked. Default: no limit.
   */
  contextWindow?: number;
}

export interface ScriptedModel {
  /**
   * Base URL for OpenAI-compatible clients, e.g. `http://127.0.0.1:41234/v1`; Anthropic clients use the same
   * (`POST /v1/messages`, billed with Anthropic's breakpoint caching).
   */
  url: string;
  port: number;
  /**
   * Every `POST /v1/chat/completions` and `POST /v1/messages` received, in arrival order (live array); Anthropic
   * requests are recorded in the chat-completions shape (`raw` keeps what was sent).
   */
  requests: RecordedRequest[];
  /** Replaces the behaviour for the following requests; an array starts again from its first reply. */
  setBehaviour(behaviour: Behaviour, defaultReply?: Reply): void;
  /** Resolves with the first `count` requests once they have arrived (default timeout 10 s). */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolves once `predicate` returns something truthy, re-checked on every request change (default 10 s). */
  waitUntil<T>(predicate: () => T | undefined | false | null, timeoutMs?: number, what?: string): Promise<T>;
  /** Requests that arrived strictly after `time` (epoch ms, e.g. from Date.now()). */
  requestsAfter(time: number): RecordedRequest[];
  /** Requests grouped by conversation key, in order of first appearance. */
  conversations(): Map<string, RecordedRequest[]>;
  /** `analyzePrefixReuse` over everything recorded so far. */
  prefixReuse(): PrefixReuseReport;
  /** Stops listening and drops open connections (hanging replies included). */
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 10_000;

/** Starts the scripted OpenAI-compatible model server on 127.0.0.1. */
export async function startScriptedModel(options: ScriptedModelOptions): Promise<ScriptedModel> {
  const log = new RequestLog();
  const conversationKey = options.conversationKey ?? defaultConversationKey;
  const modelIds = options.modelIds ?? ["scripted"];
  let replySource: ReplySource = createReplySource(options.behaviour, options.defaultReply);

  const handler = new ChatHandler(log, conversationKey, modelIds[0] ?? "scripted", {
    latencyMs: options.latencyMs ?? 0,
    chunkDelayMs: options.chunkDelayMs ?? 0,
    ...(options.deltaCharacters !== undefined ? { deltaCharacters: options.deltaCharacters } : {}),
    ...(options.contextWindow !== undefined ? { contextWindow: options.contextWindow } : {}),
    replySource: () => replySource,
  });

  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (request.method === "POST" && (path === "/v1/chat/completions" || path === "/v1/messages")) {
      handler.handle(request, response, path).catch((error: unknown) => {
        if (!response.headersSent) sendError(response, { status: 500, message: String(error) });
        else response.destroy();
      });
      return;
    }
    if (request.method === "GET" && path === "/v1/models") {
      sendJson(response, 200, {
        object: "list",
        data: modelIds.map((id) => ({ id, object: "model", created: 0, owned_by: "pursuit-testkit" })),
      });
      return;
    }
    request.resume();
    sendError(response, { status: 404, message: `No route for ${request.method} ${path}` });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests: log.requests,
    setBehaviour(behaviour, defaultReply) {
      replySource = createReplySource(behaviour, defaultReply);
    },
    waitForRequests: (count, timeoutMs = DEFAULT_WAIT_MS) => log.waitForRequests(count, timeoutMs),
    waitUntil: (predicate, timeoutMs = DEFAULT_WAIT_MS, what = "a condition") =>
      log.waitUntil(predicate, timeoutMs, what),
    requestsAfter: (time) => log.requestsAfter(time),
    conversations() {
      const groups = new Map<string, RecordedRequest[]>();
      for (const request of log.requests) {
        groups.set(request.conversationKey, [...(groups.get(request.conversationKey) ?? []), request]);
      }
      return groups;
    },
    prefixReuse: () => analyzePrefixReuse(log.requests, { conversationKey }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface HandlerSettings {
  contextWindow?: number;
  latencyMs: number;
  chunkDelayMs: number;
  deltaCharacters?: number;
  replySource: () => ReplySource;
}

/** Serves one chat completion: record, ask the behaviour, wait, then answer as JSON, a stream, an error or a hang. */
class ChatHandler {
  private readonly anthropicCache = new AnthropicPromptCache();

  constructor(
    private readonly log: RequestLog,
    private readonly conversationKey: ConversationKeyFunction,
    private readonly fallbackModel: string,
    private readonly settings: HandlerSettings,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const time = now();
    const raw = await readBody(request);
    const anthropic = path === "/v1/messages" ? parseAnthropicBody(raw) : undefined;
    const parsed =
      anthropic === undefined ? parseChatBody(raw) : typeof anthropic === "string" ? anthropic : toChatBody(anthropic);
    if (typeof parsed === "string") {
      sendError(response, { status: 400, message: parsed }, anthropic === undefined ? "openai" : "anthropic");
      return;
    }
    const recorded: RecordedRequest = {
      index: this.log.requests.length,
      time,
      path,
      headers: { ...request.headers },
      raw,
      body: parsed,
      conversationKey: this.conversationKey(parsed),
    };
    const previous = this.log.conversationOf(recorded);
    this.log.add(recorded);
    response.on("close", () => {
      if (!response.writableFinished) {
        recorded.disconnectedAt = now();
        this.log.changed();
      }
    });

    const dialect = anthropic === undefined ? "openai" : "anthropic";
    const tooLong =
      this.settings.contextWindow === undefined
        ? undefined
        : contextWindowError(parsed, this.settings.contextWindow, dialect);
    if (tooLong) {
      recorded.response = { status: tooLong.status, text: "", reasoning: "", toolCalls: [], truncated: false };
      this.finish(recorded, () => sendError(response, tooLong, dialect));
      return;
    }

    let reply: Reply;
    try {
      reply = await this.settings.replySource()(recorded, {
        index: recorded.index,
        conversationIndex: previous.length,
        previous,
      });
    } catch (error) {
      recorded.behaviourError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.finish(recorded, () => sendError(response, { status: 500, message: `behaviour failed: ${String(error)}` }));
      return;
    }
    recorded.reply = reply;
    this.log.changed();

    const delay = this.settings.latencyMs + (reply.delayMs ?? 0);
    if (reply.error) {
      if (delay > 0) await sleep(delay);
      if (response.destroyed) return;
      const error = reply.error;
      recorded.response = { status: error.status, text: "", reasoning: "", toolCalls: [], truncated: false };
      this.finish(recorded, () => sendError(response, error, anthropic === undefined ? "openai" : "anthropic"));
      return;
    }

    if (typeof anthropic === "object") {
      // Anthropic: cache reads only up to breakpoints; the new part up to the last breakpoint is a cache write.
      const billing = this.anthropicCache.bill(recorded.conversationKey, promptBlocks(anthropic), {
        now: time,
        ...(reply.cacheMiss ? { miss: true } : {}),
      });
      const promptTokens = billing.input + billing.cacheRead + billing.cacheWrite;
      const sent = planResponse(reply, parsed, {
        requestIndex: recorded.index,
        promptTokens,
        cachedTokens: billing.cacheRead,
      });
      // Accepted: from here its input is billed, even if the client goes before the first token.
      recorded.response = sent;
      recorded.cacheWriteTokens = billing.cacheWrite;
      recorded.streamedOutputTokens = 0;
      if (delay > 0) await sleep(delay);
      if (response.destroyed) return;
      const model = parsed.model ?? this.fallbackModel;
      const finished = reply.hang !== true;
      const totalCharacters = Math.max(1, replyOutputCharacters(sent));
      const totalTokens = sent.usage?.completion_tokens ?? 0;
      let characters = 0;
      const complete = await writeAnthropicStream(
        response,
        sent,
        { id: `msg_${randomUUID()}`, model, finished, ...(reply.breakOff ? { breakOff: reply.breakOff } : {}) },
        billing,
        (written) => {
          characters += written;
          recorded.streamedOutputTokens = Math.min(
            totalTokens,
            Math.ceil((totalTokens * characters) / totalCharacters),
          );
        },
      );
      if (reply.breakOff) {
        recorded.brokeOff = reply.breakOff.with;
        if (reply.breakOff.with === "error") this.finish(recorded, () => {});
        this.log.changed();
        return;
      }
      if (finished && complete) this.finish(recorded, () => {});
      return;
    }

    // Only a request the provider accepted left a prompt in its cache: a refused one (429, 5xx, too long) did not.
    const cachedBy = previous.findLast((earlier) => earlier.response?.status === 200);
    const sent = planResponse(reply, parsed, {
      requestIndex: recorded.index,
      promptTokens: estimatePromptTokens(parsed),
      cachedTokens: servedFromCache(estimateCachedTokens(parsed, cachedBy?.body), {
        idleMs: cachedBy ? time - cachedBy.time : 0,
        ...(reply.cacheMiss ? { miss: true } : {}),
      }),
    });
    // Accepted: from here its input is billed, even if the client goes before the first token.
    recorded.response = sent;
    recorded.streamedOutputTokens = 0;
    if (delay > 0) await sleep(delay);
    if (response.destroyed) return;
    const meta = {
      id: `chatcmpl-${randomUUID()}`,
      created: Math.floor(Date.now() / 1000),
      model: parsed.model ?? this.fallbackModel,
    };

    if (parsed.stream === true) {
      const writer = new SseWriter(response, this.settings.chunkDelayMs);
      writer.open();
      const includeUsage = parsed.stream_options?.include_usage === true;
      const finished = reply.hang !== true;
      const chunks = streamChunks(sent, meta, {
        includeUsage,
        finished,
        ...(this.settings.deltaCharacters !== undefined ? { deltaCharacters: this.settings.deltaCharacters } : {}),
      });
      const complete = await this.streamBilled(recorded, writer, chunks, reply.breakOff?.afterCharacters);
      if (complete && reply.breakOff) {
        // The provider's side breaks the stream: an error event (and the end of the response), or a reset.
        recorded.brokeOff = reply.breakOff.with;
        // What was written reaches the client first; then the connection drops mid-body.
        if (reply.breakOff.with === "reset") response.socket?.destroySoon();
        else {
          await writer.send({
            error: openAiErrorBody({ status: 500, message: "The server had an error mid-stream." }).error,
          });
          this.finish(recorded, () => writer.end());
        }
        this.log.changed();
        return;
      }
      if (!finished || !complete) return;
      await writer.send("[DONE]");
      this.finish(recorded, () => writer.end());
      return;
    }
    if (reply.hang === true) {
      response.writeHead(200, { "content-type": "application/json" });
      response.flushHeaders();
      return;
    }
    this.finish(recorded, () => sendJson(response, 200, completionJson(sent, meta)));
  }

  /**
   * Sends a stream's chunks, keeping count of the output tokens streamed so far: a provider bills a stream the
   * client cuts for its input and that much output.
   */
  private async streamBilled(
    recorded: RecordedRequest,
    writer: SseWriter,
    chunks: object[],
    breakAfterCharacters = Number.POSITIVE_INFINITY,
  ): Promise<boolean> {
    const sent = recorded.response as SentResponse;
    const totalCharacters = Math.max(1, replyOutputCharacters(sent));
    const totalTokens = sent.usage?.completion_tokens ?? 0;
    let characters = 0;
    recorded.streamedOutputTokens = 0;
    for (const chunk of chunks) {
      if (characters >= breakAfterCharacters) return true;
      if (!(await writer.send(chunk))) return false;
      characters += chunkOutputCharacters(chunk);
      recorded.streamedOutputTokens = Math.min(totalTokens, Math.ceil((totalTokens * characters) / totalCharacters));
    }
    return true;
  }

  private finish(recorded: RecordedRequest, send: () => void): void {
    send();
    recorded.respondedAt = now();
    this.log.changed();
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** The parsed body, or a message naming what is wrong with it. */
function parseChatBody(raw: string): ChatRequestBody | string {
  const body = parseJsonObject(raw);
  if (typeof body === "string") return body;
  const messages = (body as { messages?: unknown }).messages;
  if (!Array.isArray(messages)) return "'messages' must be an array";
  const tools = (body as { tools?: unknown }).tools;
  if (tools !== undefined && !Array.isArray(tools)) return "'tools' must be an array when given";
  return body as ChatRequestBody;
}
