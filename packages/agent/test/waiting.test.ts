import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Goal } from "@pursuit/core";
import {
  lastToolResult,
  lastUserText,
  messages,
  type RecordedRequest,
  type Reply,
  toolCallsMade,
} from "@pursuit/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { Harness, sleep } from "./harness.js";

/** Checks run every 200 ms, doubling to 400 ms: a wait's life in a fraction of a second. */
const FAST_WAITS = { waitCheckFirstMs: 200, waitCheckMaxMs: 400 };
const CHECK = "grep green ci-status";

/**
 * A model waiting for CI as it should: it asks the runtime to wait on a check, says so, and when woken completes.
 * It answers nothing else, so any request made while the goal waits shows up in the count.
 */
function waitsForCI(request: RecordedRequest): Reply {
  const last = lastToolResult(request);
  if (lastUserText(request).includes("Note:")) {
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI is green" } }] };
  }
  if (toolCallsMade(request, "update_goal").length === 0) {
    return { toolCalls: [{ name: "update_goal", arguments: { status: "waiting", reason: "CI", check: CHECK } }] };
  }
  if (last?.name === "update_goal" && last.content.startsWith("The goal is waiting"))
    return { text: "Waiting for CI." };
  return { text: "Done." };
}

describe("waiting", () => {
  let harness: Harness | undefined;
  afterEach(async () => harness?.close());

  const ciStatus = (text: string) => writeFileSync(join(harness!.workdir, "ci-status"), `${text}\n`);

  it("waits on the model's check with no model request while nothing changes, wakes when it passes, completes", async () => {
    harness = await Harness.start({ behaviour: waitsForCI, goal: FAST_WAITS });
    ciStatus("pending");
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Ship once CI is green" });
    const waiting = await harness.waitForGoal(sessionID, (g) => g.status === "waiting");
    expect(waiting.wait).toMatchObject({ kind: "check", by: "model", reason: "CI", check: { command: CHECK } });
    await harness.settle();
    const requestsBefore = harness.model.requests.length;
    expect(requestsBefore).toBe(2);
    // Several check intervals: the runtime checks, the model is not asked.
    await harness.waitForGoal(sessionID, (g) => (g.wait?.check?.runs ?? 0) >= 3, 5_000);
    expect(harness.model.requests.length).toBe(requestsBefore);
    expect(await harness.runtime.goals.continuation(sessionID)).toMatchObject({
      state: "waiting",
      kind: "check",
      nextCheckAt: expect.any(Number),
      wakeAt: waiting.wait?.wakeAt,
    });

    const changedAt = Date.now();
    ciStatus("green");
    const woke = await harness.waitForGoal(sessionID, (g) => g.status !== "waiting", 5_000);
    // Within one check interval (400 ms at most here), plus the check's own run.
    expect(Date.now() - changedAt).toBeLessThan(1_500);
    expect(woke.status).not.toBe("paused");
    const done = await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    expect(done.evidence).toBe("CI is green");
    expect(harness.model.requests.length).toBe(requestsBefore + 1);
    // The continuation told the model why it woke.
    expect(lastUserText(harness.model.requests.at(-1)!)).toContain(`Note: \`${CHECK}\` passed.`);

    const history = await harness.runtime.goals.history(sessionID);
    const statuses = history.flatMap((row) => (row.kind === "status" ? [`${row.from}->${row.to}`] : []));
    expect(statuses).toEqual(["active->waiting", "waiting->active", "active->complete"]);
    const checks = history.filter((row) => row.kind === "wait_checked");
    expect(checks.at(-1)).toMatchObject({ command: CHECK, exitCode: 0, woke: true });
    expect(checks.slice(0, -1).every((row) => row.kind === "wait_checked" && !row.woke)).toBe(true);
  });

  it("a person's pause during a wait holds: the check stops and nothing wakes the goal", async () => {
    harness = await Harness.start({ behaviour: waitsForCI, goal: FAST_WAITS });
    ciStatus("pending");
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Ship once CI is green" });
    await harness.waitForGoal(sessionID, (g) => g.status === "waiting");
    await harness.settle();
    const paused = await harness.runtime.goals.update(sessionID, { status: "paused", reason: "not today" });
    expect(paused.ok && paused.value.status).toBe("paused");
    const requests = harness.model.requests.length;
    const checksBefore = (await harness.runtime.goals.history(sessionID)).filter((r) => r.kind === "wait_checked");
    ciStatus("green");
    await sleep(1_200);
    expect((await harness.runtime.goals.get(sessionID))?.status).toBe("paused");
    expect(harness.model.requests.length).toBe(requests);
    const checksAfter = (await harness.runtime.goals.history(sessionID)).filter((r) => r.kind === "wait_checked");
    expect(checksAfter.length).toBe(checksBefore.length);
    expect(await harness.runtime.goals.continuation(sessionID)).toEqual({ state: "none" });

    // "Wake now" on a waiting goal is a resume: the person can always make it work.
    const resumed = await harness.runtime.goals.update(sessionID, { status: "active" });
    expect(resumed.ok && resumed.value.status).toBe("active");
  });

  it("a person wakes a waiting goal at once", async () => {
    harness = await Harness.start({ behaviour: waitsForCI, goal: { ...FAST_WAITS, waitCheckFirstMs: 60_000 } });
    ciStatus("pending");
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Ship once CI is green" });
    await harness.waitForGoal(sessionID, (g) => g.status === "waiting" && (g.wait?.check?.runs ?? 0) >= 1);
    await harness.settle();
    const woken = await harness.runtime.goals.update(sessionID, { status: "active" });
    expect(woken.ok && woken.value).toMatchObject({ status: "active", reason: "woken by the user" });
    await harness.waitForGoal(sessionID, (g) => g.status === "complete");
    expect(lastUserText(harness.model.requests.at(-1)!)).toContain("Note: woken by the user.");
  });

  it("a restart during a wait resumes waiting with its next check time, then wakes on the change", async () => {
    harness = await Harness.start({ behaviour: waitsForCI, goal: { ...FAST_WAITS, waitCheckFirstMs: 1_500 } });
    ciStatus("pending");
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Ship once CI is green" });
    const before = await harness.waitForGoal(sessionID, (g) => (g.wait?.check?.runs ?? 0) >= 1);
    await harness.settle();
    await harness.restart();
    const after = (await harness.runtime.goals.get(sessionID)) as Goal;
    expect(after.status).toBe("waiting");
    expect(after.wait?.check?.nextAt).toBe(before.wait?.check?.nextAt);
    expect(await harness.runtime.goals.continuation(sessionID)).toMatchObject({
      state: "waiting",
      nextCheckAt: before.wait?.check?.nextAt,
    });
    const requests = harness.model.requests.length;
    ciStatus("green");
    await harness.waitForGoal(sessionID, (g) => g.status === "complete", 10_000);
    expect(harness.model.requests.length).toBe(requests + 1);
  });

  it("turns a model polling the same command for the same output into a wait on it, announced when it wakes", async () => {
    harness = await Harness.start({
      goal: FAST_WAITS,
      behaviour: (request) => {
        if (lastUserText(request).includes("until its output changed")) {
          return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "CI is green" } }] };
        }
        if (messages(request).at(-1)?.role === "tool") return { text: "Still waiting for CI." };
        return { toolCalls: [{ name: "bash", arguments: { command: "cat ci-status" } }] };
      },
    });
    ciStatus("pending");
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Ship once CI is green" });
    const waiting = await harness.waitForGoal(sessionID, (g) => g.status === "waiting");
    expect(waiting.wait).toMatchObject({
      kind: "check",
      by: "runtime",
      check: { command: "cat ci-status" },
      reason: "the model polled `cat ci-status` for the same output",
    });
    await harness.settle();
    // The goal's turn and at most two continuations polled before the runtime took over.
    expect(waiting.usage.turns).toBeLessThanOrEqual(3);
    const requests = harness.model.requests.length;
    await harness.waitForGoal(sessionID, (g) => (g.wait?.check?.runs ?? 0) >= 2, 5_000);
    expect(harness.model.requests.length).toBe(requests);
    ciStatus("green");
    await harness.waitForGoal(sessionID, (g) => g.status === "complete", 5_000);
    expect(lastUserText(harness.model.requests.at(-1)!)).toContain(
      "Note: the runtime waited on `cat ci-status` until its output changed.",
    );
  });

  it("a 429 naming a usage quota's reset waits for it with no request, then completes", async () => {
    const resetInMs = 3_000;
    let quotaAnsweredAt = 0;
    harness = await Harness.start({
      behaviour: (request, context) => {
        if (context.index === 0) {
          quotaAnsweredAt = Date.now();
          const resetAt = new Date(quotaAnsweredAt + resetInMs).toISOString();
          return {
            error: {
              status: 429,
              message: `You have reached your usage limit. It resets at ${resetAt}.`,
              headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": `${resetInMs / 1000}s` },
            },
          };
        }
        if (toolCallsMade(request, "update_goal").length === 0) {
          return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "ok" } }] };
        }
        return { text: "Done." };
      },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Say ok" });
    const waiting = await harness.waitForGoal(sessionID, (g) => g.status === "waiting");
    expect(waiting.wait).toMatchObject({ kind: "quota", by: "runtime" });
    expect(waiting.wait?.until).toBeGreaterThanOrEqual(quotaAnsweredAt + resetInMs - 1_000);
    expect(harness.model.requests.length).toBe(1);
    const done = await harness.waitForGoal(sessionID, (g) => g.status === "complete", 15_000);
    expect(done.status).toBe("complete");
    // No request before the reset.
    const second = harness.model.requests[1]!;
    expect(second.time).toBeGreaterThanOrEqual(quotaAnsweredAt + resetInMs - 1_000);
    const statuses = (await harness.runtime.goals.history(sessionID)).flatMap((row) =>
      row.kind === "status" ? [`${row.from}->${row.to}`] : [],
    );
    expect(statuses).toEqual(["active->waiting", "waiting->active", "active->complete"]);
  });

  it("a goal that opts out of quota waits is blocked at the quota, naming the reset, with no request after it", async () => {
    harness = await Harness.start({
      behaviour: () => ({
        error: {
          status: 429,
          message: "You have reached your usage limit. It resets in 60 minutes.",
          headers: { "retry-after": "3600", "x-ratelimit-remaining-requests": "0" },
        },
      }),
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "Say ok", waitForQuota: false });
    const blocked = await harness.waitForGoal(sessionID, (g) => g.status === "blocked");
    expect(blocked.reason).toMatch(/usage quota is exhausted until .* \(this goal does not wait for it\)/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.model.requests.length).toBe(1);
  });

  it("refuses a check command the bash rules deny, and a wait past the maximum, and changes nothing", async () => {
    harness = await Harness.start({
      goal: FAST_WAITS,
      behaviour: (request) => {
        const calls = toolCallsMade(request, "update_goal").length;
        if (calls === 0)
          return {
            toolCalls: [{ name: "update_goal", arguments: { status: "waiting", reason: "x", check: "rm -rf /" } }],
          };
        if (calls === 1)
          return { toolCalls: [{ name: "update_goal", arguments: { status: "waiting", reason: "x", until: "2h" } }] };
        return { text: "ok" };
      },
    });
    const sessionID = await harness.session();
    await harness.runtime.goals.create(sessionID, { objective: "x" });
    await harness.waitForGoal(sessionID, () => harness!.model.requests.length >= 3);
    await harness.runtime.goals.update(sessionID, { status: "paused" });
    await harness.settle();
    const results = harness.model.requests.flatMap((request) => {
      const last = lastToolResult(request, "update_goal");
      return last ? [last.content] : [];
    });
    expect(results[0]).toContain("Refused: the check command is not allowed");
    expect(results[1]).toContain("Refused: until is 2h00m00s away; a wait lasts at most 30m00s");
    const history = await harness.runtime.goals.history(sessionID);
    expect(history.some((row) => row.kind === "status" && row.to === "waiting")).toBe(false);
  });
});
