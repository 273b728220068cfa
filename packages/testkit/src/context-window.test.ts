import { describe, expect, it } from "vitest";
import { contextWindowError } from "./context-window.js";
import { startScriptedModel } from "./scripted-model.js";

const body = (chars: number, maxTokens?: number) => ({
  messages: [{ role: "user", content: "x".repeat(chars) }],
  ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
});

describe("the scripted model's context window", () => {
  it("refuses what does not fit in each provider's own words, counting the answer's room", () => {
    expect(contextWindowError(body(3_000), 1_000, "openai")).toBeUndefined();
    expect(contextWindowError(body(4_000), 1_000, "openai")).toMatchObject({
      status: 400,
      code: "context_length_exceeded",
      message: expect.stringContaining("maximum context length is 1000 tokens"),
    });
    expect(contextWindowError(body(3_000, 500), 1_000, "openai")).toMatchObject({ code: "context_length_exceeded" });
    expect(contextWindowError(body(4_400), 1_000, "anthropic")).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      message: expect.stringMatching(/^prompt is too long: \d+ tokens > 1000 maximum$/),
    });
    expect(contextWindowError(body(3_000, 500), 1_000, "anthropic")?.message).toMatch(
      /input length and `max_tokens` exceed context limit/,
    );
  });

  it("answers an over-long request with a 400 before asking the behaviour, and bills nothing", async () => {
    let asked = 0;
    const model = await startScriptedModel({
      contextWindow: 100,
      behaviour: () => {
        asked++;
        return { text: "ok" };
      },
    });
    try {
      const response = await fetch(`${model.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body(2_000)),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("context_length_exceeded");
      expect(asked).toBe(0);
      expect(model.requests[0]?.response?.usage).toBeUndefined();
    } finally {
      await model.close();
    }
  });
});

describe("the scripted model's prompt cache after a refusal", () => {
  it("reads the cache only up to the last request it answered: a refused request cached nothing", async () => {
    const model = await startScriptedModel({
      behaviour: (_request, context) => (context.index === 1 ? { error: { status: 429 } } : { text: "ok" }),
    });
    const send = (messages: { role: string; content: string }[]) =>
      fetch(`${model.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages }),
      });
    try {
      const first = [{ role: "user", content: "a".repeat(6_000) }];
      const longer = [...first, { role: "user", content: "b".repeat(14_000) }];
      await send(first);
      expect((await send(longer)).status).toBe(429);
      await send(longer);
      const cached = model.requests[2]?.response?.usage?.prompt_tokens_details.cached_tokens ?? 0;
      const prompt = model.requests[2]?.response?.usage?.prompt_tokens ?? 0;
      // Only the first request's prompt can be read from the cache, not the refused one's (which is all of it).
      expect(cached).toBeGreaterThan(0);
      expect(cached).toBeLessThan(prompt / 2);
    } finally {
      await model.close();
    }
  });
});
