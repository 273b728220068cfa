import { emptyUsage, type Goal } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import {
  criteriaInputs,
  goalIndicator,
  goalMenu,
  parseCriterionInput,
  parseTokenLimitInput,
} from "./goal-indicator.js";

const goal = (over: Partial<Goal> = {}): Goal => ({
  id: "g",
  sessionID: "s",
  objective: "write the docs",
  status: "active",
  limits: { tokens: 200_000 },
  usage: { ...emptyUsage(), tokens: 12_345, seconds: 95 },
  createdBy: "user",
  time: { created: 0, updated: 0 },
  ...over,
});

describe("the TUI goal indicator and menu", () => {
  it("shows status, tokens of the limit and busy time", () => {
    expect(goalIndicator(goal())).toBe("goal active · 12k/200k tok · 1m35s");
    expect(goalIndicator(goal({ status: "budget_limited", limit: "tokens", limits: {} }))).toBe(
      "goal budget_limited (tokens) · 12k tok · 1m35s",
    );
    expect(goalIndicator(undefined)).toBe("no goal");
  });

  it("shows what a waiting goal waits for and when it wakes", () => {
    const at = new Date(2026, 11, 6, 14, 30).getTime();
    const wait = { reason: "CI", by: "model" as const, since: 0, wakeAt: at };
    expect(goalIndicator(goal({ status: "waiting", wait: { ...wait, kind: "check" } }))).toBe(
      "goal waiting (check, wakes by 14:30) · 12k/200k tok · 1m35s",
    );
    expect(goalIndicator(goal({ status: "waiting", wait: { ...wait, kind: "quota", until: at } }))).toContain(
      "waiting (quota resets 14:30)",
    );
    const { wakeAt: _none, ...asked } = wait;
    expect(goalIndicator(goal({ status: "waiting", wait: { ...asked, kind: "person" } }))).toContain(
      "waiting (needs input)",
    );
    const menu = goalMenu(goal({ status: "waiting", wait: { ...wait, kind: "check" } }));
    expect(menu.map((item) => [item.action, item.title])).toEqual([
      ["edit", "Edit the objective…"],
      ["resume", "Wake now"],
      ["pause", "Pause"],
      ["limit", "Set the token limit…"],
      ["criterion", "Add an acceptance criterion…"],
      ["queue", "Queue a next goal…"],
      ["clear", "Clear the goal"],
    ]);
  });

  it("offers what fits the goal's status", () => {
    expect(goalMenu(undefined).map((item) => item.action)).toEqual(["set"]);
    expect(goalMenu(goal()).map((item) => item.action)).toEqual([
      "edit",
      "pause",
      "limit",
      "criterion",
      "queue",
      "clear",
    ]);
    expect(goalMenu(goal({ status: "paused" })).map((item) => item.action)).toEqual([
      "edit",
      "resume",
      "limit",
      "criterion",
      "queue",
      "clear",
    ]);
    expect(goalMenu(goal({ status: "complete" })).map((item) => item.action)).toEqual(["set"]);
  });

  it("shows the criteria closed of all, offers to remove them, and reads a new one with its check", () => {
    const withCriteria = goal({
      criteria: [
        { id: 1, text: "tests pass", check: "npm test", closed: { at: 1, evidence: "ran" } },
        { id: 2, text: "docs" },
      ],
    });
    expect(goalIndicator(withCriteria)).toBe("goal active · 12k/200k tok · criteria 1/2 · 1m35s");
    expect(goalMenu(withCriteria).find((item) => item.action === "criteria_clear")?.description).toBe("1 of 2 closed");
    expect(criteriaInputs(withCriteria)).toEqual([{ text: "tests pass", check: "npm test" }, { text: "docs" }]);
    expect(parseCriterionInput("  the docs explain it ")).toEqual({ ok: true, value: { text: "the docs explain it" } });
    expect(parseCriterionInput("tests pass :: npm test -- --grep a::b")).toEqual({
      ok: true,
      value: { text: "tests pass", check: "npm test -- --grep a::b" },
    });
    expect(parseCriterionInput(" :: npm test")).toMatchObject({
      ok: false,
      message: expect.stringContaining("sentence"),
    });
    expect(parseCriterionInput("tests pass ::  ")).toMatchObject({
      ok: false,
      message: expect.stringContaining("after `::`"),
    });
  });

  it("reads the token limit answer", () => {
    expect(parseTokenLimitInput("200k")).toEqual({ ok: true, value: 200_000 });
    expect(parseTokenLimitInput("  ")).toEqual({ ok: true, value: null });
    expect(parseTokenLimitInput("lots").ok).toBe(false);
  });
});
