import { describe, expect, it } from "vitest";
import { splitIntoPieces } from "./completion-chunks.js";
import { planResponse } from "./plan-response.js";
import type { ChatRequestBody } from "./types.js";
import { estimateCachedTokens, estimatePromptTokens } from "./usage-estimate.js";

const context = { requestIndex: 3, promptTokens: 100, cachedTokens: 40 };
const body = (extra: Partial<ChatRequestBody> = {}): ChatRequestBody => ({ messages: [], ...extra });

describe("planResponse", () => {
  it("estimates completion tokens from text, tool calls and reasoning", () => {
    const sent = planResponse(
      { reasoning: "12345678", text: "abcde", toolCalls: [{ name: "write", arguments: { p: 1 } }] },
      body(),
      context,
    );
    const toolTokens = Math.ceil(("write" + '{"p":1}').length / 4);
    expect(sent.finishReason).toBe("tool_calls");
    expect(sent.toolCalls).toEqual([{ id: "call_3_0", name: "write", arguments: '{"p":1}' }]);
    expect(sent.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 2 + 2 + toolTokens,
      total_tokens: 100 + 4 + toolTokens,
      prompt_tokens_details: { cached_tokens: 40 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
  });

  it("cuts reasoning first, then text, drops tool calls and caps usage at max_tokens", () => {
    const sent = planResponse(
      { reasoning: "r".repeat(6), text: "t".repeat(40), toolCalls: [{ name: "x", arguments: {} }] },
      body({ max_tokens: 3 }),
      context,
    );
    expect(sent).toMatchObject({ reasoning: "rrrrrr", text: "tttttt", toolCalls: [], finishReason: "length" });
    expect(sent.truncated).toBe(true);
    expect(sent.usage?.completion_tokens).toBe(3);
    expect(sent.usage?.completion_tokens_details.reasoning_tokens).toBe(2);
  });

  it("honours max_completion_tokens and leaves replies within the limit alone", () => {
    expect(planResponse({ text: "x".repeat(40) }, body({ max_completion_tokens: 2 }), context).text).toBe("xxxxxxxx");
    const within = planResponse({ text: "x".repeat(8) }, body({ max_tokens: 2 }), context);
    expect(within).toMatchObject({ truncated: false, finishReason: "stop", text: "xxxxxxxx" });
  });
});

describe("usage estimates", () => {
  const tools = [{ type: "function" as const, function: { name: "write" } }];
  const first = {
    messages: [
      { role: "system", content: "s" },
      { role: "user", content: "hello" },
    ],
    tools,
  };

  it("counts tools and messages in prompt tokens", () => {
    const expected = Math.ceil((JSON.stringify(tools).length + JSON.stringify(first.messages).length) / 4);
    expect(estimatePromptTokens(first)).toBe(expected);
  });

  it("caches the shared prefix only while the tool list is unchanged", () => {
    const later = { ...first, messages: [...first.messages, { role: "assistant", content: "hi" }] };
    const shared = JSON.stringify(tools).length + first.messages.reduce((n, m) => n + JSON.stringify(m).length, 0);
    expect(estimateCachedTokens(later, first)).toBe(Math.floor(shared / 4));
    expect(estimateCachedTokens(later, undefined)).toBe(0);
    expect(estimateCachedTokens({ ...later, tools: [] }, first)).toBe(0);
  });
});

describe("splitIntoPieces", () => {
  it("splits into at most the asked number of pieces without breaking surrogate pairs", () => {
    const text = "ab😀cd😀ef";
    const pieces = splitIntoPieces(text, 4);
    expect(pieces.join("")).toBe(text);
    expect(pieces.length).toBe(4);
    expect(pieces.every((piece) => !/[\uD800-\uDBFF]$/.test(piece))).toBe(true);
    expect(splitIntoPieces("", 4)).toEqual([]);
    expect(splitIntoPieces("a", 4)).toEqual(["a"]);
  });
});
