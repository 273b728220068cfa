import { describe, expect, it } from "vitest";
import type { TransformMessage } from "./compaction-context.js";
import { PromptSize } from "./prompt-size.js";

const text = (role: string, body: string, tokens?: object): TransformMessage => ({
  info: { id: `m${Math.random()}`, sessionID: "s", role, ...(tokens ? { tokens } : {}) } as TransformMessage["info"],
  parts: [{ type: "text", text: body }],
});

describe("PromptSize", () => {
  it("counts a tool call at its size on the wire: arguments as an escaped string, result, ids and keys", () => {
    const size = new PromptSize();
    size.messages("s", [
      {
        info: { id: "a", sessionID: "s", role: "assistant" },
        parts: [{ type: "tool", tool: "write", state: { input: { filePath: "a" }, output: "ok" } }],
      },
    ]);
    // 32 + 120 + "write" + "\"{\\\"filePath\\\":\\\"a\\\"}\"" (24) + "ok", at 3 a token.
    expect(size.takeUnseen("s")?.newInputTokens).toBe(Math.ceil((32 + 120 + 5 + 24 + 2) / 3));
  });

  it("counts a session's first request whole: system prompt, every tool and the messages", () => {
    const size = new PromptSize();
    size.tool("bash", "b".repeat(900));
    size.tool("read", "r".repeat(300));
    size.messages("s", [text("user", "u".repeat(300))]);
    size.system("s", ["s".repeat(6000), "t".repeat(600)]);
    // (300 + 32 framing the message + 6600 + 900 + 600 + 300 + 600) characters at 3 a token.
    expect(size.takeUnseen("s")).toEqual({
      newInputTokens: 3111,
      lastPromptTokens: 0,
      whole: true,
      newInputBilled: [],
    });
    expect(size.takeUnseen("s")).toBeUndefined();
  });

  it("after a restart counts only the last answer and what followed it, and what earlier new input cost", () => {
    const size = new PromptSize();
    size.tool("bash", "b".repeat(900));
    size.system("s", ["s".repeat(6000)]);
    size.messages("s", [
      text("user", "u".repeat(3000)),
      text("assistant", "a".repeat(1200), { input: 2000, output: 300, cache: { read: 0, write: 0 } }),
      text("user", "v".repeat(300)),
      text("assistant", "b".repeat(600), { input: 410, output: 150, cache: { read: 2000, write: 0 } }),
      // A cut answer (no tokens) and the continuation after the restart.
      text("assistant", "c".repeat(90)),
      text("user", "w".repeat(210)),
    ]);
    expect(size.takeUnseen("s")).toEqual({
      // (90 + 32) + (210 + 32) characters at 3 a token.
      newInputTokens: 122,
      lastPromptTokens: 2560,
      whole: false,
      // The request behind the second answer added the first answer and the user's text, framed: 1564 characters.
      newInputBilled: [[1564, 410]],
    });
  });
});
