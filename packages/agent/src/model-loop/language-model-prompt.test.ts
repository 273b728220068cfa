import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { toLanguageModelPrompt, toLanguageModelTools } from "./language-model-prompt.js";

const BREAKPOINT = { anthropic: { cacheControl: { type: "ephemeral" } } };

describe("toLanguageModelPrompt", () => {
  it("lays a step's messages out as streamText does: system first, empty texts dropped, options kept", () => {
    const prompt = toLanguageModelPrompt("You are careful.", [
      {
        role: "user",
        content: [
          { type: "text", text: "" },
          { type: "text", text: "Do it." },
        ],
        providerOptions: BREAKPOINT,
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "" },
          { type: "tool-call", toolCallId: "c1", toolName: "write", input: { path: "a" } },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "write", output: { type: "error-text", value: "no" } },
        ],
      },
      { role: "assistant", content: "Done." },
    ]);
    expect(prompt).toEqual([
      { role: "system", content: "You are careful." },
      { role: "user", content: [{ type: "text", text: "Do it." }], providerOptions: BREAKPOINT },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "write", input: { path: "a" } }],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "write", output: { type: "error-text", value: "no" } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Done." }] },
    ]);
  });

  it("sends a system message with its breakpoint when the system prompt travels as a message", () => {
    expect(toLanguageModelPrompt(undefined, [{ role: "system", content: "S", providerOptions: BREAKPOINT }])).toEqual([
      { role: "system", content: "S", providerOptions: BREAKPOINT },
    ]);
  });

  it("refuses content the runtime never sends rather than dropping it", () => {
    expect(() =>
      toLanguageModelPrompt(undefined, [
        { role: "user", content: [{ type: "image", image: new URL("http://x/a.png") }] },
      ]),
    ).toThrow(/does not send image parts/);
  });
});

describe("toLanguageModelTools", () => {
  it("gives each tool's JSON schema, built once per tool", async () => {
    const tools = { write: tool({ description: "Writes a file.", inputSchema: z.object({ path: z.string() }) }) };
    const [first] = await toLanguageModelTools(tools);
    expect(first).toMatchObject({ type: "function", name: "write", description: "Writes a file." });
    expect(first?.inputSchema).toMatchObject({ type: "object", properties: { path: { type: "string" } } });
    const [again] = await toLanguageModelTools(tools);
    expect(again).toBe(first);
  });
});
