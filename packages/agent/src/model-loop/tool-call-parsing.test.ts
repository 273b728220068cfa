import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseToolCall } from "./tool-call-parsing.js";

const tools = {
  write: tool({ inputSchema: z.object({ path: z.string(), content: z.string() }).strict() }),
  list: tool({ inputSchema: z.object({ depth: z.number().default(1) }) }),
};

describe("parseToolCall", () => {
  it("parses arguments and applies the schema's defaults", async () => {
    expect(await parseToolCall({ toolCallId: "c1", toolName: "list", input: "{}" }, tools)).toEqual({
      id: "c1",
      name: "list",
      input: { depth: 1 },
    });
    expect(await parseToolCall({ toolCallId: "c2", toolName: "list", input: "  " }, tools)).toMatchObject({
      input: { depth: 1 },
    });
  });

  it("keeps a half-written call's text and says it is not JSON", async () => {
    const call = await parseToolCall({ toolCallId: "c", toolName: "write", input: '{"path": "a.txt", "cont' }, tools);
    expect(call.input).toBe('{"path": "a.txt", "cont');
    expect(call.invalidError).toMatch(/^Invalid call of write: Invalid input for tool write/);
  });

  it("names the schema's complaint and an unknown tool", async () => {
    const wrong = await parseToolCall({ toolCallId: "c", toolName: "write", input: '{"path": 3}' }, tools);
    expect(wrong.input).toEqual({ path: 3 });
    expect(wrong.invalidError).toMatch(/Invalid call of write: .*(path|content)/s);
    const unknown = await parseToolCall({ toolCallId: "c", toolName: "delete", input: '{"path":"a"}' }, tools);
    expect(unknown).toMatchObject({ name: "delete", input: { path: "a" } });
    expect(unknown.invalidError).toMatch(/unavailable tool 'delete'.*write, list/);
  });
});
