import type { Goal } from "@pursuit/core";
import { toolResults } from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";

const ATTEMPTS = [
  { name: "update_goal", arguments: { status: "paused", reason: "I need a break" } },
  { name: "update_goal", arguments: { status: "active" } },
  { name: "update_goal", arguments: { status: "complete", evidence: "", limits: { tokens: 10_000_000 } } },
  { name: "update_goal", arguments: { status: "complete" } },
  { name: "create_goal", arguments: { objective: "A goal of my own" } },
  { name: "clear_goal", arguments: {} },
  { name: "update_goal", arguments: "{not json" },
];

describe("goal tools in the model's hands", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("refuses pausing, resuming, clearing and raising limits, and changes nothing", async () => {
    harness = await Harness.start({
      behaviour: (request) => (toolResults(request).length === 0 ? { toolCalls: ATTEMPTS } : { text: "I tried." }),
    });
    const sessionID = await harness.session();
    const created = await harness.runtime.goals.create(sessionID, { objective: "Ship it", limits: { tokens: 90_000 } });
    const before = created.ok ? created.value : ({} as Goal);
    await harness.model.waitForRequests(2);
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    await harness.settle();

    const results = toolResults(harness.model.requests[1]!);
    expect(results).toHaveLength(ATTEMPTS.length);
    const states = (await harness.runtime.sessions.messages(sessionID))
      .flatMap((message) => message.parts)
      .flatMap((part) => (part.data.type === "tool" ? [part.data.state] : []));
    expect(states.map((state) => state.status)).toEqual(ATTEMPTS.map(() => "error"));
    const errors = states.map((state) => (state.status === "error" ? state.error : ""));
    expect(errors[0]).toMatch(/only the user can pause/);
    expect(errors[2]).toMatch(/cannot change limits/);
    expect(errors[3]).toMatch(/needs evidence/);
    expect(errors[4]).toMatch(/already has an unfinished goal/);
    expect(errors[5]).toMatch(/Unknown tool|unavailable tool|clear_goal/);

    const after = await harness.runtime.goals.get(sessionID);
    expect(after).toMatchObject({ id: before.id, objective: "Ship it", limits: { tokens: 90_000 } });
    const byModel = (await harness.runtime.goals.history(sessionID)).filter((row) => row.actor === "model");
    expect(byModel).toEqual([]);
  });
});

describe("a goal the user asks the model to set", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  it("keeps the token budget asked for, and refuses an argument it does not know by name", async () => {
    const calls = [
      { name: "create_goal", arguments: { objective: "Write the report", budget: 20_000 } },
      { name: "create_goal", arguments: { objective: "Write the report", token_budget: 20_000 } },
    ];
    harness = await Harness.start({
      behaviour: (request) => {
        const done = toolResults(request).length;
        return done < calls.length ? { toolCalls: [calls[done]!] } : { text: "The goal is set." };
      },
    });
    const sessionID = await harness.session();
    await harness.runtime.prompt(sessionID, { text: "Please set a goal: write the report (token budget: 20000)" });
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    await harness.settle();
    const results = toolResults(harness.model.requests[2]!);
    expect(results[0]?.content).toContain("create_goal does not know the argument budget");
    expect(results[1]?.content).toContain("Limits: 20000 tokens.");
    expect(await harness.runtime.goals.get(sessionID)).toMatchObject({
      createdBy: "model",
      limits: { tokens: 20_000 },
    });
  });
});
