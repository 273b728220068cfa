import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { APICallError, generateText, jsonSchema, streamText, tool } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import { billedTokens } from "./billed-tokens.js";
import { type ScriptedModel, type ScriptedModelOptions, startScriptedModel } from "./scripted-model.js";
import type { RecordedRequest } from "./types.js";

const servers: ScriptedModel[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: ScriptedModelOptions) {
  const server = await startScriptedModel(options);
  servers.push(server);
  const provider = createOpenAICompatible({
    name: "scripted",
    baseURL: server.url,
    apiKey: "test",
    includeUsage: true,
  });
  return { server, model: provider.chatModel("scripted") };
}

const weatherTool = tool({
  description: "Weather for a city",
  inputSchema: jsonSchema<{ city: string; days: number }>({
    type: "object",
    properties: { city: { type: "string" }, days: { type: "number" } },
    required: ["city", "days"],
  }),
});

type ErrorBody = { error: { message: string; type: string } };

function messageBytes(body: { messages: unknown[] }): number {
  return body.messages.reduce<number>((sum, message) => sum + Buffer.byteLength(JSON.stringify(message)), 0);
}

describe("startScriptedModel with the AI SDK", () => {
  it("streams text in several chunks that the SDK reassembles", async () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const { server, model } = await start({ behaviour: [{ text }] });
    const result = streamText({ model, prompt: "Say something" });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);

    expect(deltas.join("")).toBe(text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(await result.finishReason).toBe("stop");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body.stream).toBe(true);
    expect(server.requests[0]?.body.stream_options?.include_usage).toBe(true);
    expect(JSON.parse(server.requests[0]?.raw ?? "")).toEqual(server.requests[0]?.body);
  });

  it("streams tool calls whose arguments arrive in pieces and parse to the scripted object", async () => {
    const { server, model } = await start({
      behaviour: [
        {
          text: "Checking two cities.",
          toolCalls: [
            { name: "weather", arguments: { city: "Lisbon", days: 3 } },
            { name: "weather", arguments: '{"city":"Oslo","days":1}', id: "call_fixed" },
          ],
        },
      ],
    });
    const result = streamText({ model, prompt: "Weather?", tools: { weather: weatherTool } });
    const toolCalls = await result.toolCalls;

    expect(await result.finishReason).toBe("tool-calls");
    expect(await result.text).toBe("Checking two cities.");
    expect(toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["weather", { city: "Lisbon", days: 3 }],
      ["weather", { city: "Oslo", days: 1 }],
    ]);
    expect(toolCalls[1]?.toolCallId).toBe("call_fixed");
    expect(toolCalls[0]?.toolCallId).toMatch(/^call_/);
    expect(server.requests[0]?.body.tools?.map((entry) => entry.function.name)).toEqual(["weather"]);
  });

  it("reports usage with cached prompt tokens from the shared prefix and reasoning tokens", async () => {
    const reasoning = "Let me think about this carefully first.";
    const { server, model } = await start({ behaviour: [{ text: "First answer." }, { reasoning, text: "Second." }] });
    // Long enough to be cached: nothing under 1,024 tokens is.
    const system = "You are terse. ".repeat(400);
    const first = streamText({ model, system, prompt: "One" });
    await first.consumeStream();
    const firstUsage = await first.usage;
    const second = streamText({
      model,
      system,
      messages: [
        { role: "user", content: "One" },
        ...(await first.response).messages,
        { role: "user", content: "Two" },
      ],
    });
    await second.consumeStream();
    const usage = await second.usage;
    const [earlier, later] = server.requests;

    expect(firstUsage.inputTokenDetails.cacheReadTokens).toBe(0);
    expect(firstUsage.outputTokens).toBe(Math.ceil("First answer.".length / 4));
    expect(usage.inputTokens).toBe(Math.ceil(Buffer.byteLength(JSON.stringify(later?.body.messages)) / 4));
    // The shared prefix, in whole 128-token steps as OpenAI's cache serves it.
    expect(usage.inputTokenDetails.cacheReadTokens).toBe(Math.floor(messageBytes(earlier!.body) / 4 / 128) * 128);
    expect(usage.inputTokenDetails.cacheReadTokens).toBeGreaterThan(0);
    expect(usage.outputTokenDetails.reasoningTokens).toBe(Math.ceil(reasoning.length / 4));
    expect(usage.outputTokens).toBe(Math.ceil(reasoning.length / 4) + Math.ceil("Second.".length / 4));
    expect(await second.reasoningText).toBe(reasoning);
    expect(server.prefixReuse().minReuse).toBe(1);
  });

  it("lets a reply override the estimated usage", async () => {
    const { model } = await start({
      behaviour: [{ text: "hi", usage: { promptTokens: 1000, cachedTokens: 800, completionTokens: 50 } }],
    });
    const result = streamText({ model, prompt: "hello" });
    await result.consumeStream();
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(1000);
    expect(usage.inputTokenDetails.cacheReadTokens).toBe(800);
    expect(usage.inputTokenDetails.noCacheTokens).toBe(200);
    expect(usage.outputTokens).toBe(50);
    expect(usage.totalTokens).toBe(1050);
  });

  it("answers non-streaming requests with a chat.completion JSON", async () => {
    const { server, model } = await start({
      behaviour: [{ text: "Plain answer", toolCalls: [{ name: "weather", arguments: { city: "Rome", days: 2 } }] }],
    });
    const result = await generateText({ model, prompt: "Go", tools: { weather: weatherTool } });

    expect(server.requests[0]?.body.stream).toBeUndefined();
    expect(result.text).toBe("Plain answer");
    expect(result.toolCalls.map((call) => call.input)).toEqual([{ city: "Rome", days: 2 }]);
    expect(result.finishReason).toBe("tool-calls");
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it("cuts output at max_tokens and finishes with length", async () => {
    const long = "abcdefghij".repeat(10);
    const { server, model } = await start({ behaviour: [{ text: long }] });
    const result = streamText({ model, prompt: "Write a lot", maxOutputTokens: 5 });

    expect(await result.text).toBe(long.slice(0, 20));
    expect(await result.finishReason).toBe("length");
    expect((await result.usage).outputTokens).toBe(5);
    expect(server.requests[0]?.body.max_tokens).toBe(5);
    expect(server.requests[0]?.response?.truncated).toBe(true);
  });

  it("sends a 429 with retry-after that the SDK surfaces as an APICallError", async () => {
    const { server, model } = await start({
      behaviour: [{ error: { status: 429, message: "slow down", retryAfterSeconds: 7 } }],
    });
    const failure = await generateText({ model, prompt: "hi", maxRetries: 0 }).catch((error: unknown) => error);

    expect(APICallError.isInstance(failure)).toBe(true);
    const apiError = failure as APICallError;
    expect(apiError.statusCode).toBe(429);
    expect(apiError.message).toBe("slow down");
    expect(apiError.responseHeaders?.["retry-after"]).toBe("7");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.response?.status).toBe(429);
  });

  it("reports a 500 on a stream as an error part", async () => {
    const { model } = await start({ behaviour: [{ error: { status: 500 } }] });
    const result = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === "error") errors.push(part.error);
    expect(errors).toHaveLength(1);
    expect((errors[0] as APICallError).statusCode).toBe(500);
  });

  it("keeps a hanging reply open until the client aborts, and records the disconnection", async () => {
    const { server, model } = await start({ behaviour: [{ hang: true, text: "partial" }] });
    const controller = new AbortController();
    // A safety net so a broken stream fails the assertions below instead of hanging the test.
    const safety = setTimeout(() => controller.abort(), 10_000);
    const result = streamText({ model, prompt: "hi", abortSignal: controller.signal });
    const parts: string[] = [];
    let text = "";
    for await (const part of result.fullStream) {
      parts.push(part.type);
      if (part.type === "text-delta") {
        text += part.text;
        if (text === "partial") controller.abort();
      }
    }
    clearTimeout(safety);
    const disconnectedAt = await server.waitUntil(() => server.requests[0]?.disconnectedAt, 5000, "a disconnect");

    expect(text).toBe("partial");
    expect(parts.at(-1)).toBe("abort");
    expect(disconnectedAt).toBeGreaterThanOrEqual(server.requests[0]!.time);
    expect(server.requests[0]?.respondedAt).toBeUndefined();
  });
});

