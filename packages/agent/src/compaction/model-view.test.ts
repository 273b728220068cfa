import type { StoredMessageWithParts, StoredPart } from "@pursuit/store";
import { describe, expect, it } from "vitest";
import { toModelMessages } from "../message-conversion.js";
import { DROPPED_OUTPUT, toModelView } from "./model-view.js";

let seq = 0;
function message(role: StoredMessageWithParts["role"], data: StoredPart["data"]): StoredMessageWithParts {
  seq += 1;
  const id = `m${seq}`;
  return {
    id,
    sessionID: "s",
    role,
    seq,
    data: {},
    time: { created: seq },
    parts: [{ id: `p${seq}`, messageID: id, sessionID: "s", seq, data, time: { created: seq, updated: seq } }],
  };
}
const tool = (output: string): StoredPart["data"] => ({
  type: "tool",
  callID: `c${seq + 1}`,
  tool: "bash",
  state: { status: "completed", input: { command: "ls" }, output, time: { start: 0, end: 1 } },
});

describe("the model's view of a compacted transcript", () => {
  it("is the transcript itself until a compaction", () => {
    const messages = [message("user", { type: "text", text: "hi" }), message("assistant", tool("a.txt"))];
    expect(toModelView(messages)).toEqual(toModelMessages(messages));
  });

  it("drops old tool outputs (keeping the calls), puts the summary first, and keeps what came after", () => {
    seq = 0;
    const old = message("user", { type: "text", text: "old question" });
    const oldTool = message("assistant", tool("old output"));
    const kept = message("assistant", tool("recent output"));
    const record = message("system", {
      type: "compaction",
      reason: "threshold",
      summary: "parts done: 2",
      keepFromSeq: oldTool.seq,
      dropOutputsBeforeSeq: kept.seq,
      tokensBefore: 900,
      tokensAfter: 300,
    });
    const after = message("user", { type: "goal-context", template: "goal_restored", text: "<goal_context>…" });
    const view = JSON.stringify(toModelView([old, oldTool, kept, record, after]));
    expect(view).not.toContain("old question");
    expect(view).toContain("parts done: 2");
    expect(view).not.toContain("old output");
    expect(view).toContain(DROPPED_OUTPUT.replaceAll('"', '\\"'));
    expect(view).toContain("recent output");
    expect(view.indexOf("parts done: 2")).toBeLessThan(view.indexOf("recent output"));
    expect(view.indexOf("recent output")).toBeLessThan(view.indexOf("goal_context"));
  });
});
