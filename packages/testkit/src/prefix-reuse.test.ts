import { describe, expect, it } from "vitest";
import { analyzePrefixReuse, comparePrefix } from "./prefix-reuse.js";
import type { ChatMessage, ChatRequestBody, ToolDefinition } from "./types.js";

const system: ChatMessage = { role: "system", content: "You are a careful coding agent." };
const user: ChatMessage = { role: "user", content: "Write three files." };
const assistant: ChatMessage = {
  role: "assistant",
  content: "",
  tool_calls: [{ id: "c1", type: "function", function: { name: "write", arguments: '{"path":"a.txt"}' } }],
};
const toolResult: ChatMessage = { role: "tool", tool_call_id: "c1", content: "ok" };
const tools: ToolDefinition[] = [{ type: "function", function: { name: "write", parameters: { type: "object" } } }];

function body(messages: ChatMessage[], extra: Partial<ChatRequestBody> = {}): ChatRequestBody {
  return { model: "m", messages, tools, ...extra };
}

const bytes = (message: ChatMessage) => Buffer.byteLength(JSON.stringify(message));

describe("comparePrefix", () => {
  it("gives 1.0 for a request that only appends", () => {
    const result = comparePrefix(body([system, user]), body([system, user, assistant, toolResult]));
    expect(result).toMatchObject({ appendOnly: true, reuse: 1, sharedMessages: 2, firstChangedMessage: null });
    expect(result.bytesAdded).toBe(bytes(assistant) + bytes(toolResult));
    expect(result.sharedPrefixBytes).toBe(bytes(system) + bytes(user));
    expect(result.systemChanged).toBe(false);
    expect(result.toolsChanged).toBe(false);
  });

  it("flags a rewritten earlier message and reports the bytes still shared", () => {
    const edited = { ...assistant, content: "I will write a.txt" };
    const result = comparePrefix(body([system, user, assistant, toolResult]), body([system, user, edited, toolResult]));
    const earlierBytes = bytes(system) + bytes(user) + bytes(assistant) + bytes(toolResult);
    expect(result.appendOnly).toBe(false);
    expect(result.firstChangedMessage).toBe(2);
    expect(result.reuse).toBeCloseTo((bytes(system) + bytes(user)) / earlierBytes, 10);
    expect(result.reuse).toBeLessThan(1);
    expect(result.bytesAdded).toBe(bytes(edited) + bytes(toolResult));
  });

  it("treats a dropped message (compaction) as broken reuse", () => {
    const result = comparePrefix(body([system, user, assistant]), body([system, user]));
    expect(result.appendOnly).toBe(false);
    expect(result.firstChangedMessage).toBe(2);
  });

  it("detects a changed system prompt and a changed tool list", () => {
    const newSystem = { role: "system", content: "You are a careful coding agent. Goal: x" };
    const systemResult = comparePrefix(body([system, user]), body([newSystem, user]));
    expect(systemResult.systemChanged).toBe(true);
    expect(systemResult.reuse).toBe(0);

    const moreTools = [...tools, { type: "function" as const, function: { name: "read" } }];
    const toolsResult = comparePrefix(body([system, user]), body([system, user, assistant], { tools: moreTools }));
    expect(toolsResult.toolsChanged).toBe(true);
    expect(toolsResult.appendOnly).toBe(true);
    expect(toolsResult.systemChanged).toBe(false);
  });
});

describe("analyzePrefixReuse", () => {
  it("compares consecutive requests within each conversation and summarises them", () => {
    const otherUser = { role: "user", content: "Another session" };
    const requests = [
      { index: 0, body: body([system, user]) },
      { index: 1, body: body([system, otherUser]) },
      { index: 2, body: body([system, user, assistant, toolResult]) },
      { index: 3, body: body([system, otherUser, { role: "assistant", content: "hi" }]) },
      { index: 4, body: body([system, user, { ...assistant, content: "rewritten" }, toolResult]) },
    ];
    const report = analyzePrefixReuse(requests);

    expect(report.conversations.map((conversation) => conversation.requestIndexes)).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
    expect(report.pairs.map((pair) => [pair.earlierIndex, pair.laterIndex, pair.appendOnly])).toEqual([
      [0, 2, true],
      [2, 4, false],
      [1, 3, true],
    ]);
    expect(report.brokenPairs.map((pair) => pair.laterIndex)).toEqual([4]);
    expect(report.minReuse).toBeLessThan(1);
    expect(report.conversations[1]?.minReuse).toBe(1);
    expect(report.meanReuse).toBeCloseTo((1 + 1 + report.pairs[1]!.reuse) / 3, 10);
  });

  it("returns null statistics when there is nothing to compare", () => {
    const report = analyzePrefixReuse([{ body: body([system, user]) }]);
    expect(report.pairs).toEqual([]);
    expect(report.minReuse).toBeNull();
    expect(report.meanReuse).toBeNull();
  });

  it("regroups with a custom conversation key", () => {
    const requests = [{ body: body([system, user]) }, { body: body([system, { role: "user", content: "different" }]) }];
    const report = analyzePrefixReuse(requests, { conversationKey: () => "one session" });
    expect(report.pairs).toHaveLength(1);
    expect(report.pairs[0]?.appendOnly).toBe(false);
  });
});
