import { existsSync } from "node:fs";
import { join } from "node:path";
import { lastToolResult, toolCallsMade } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

describe("verify", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("refuses completion until the verify command passes", async () => {
    harness = await Harness.start({
      behaviour: (request) => {
        const completions = toolCallsMade(request, "update_goal").length;
        const last = lastToolResult(request);
        if (completions === 0) {
          return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "I think so" } }] };
        }
        if (last?.name === "update_goal" && last.content.startsWith("Refused")) {
          return { toolCalls: [{ name: "write", arguments: { path: "done.txt", content: "ok\n" } }] };
        }
        if (last?.name === "write") {
          return {
            toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "done.txt exists" } }],
          };
        }
        return { text: "Finished." };
      },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Make done.txt", verify: "test -f done.txt" });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    expect(goal.evidence).toBe("done.txt exists");
    expect(existsSync(join(harness.workdir, "done.txt"))).toBe(true);
    await harness.settle();

    const tools = (await harness.runtime.sessions.messages(sessionID))
      .flatMap((message) => message.parts)
      .flatMap((part) => (part.data.type === "tool" && part.data.tool === "update_goal" ? [part.data.state] : []));
    expect(tools).toHaveLength(2);
    expect(tools[0]).toMatchObject({ status: "error", error: expect.stringContaining("test -f done.txt") });
    expect(tools[1]).toMatchObject({ status: "completed" });
    const history = await harness.runtime.goals.history(sessionID);
    const statuses = history.filter((row) => row.kind === "status");
    expect(statuses.map((row) => row.kind === "status" && row.to)).toEqual(["complete"]);
    // Both runs are in the history, the failed one too, before the status they decided.
    const runs = history.flatMap((row) => (row.kind === "verified" ? [row] : []));
    expect(runs).toEqual([
      expect.objectContaining({ command: "test -f done.txt", passed: false, exitCode: 1, actor: "runtime" }),
      expect.objectContaining({ command: "test -f done.txt", passed: true, exitCode: 0 }),
    ]);
    expect(history.findIndex((row) => row.kind === "verified" && row.passed)).toBeLessThan(
      history.findIndex((row) => row.kind === "status"),
    );
  });
});
