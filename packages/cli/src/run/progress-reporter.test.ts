import { emptyUsage, type Goal } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { describeTool, ProgressReporter } from "./progress-reporter.js";

const goal = (over: Partial<Goal> = {}): Goal => ({
  id: "goal_1",
  sessionID: "ses_1",
  objective: "Write the docs",
  status: "active",
  limits: { tokens: 20_000 },
  usage: { ...emptyUsage(), tokens: 1500 },
  createdBy: "user",
  time: { created: 0, updated: 0 },
  ...over,
});

const toolPart = (status: "running" | "completed") => ({
  id: "prt_1",
  messageID: "msg_1",
  sessionID: "ses_1",
  seq: 1,
  time: { created: 0, updated: 0 },
  data: {
    type: "tool" as const,
    callID: "call_1",
    tool: "write",
    state:
      status === "running"
        ? { status, input: { path: "a.md" }, time: { start: 0 } }
        : { status, input: { path: "a.md" }, output: "ok", time: { start: 0, end: 1 } },
  },
});

function drive(isTTY: boolean): string {
  let written = "";
  const reporter = new ProgressReporter({ isTTY, columns: 100, write: (text: string) => (written += text) }, "ses_1");
  reporter.onEvent({ type: "session.goal.updated", properties: { sessionID: "ses_1", goal: goal() } });
  reporter.onEvent({ type: "session.status", properties: { sessionID: "ses_1", status: { type: "busy" } } });
  reporter.onEvent({ type: "message.part.updated", properties: { part: toolPart("running") } });
  reporter.onEvent({ type: "message.part.updated", properties: { part: toolPart("completed") } });
  reporter.onEvent({
    type: "session.compacted",
    properties: { sessionID: "ses_1", reason: "threshold", summarised: true, tokensBefore: 14_200, tokensAfter: 3_100 },
  });
  reporter.onEvent({ type: "session.status", properties: { sessionID: "ses_other", status: { type: "busy" } } });
  reporter.onEvent({
    type: "session.goal.updated",
    properties: { sessionID: "ses_1", goal: goal({ status: "budget_limited", limit: "tokens" }) },
  });
  reporter.stop();
  return written;
}

describe("ProgressReporter", () => {
  it("writes plain lines without escape codes when not on a terminal", () => {
    const text = drive(false);
    expect(text).not.toContain("\x1b");
    expect(text).toContain("goal set: Write the docs");
    expect(text).toContain("turn 1 started (1.5k of 20k tokens)");
    expect(text).toContain("tool write a.md");
    expect(text).toContain("context compacted (summarised): ~14k -> ~3.1k tokens");
    expect(text).toContain("goal budget_limited: tokens limit reached");
    expect(text.match(/turn \d started/g)).toHaveLength(1); // another session's turn is not ours
  });

  it("redraws one status line on a terminal and clears it at the end", () => {
    const text = drive(true);
    expect(text).toContain("\r\x1b[2Kturn 1 | 1.5k of 20k tokens");
    expect(text).toContain("| write a.md");
    expect(text.endsWith("\r\x1b[2K")).toBe(true);
  });

  it("names a tool by its most telling argument", () => {
    expect(describeTool("bash", { command: "npm test\necho done" })).toBe("bash npm test");
    expect(describeTool("glob", {})).toBe("glob");
  });
});