describe("billing like a provider", () => {
  it("bills a stream the client cut for its input and the output streamed so far; a refused request nothing", async () => {
    const text = "word ".repeat(400); // 2,000 characters: 500 output tokens, streamed in 4 pieces
    const { server, model } = await start({
      behaviour: [{ error: { status: 429, message: "slow down" } }, { text }, { text }],
      // Far longer than the client's abort takes to reach the server, even on a loaded machine: the third piece
      // is never written (at 30 ms a loaded CI run saw it go out before the disconnect, and billed it, rightly).
      chunkDelayMs: 250,
    });
    await generateText({ model, prompt: "refused", maxRetries: 0 }).catch(() => undefined);
    const whole = await generateText({ model, prompt: "answered" });
    expect(whole.text).toBe(text);
    const controller = new AbortController();
    const cut = streamText({ model, prompt: "cut", abortSignal: controller.signal });
    let received = "";
    for await (const part of cut.fullStream) {
      if (part.type === "text-delta") received += part.text;
      if (received.length >= 1_000) controller.abort();
    }
    await server.waitUntil(() => server.requests[2]?.disconnectedAt, 5000, "the cut request's disconnect");
    const [refused, answered, cutRequest] = server.requests;
    expect(billedTokens([refused!])).toBe(0);
    const input = (request: RecordedRequest) =>
      request.response!.usage!.prompt_tokens - request.response!.usage!.prompt_tokens_details.cached_tokens;
    expect(billedTokens([answered!])).toBe(input(answered!) + 500);
    // Half the text went out before the client hung up: half the output is billed, with the whole input.
    expect(cutRequest!.streamedOutputTokens).toBe(250);
    expect(billedTokens([cutRequest!])).toBe(input(cutRequest!) + 250);
  });
});

