import { describe, expect, it } from "vitest";
import { fingerprintToolResult, madeProgress, type ToolResultFact } from "./progress.js";

const fact = (tool: string, input: unknown, output: string, extra: Partial<ToolResultFact> = {}): ToolResultFact => ({
  tool,
  ok: true,
  changedWorkspace: false,
  fingerprint: fingerprintToolResult(tool, input, output),
  ...extra,
});

describe("madeProgress", () => {
  it("counts a workspace change as progress even when seen before", () => {
    const write = fact("write", { path: "a.txt" }, "ok", { changedWorkspace: true });
    expect(madeProgress([write], [[write.fingerprint]])).toBe(true);
  });

  it("counts a new successful tool result as progress", () => {
    expect(madeProgress([fact("bash", { command: "ls" }, "a b")], [])).toBe(true);
  });

  it("does not count polling the same command for the same output, even with changing numbers", () => {
    const first = fact("bash", { command: "sleep 5; echo waiting for CI" }, "waiting for CI (5s)");
    const again = fact("bash", { command: "sleep 5; echo waiting for CI" }, "waiting for CI (10s)");
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(madeProgress([again], [[first.fingerprint]])).toBe(false);
  });

  it("never counts the goal tools, and failed calls only when they changed the workspace", () => {
    expect(
      madeProgress([fact("get_goal", {}, "Objective: x"), fact("update_goal", { status: "blocked" }, "Refused")], []),
    ).toBe(false);
    expect(madeProgress([fact("bash", { command: "false" }, "exit 1", { ok: false })], [])).toBe(false);
  });

  it("no tool calls at all is no progress", () => {
    expect(madeProgress([], [])).toBe(false);
  });

  it("ignores argument order in fingerprints", () => {
    expect(fingerprintToolResult("t", { a: 1, b: { c: 2, d: 3 } }, "x")).toBe(
      fingerprintToolResult("t", { b: { d: 3, c: 2 }, a: 1 }, "x"),
    );
  });
});
