import { lastToolResult, toolCallsMade, userTexts } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

describe("acceptance criteria", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("block completion until each is closed with evidence, a checked one only once its check passes", async () => {
    const contexts: string[] = [];
    harness = await Harness.start({
      behaviour: (request) => {
        contexts.push(userTexts(request).at(-1) ?? "");
        const calls = toolCallsMade(request, "update_goal").length;
        const last = lastToolResult(request);
        switch (calls) {
          case 0:
            return {
              toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "done, I think" } }],
            };
          case 1:
            return { toolCalls: [{ name: "update_goal", arguments: { criterion: 2, evidence: "README says so" } }] };
          case 2:
            return { toolCalls: [{ name: "update_goal", arguments: { criterion: 1, evidence: "tests pass" } }] };
          case 3:
            if (last?.name === "update_goal")
              return { toolCalls: [{ name: "write", arguments: { path: "tests.txt", content: "12 passed\n" } }] };
            return {
              toolCalls: [{ name: "update_goal", arguments: { criterion: 1, evidence: "tests.txt: 12 passed" } }],
            };
          case 4:
            return {
              toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "both criteria met" } }],
            };
          default:
            return { text: "Finished." };
        }
      },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, {
      objective: "Ship the feature",
      criteria: [{ text: "the tests pass", check: "grep passed tests.txt" }, "the README explains it"],
    });
    const goal = await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    await harness.settle();

    expect(goal.evidence).toBe("both criteria met");
    expect(goal.criteria).toMatchObject([
      { id: 1, closed: { evidence: "tests.txt: 12 passed", checkOutput: expect.stringContaining("12 passed") } },
      { id: 2, closed: { evidence: "README says so" } },
    ]);
    // The model was told the criteria when the goal was set.
    expect(contexts[0]).toContain('1 "the tests pass"; 2 "the README explains it"');

    const results = (await harness.runtime.sessions.messages(sessionID))
      .flatMap((message) => message.parts)
      .flatMap((part) => (part.data.type === "tool" && part.data.tool === "update_goal" ? [part.data.state] : []));
    expect(
      results.map((state) => (state.status === "error" ? state.error : state.status === "completed" && state.output)),
    ).toEqual([
      'Refused: the goal is not complete while criteria 1 ("the tests pass"), 2 ("the README explains it") are open; close each with update_goal {criterion, evidence}',
      'Criterion 2 is closed. Still open: 1 ("the tests pass").',
      expect.stringContaining("Refused: criterion 1's check `grep passed tests.txt` failed, so it stays open."),
      "Criterion 1 is closed. Every criterion is closed; complete the goal when the objective is met.",
      "The goal is complete. Give the user a short summary.",
    ]);

    const history = await harness.runtime.goals.history(sessionID);
    expect(history.flatMap((row) => (row.kind === "verified" ? [[row.criterion, row.passed]] : []))).toEqual([
      [1, false],
      [1, true],
    ]);
    expect(history.flatMap((row) => (row.kind === "criterion_closed" ? [[row.criterion, row.evidence]] : []))).toEqual([
      [2, "README says so"],
      [1, "tests.txt: 12 passed"],
    ]);
  });
});
