import { describe, expect, it } from "vitest";
import { AnthropicPromptCache, type AnthropicRequestBody, promptBlocks, toChatBody } from "./anthropic-messages.js";
import { startScriptedModel } from "./scripted-model.js";

const marker = { type: "ephemeral" };
const text = (value: string, cached = false) => ({
  type: "text",
  text: value,
  ...(cached ? { cache_control: marker } : {}),
});
const body = (turns: number, breakpointsAt: number[]): AnthropicRequestBody => ({
  // Past the 1,024 tokens a prefix needs to be cached.
  system: [text("You are a careful agent. ".repeat(200), true)],
  messages: Array.from({ length: turns }, (_, index) => ({
    role: index % 2 === 0 ? ("user" as const) : ("assistant" as const),
    content: [text(`message ${index} `.repeat(50), breakpointsAt.includes(index))],
  })),
});

describe("Anthropic prompt caching as the scripted model bills it", () => {
  it("reads nothing without breakpoints: every request pays the whole prompt", () => {
    const cache = new AnthropicPromptCache();
    const plain = (turns: number) => ({ ...body(turns, []), system: "You are a careful agent." });
    expect(cache.bill("c", promptBlocks(plain(3)))).toMatchObject({ cacheRead: 0, cacheWrite: 0 });
    expect(cache.bill("c", promptBlocks(plain(5)))).toMatchObject({ cacheRead: 0, cacheWrite: 0 });
  });

  it("reads the previous request's prefix up to its last breakpoint, and writes the new part", () => {
    const cache = new AnthropicPromptCache();
    const first = cache.bill("c", promptBlocks(body(3, [2])));
    expect(first.cacheRead).toBe(0);
    expect(first.input).toBe(0);
    const second = cache.bill("c", promptBlocks(body(5, [2, 4])));
    expect(second.cacheRead).toBe(first.cacheWrite);
    expect(second.cacheWrite).toBeGreaterThan(0);
    expect(second.input).toBe(0);
    // Without a breakpoint at the end, the new part is plain input.
    const third = cache.bill("c", promptBlocks(body(7, [4])));
    expect(third.cacheRead).toBe(second.cacheRead + second.cacheWrite);
    expect(third.cacheWrite).toBe(0);
    expect(third.input).toBeGreaterThan(0);
  });

  it("caches no prefix under 1,024 tokens, forgets entries unused for 5 minutes, and misses when told", () => {
    const small = (): AnthropicRequestBody => ({ system: [text("Short system prompt.", true)], messages: [] });
    const tiny = new AnthropicPromptCache();
    expect(tiny.bill("c", promptBlocks(small()))).toMatchObject({ cacheRead: 0, cacheWrite: 0 });
    expect(tiny.bill("c", promptBlocks(small()))).toMatchObject({ cacheRead: 0, cacheWrite: 0 });
    const cache = new AnthropicPromptCache();
    const first = cache.bill("c", promptBlocks(body(1, [0])), { now: 0 });
    expect(first.cacheWrite).toBeGreaterThan(1_024);
    expect(cache.bill("c", promptBlocks(body(1, [0])), { now: 60_000 }).cacheRead).toBe(first.cacheWrite);
    expect(cache.bill("c", promptBlocks(body(1, [0])), { now: 60_000, miss: true }).cacheRead).toBe(0);
    // Read at 60 s, so alive until 6 min; unused past that, gone.
    expect(cache.bill("c", promptBlocks(body(1, [0])), { now: 60_000 + 5 * 60_000 + 1 }).cacheRead).toBe(0);
  });

  it("looks back at most 20 blocks from a breakpoint for an earlier cache entry", () => {
    const systemOnly = new AnthropicPromptCache().bill("s", promptBlocks(body(0, []))).cacheWrite;
    const cache = new AnthropicPromptCache();
    cache.bill("c", promptBlocks(body(3, [2])));
    // Only the system prompt's entry is found: the one written at message 2 lies 27 blocks back.
    const far = cache.bill("c", promptBlocks(body(30, [29])));
    expect(far.cacheRead).toBe(systemOnly);
  });

  it("translates tool use and tool results into the chat shape the behaviours read", () => {
    const chat = toChatBody({
      system: "sys",
      messages: [
        { role: "user", content: "hi" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "write", input: { path: "a" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
      ],
    });
    expect(chat.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "tool"]);
    expect(chat.messages[2]?.tool_calls?.[0]).toMatchObject({ id: "t1", function: { name: "write" } });
    expect(chat.messages[3]).toMatchObject({ tool_call_id: "t1", content: "ok" });
  });

  it("fails in Anthropic's error shape, with the provider's Retry-After", async () => {
    const model = await startScriptedModel({ behaviour: [{ error: { status: 529, retryAfterSeconds: 3 } }] });
    try {
      const response = await fetch(`${model.url}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
      });
      expect(response.status).toBe(529);
      expect(response.headers.get("retry-after")).toBe("3");
      expect(await response.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    } finally {
      await model.close();
    }
  });
});