describe("failing like a provider", () => {
  it("sends Retry-After as seconds, as an HTTP date, and as retry-after-ms", async () => {
    const { server } = await start({
      behaviour: [
        { error: { status: 429, retryAfterSeconds: 3 } },
        { error: { status: 429, retryAfterDateInMs: 5_000 } },
        { error: { status: 503, retryAfterMs: 1_500 } },
      ],
    });
    const headers = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${server.url}/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
      });
      headers.push([response.headers.get("retry-after"), response.headers.get("retry-after-ms")]);
    }
    expect(headers[0]).toEqual(["3", null]);
    const date = Date.parse(headers[1]![0]!);
    expect(date - Date.now()).toBeGreaterThan(3_000);
    expect(date - Date.now()).toBeLessThanOrEqual(5_000);
    expect(headers[2]).toEqual([null, "1500"]);
  });

  it.each(["error", "reset"] as const)(
    "breaks a stream off mid-answer with %s, billed for what it streamed",
    async (how) => {
      const text = "word ".repeat(400);
      const { server, model } = await start({ behaviour: [{ text, breakOff: { afterCharacters: 1_000, with: how } }] });
      const result = streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} });
      let received = "";
      const errors: unknown[] = [];
      try {
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") received += part.text;
          if (part.type === "error") errors.push(part.error);
        }
      } catch (error) {
        // A reset ends the stream with a thrown "terminated".
        errors.push(error);
      }
      expect(received).toBe(text.slice(0, 1_000));
      expect(errors.length).toBeGreaterThan(0);
      const request = server.requests[0]!;
      expect(request.brokeOff).toBe(how);
      const usage = request.response!.usage!;
      expect(billedTokens([request])).toBe(usage.prompt_tokens + 250);
    },
  );

  it("cuts a tool call half-written at max_tokens, as a model does", async () => {
    const content = "x".repeat(400);
    const { server, model } = await start({
      behaviour: [{ text: "Writing.", toolCalls: [{ name: "write", arguments: { path: "a.txt", content } }] }],
    });
    const result = streamText({
      model,
      prompt: "hi",
      maxOutputTokens: 40,
      tools: { write: tool({ inputSchema: jsonSchema({ type: "object" }) }) },
    });
    await result.consumeStream();
    const sent = server.requests[0]!.response!;
    expect(sent.finishReason).toBe("length");
    expect(sent.toolCalls).toHaveLength(1);
    expect(() => JSON.parse(sent.toolCalls[0]!.arguments)).toThrow();
    expect(sent.usage?.completion_tokens).toBe(40);
  });

  it("serves a shared prefix from the cache only from 1,024 tokens up, and not when a request is told to miss", async () => {
    const { server, model } = await start({
      behaviour: [{ text: "a" }, { text: "b", cacheMiss: true }, { text: "c" }],
    });
    const system = "You are terse. ".repeat(400);
    for (let i = 0; i < 3; i++) await streamText({ model, system, prompt: "One" }).consumeStream();
    const cached = server.requests.map((request) => request.response!.usage!.prompt_tokens_details.cached_tokens);
    expect(cached[0]).toBe(0);
    expect(cached[1]).toBe(0);
    expect(cached[2]).toBeGreaterThanOrEqual(1_024);
    const small = await start({ behaviour: [{ text: "a" }, { text: "b" }] });
    for (const prompt of ["One", "Two"])
      await streamText({ model: small.model, system: "Terse.", prompt }).consumeStream();
    expect(small.server.requests[1]!.response!.usage!.prompt_tokens_details.cached_tokens).toBe(0);
  });
});

