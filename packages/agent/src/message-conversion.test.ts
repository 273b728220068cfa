import type { PartData, StoredMessageWithParts } from "@pursuit/store";
import { describe, expect, it } from "vitest";
import { INTERRUPTED_TOOL_OUTPUT, toModelMessages } from "./message-conversion.js";

let seq = 0;
function message(role: "user" | "assistant", parts: PartData[]): StoredMessageWithParts {
  const id = `msg_${++seq}`;
  return {
    id,
    sessionID: "s",
    role,
    seq,
    data: {},
    time: { created: 1 },
    parts: parts.map((data, index) => ({
      id: `prt_${seq}_${index}`,
      messageID: id,
      sessionID: "s",
      seq: seq * 100 + index,
      data,
      time: { created: 1, updated: 1 },
    })),
  };
}

const time = { start: 1, end: 2 };

describe("toModelMessages", () => {
  const transcript = [
    message("user", [{ type: "text", text: "hi" }]),
    message("user", [{ type: "goal-context", template: "goal_set", text: "<goal_context>x</goal_context>" }]),
    message("assistant", [
      { type: "step-start", stepID: "a" },
      { type: "reasoning", text: "hmm" },
      { type: "text", text: "Writing." },
      {
        type: "tool",
        callID: "c1",
        tool: "write",
        state: { status: "completed", input: { path: "a" }, output: "ok", time },
      },
      {
        type: "tool",
        callID: "c2",
        tool: "bash",
        state: { status: "error", input: { command: "x" }, error: "bad", time },
      },
      {
        type: "tool",
        callID: "c3",
        tool: "bash",
        state: { status: "running", input: { command: "y" }, time: { start: 1 } },
      },
      { type: "step-finish", stepID: "a" },
    ]),
    // An aborted step that produced nothing is not sent.
    message("assistant", [{ type: "step-start", stepID: "b" }]),
  ];

  it("sends goal context as user text, tool calls with their results, and drops reasoning and empty steps", () => {
    expect(toModelMessages(transcript)).toEqual([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "user", content: [{ type: "text", text: "<goal_context>x</goal_context>" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Writing." },
          { type: "tool-call", toolCallId: "c1", toolName: "write", input: { path: "a" } },
          { type: "tool-call", toolCallId: "c2", toolName: "bash", input: { command: "x" } },
          { type: "tool-call", toolCallId: "c3", toolName: "bash", input: { command: "y" } },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "write", output: { type: "text", value: "ok" } },
          { type: "tool-result", toolCallId: "c2", toolName: "bash", output: { type: "error-text", value: "bad" } },
          {
            type: "tool-result",
            toolCallId: "c3",
            toolName: "bash",
            output: { type: "error-text", value: INTERRUPTED_TOOL_OUTPUT },
          },
        ],
      },
    ]);
  });

  it("is a pure function of the stored messages: appending never changes earlier output", () => {
    const before = JSON.stringify(toModelMessages(transcript));
    const after = JSON.stringify(toModelMessages([...transcript, message("user", [{ type: "text", text: "more" }])]));
    expect(after.startsWith(before.slice(0, -1))).toBe(true);
    expect(JSON.stringify(toModelMessages(transcript))).toBe(before);
  });
});
