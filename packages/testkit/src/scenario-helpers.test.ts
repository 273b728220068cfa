import { describe, expect, it } from "vitest";
import {
  countToolCalls,
  lastToolResult,
  lastUserText,
  systemText,
  toolCallsMade,
  toolNames,
  toolResults,
} from "./scenario-helpers.js";
import type { ChatRequestBody, Reply } from "./types.js";

const request: ChatRequestBody = {
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: [{ type: "text", text: "Make five files" }] },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        { id: "a", type: "function", function: { name: "write", arguments: '{"path":"1.txt"}' } },
        { id: "b", type: "function", function: { name: "read", arguments: "not json" } },
      ],
    },
    { role: "tool", tool_call_id: "a", content: "written" },
    { role: "tool", tool_call_id: "b", content: "file body" },
    { role: "user", content: "keep going" },
  ],
  tools: [
    { type: "function", function: { name: "write" } },
    { type: "function", function: { name: "update_goal" } },
  ],
};

describe("scenario helpers", () => {
  it("read texts, tools and earlier calls from a request", () => {
    expect(lastUserText(request)).toBe("keep going");
    expect(systemText(request)).toBe("Be brief.");
    expect(toolNames(request)).toEqual(["write", "update_goal"]);
    expect(countToolCalls(request, "write")).toBe(1);
    expect(countToolCalls(request)).toBe(2);
    expect(toolCallsMade(request).map((call) => call.arguments)).toEqual([{ path: "1.txt" }, "not json"]);
    expect(toolResults(request).map((result) => [result.name, result.content])).toEqual([
      ["write", "written"],
      ["read", "file body"],
    ]);
    expect(lastToolResult(request)).toMatchObject({ name: "read", content: "file body", isLast: false });
    expect(lastToolResult(request, "write")?.content).toBe("written");
  });

  it("express a write-until-five-then-complete scenario in a few lines", () => {
    const scenario = (body: ChatRequestBody): Reply => {
      const written = countToolCalls(body, "write");
      if (written < 5)
        return { toolCalls: [{ name: "write", arguments: { path: `${written + 1}.txt`, content: "x" } }] };
      return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "five files" } }] };
    };
    expect(scenario(request).toolCalls?.[0]?.arguments).toEqual({ path: "2.txt", content: "x" });
    const fiveDone = { ...request, messages: [...request.messages] };
    for (let i = 2; i <= 5; i++) {
      fiveDone.messages.push({
        role: "assistant",
        tool_calls: [{ id: `w${i}`, type: "function", function: { name: "write", arguments: "{}" } }],
      });
    }
    expect(scenario(fiveDone).toolCalls?.[0]?.name).toBe("update_goal");
  });
});