describe("startScriptedModel behaviours and recording", () => {
  it("serves an array in order, then its default reply, and restarts on setBehaviour", async () => {
    const { server, model } = await start({
      behaviour: [{ text: "one" }, { text: "two" }],
      defaultReply: { text: "later" },
    });
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push((await generateText({ model, prompt: `q${i}` })).text);
    server.setBehaviour([{ text: "fresh" }]);
    answers.push((await generateText({ model, prompt: "q3" })).text);
    answers.push((await generateText({ model, prompt: "q4" })).text);
    expect(answers).toEqual(["one", "two", "later", "fresh", "fresh"]);
  });

  it("passes the request and its conversation position to a behaviour function", async () => {
    const seen: { index: number; conversationIndex: number; previous: number[] }[] = [];
    const { server, model } = await start({
      behaviour: (request, context) => {
        seen.push({ ...context, previous: context.previous.map((earlier) => earlier.index) });
        return { text: `echo ${request.body.messages.length}` };
      },
    });
    await generateText({ model, system: "A", prompt: "first" });
    await generateText({ model, system: "B", prompt: "other" });
    const third = await generateText({
      model,
      system: "A",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "echo 2" },
        { role: "user", content: "again" },
      ],
    });
    expect(third.text).toBe("echo 4");
    expect(seen).toEqual([
      { index: 0, conversationIndex: 0, previous: [] },
      { index: 1, conversationIndex: 0, previous: [] },
      { index: 2, conversationIndex: 1, previous: [0] },
    ]);
    expect([...server.conversations().values()].map((group) => group.map((request) => request.index))).toEqual([
      [0, 2],
      [1],
    ]);
  });

  it("answers a throwing behaviour with a 500 and records why", async () => {
    const { server, model } = await start({
      behaviour: () => {
        throw new Error("script bug");
      },
    });
    const failure = await generateText({ model, prompt: "x", maxRetries: 0 }).catch((error: unknown) => error);
    expect((failure as APICallError).statusCode).toBe(500);
    expect(server.requests[0]?.behaviourError).toContain("script bug");
  });

  it("waits for requests and lists those after a time", async () => {
    const { server, model } = await start({ behaviour: [{ text: "ok" }], latencyMs: 20 });
    const waiting = server.waitForRequests(2, 5000);
    await generateText({ model, prompt: "a" });
    const between = Date.now();
    await generateText({ model, prompt: "b" });
    const requests = await waiting;
    expect(requests.map((request) => request.index)).toEqual([0, 1]);
    expect(server.requestsAfter(between).map((request) => request.index)).toEqual([1]);
    await expect(server.waitForRequests(3, 50)).rejects.toThrow(/3 request\(s\).*2 seen/);
  });

  it("lists models, rejects bad bodies naming the field, and 404s unknown paths", async () => {
    const { server } = await start({ behaviour: [{ text: "x" }], modelIds: ["m1", "m2"] });
    const models = (await (await fetch(`${server.url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((entry) => entry.id)).toEqual(["m1", "m2"]);

    const bad = await fetch(`${server.url}/chat/completions`, { method: "POST", body: '{"model":"m1"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.message).toContain("messages");

    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.type).toBe("invalid_request_error");
    expect(server.requests).toHaveLength(0);
  });

  it("sends the exact OpenAI stream framing, ending with a usage chunk and [DONE]", async () => {
    const { server } = await start({ behaviour: [{ text: "hey", toolCalls: [{ name: "t", arguments: { a: 1 } }] }] });
    const response = await fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", stream: true, stream_options: { include_usage: true }, messages: [] }),
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text()).split("\n\n").filter((event) => event.length > 0);
    expect(events.every((event) => event.startsWith("data: "))).toBe(true);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(toolDeltas[0]).toMatchObject({ index: 0, type: "function", function: { name: "t", arguments: "" } });
    expect(toolDeltas.length).toBeGreaterThan(2);
    expect(toolDeltas.map((delta) => delta.function.arguments).join("")).toBe('{"a":1}');
    expect(chunks.at(-2).choices[0].finish_reason).toBe("tool_calls");
    expect(chunks.at(-1).choices).toEqual([]);
    expect(Object.keys(chunks.at(-1).usage).sort()).toEqual([
      "completion_tokens",
      "completion_tokens_details",
      "prompt_tokens",
      "prompt_tokens_details",
      "total_tokens",
    ]);
  });
});
