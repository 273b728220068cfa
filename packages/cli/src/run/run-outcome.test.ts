import { emptyUsage, type Goal } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { EXIT, exitCodeFor, ringsBell, summaryText } from "./run-outcome.js";

const goal = (over: Partial<Goal>): Goal => ({
  id: "goal_1",
  sessionID: "ses_1",
  objective: "Ship it",
  status: "active",
  limits: {},
  usage: emptyUsage(),
  createdBy: "user",
  time: { created: 0, updated: 0 },
  ...over,
});

describe("exit codes", () => {
  it.each([
    ["complete", 0],
    ["budget_limited", 2],
    ["paused", 3],
    ["blocked", 3],
    ["active", 1],
  ] as const)("%s -> %d", (status, code) => {
    expect(exitCodeFor(goal({ status }))).toBe(code);
  });

  it("treats a vanished goal as an error", () => {
    expect(exitCodeFor(undefined)).toBe(EXIT.error);
  });
});

describe("summaryText", () => {
  it("tells how to go on after a limit", () => {
    const text = summaryText(
      goal({
        status: "budget_limited",
        limit: "seconds",
        limits: { seconds: 60 },
        usage: { ...emptyUsage(), seconds: 61 },
      }),
      "ses_1",
      75,
    );
    expect(text).toContain("Goal stopped: the seconds limit is reached.");
    expect(text).toContain("1m01s busy of 1m00s, 1m15s elapsed");
    expect(text).toContain("pursuit run --session ses_1 --time <more>");
  });

  it("shows the evidence of a completed goal and the reason of a paused one", () => {
    expect(summaryText(goal({ status: "complete", evidence: "All tests pass" }), "ses_1", 3)).toContain(
      "evidence:  All tests pass",
    );
    const paused = summaryText(goal({ status: "paused", reason: "aborted by the user" }), "ses_1", 3);
    expect(paused).toContain("reason:    aborted by the user");
    expect(paused).toContain("Resume with: pursuit run --session ses_1");
  });
});

describe("the bell at the end of a run", () => {
  it.each([
    [true, 61, true],
    [true, 60, false],
    [false, 3600, false],
    [undefined, 3600, false],
  ])("on a terminal: %s, after %i s: %s", (isTTY, seconds, rings) => {
    expect(ringsBell(isTTY === undefined ? {} : { isTTY }, seconds)).toBe(rings);
  });
});
