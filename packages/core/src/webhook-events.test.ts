import { describe, expect, it } from "vitest";
import type { Actor, Goal } from "./goal.js";
import { type GoalCommand, transition } from "./transition.js";
import { validateWebhooks, wantsEvent, webhookOccurrences } from "./webhook-events.js";

const T0 = 1_000;

function created(extra: Record<string, unknown> = {}): Goal {
  const result = transition(
    undefined,
    { type: "create", id: "g1", sessionID: "s1", objective: "o", ...extra },
    "user",
    T0,
  );
  if (!result.ok || !result.value.goal) throw new Error(JSON.stringify(result));
  return result.value.goal;
}

/** The webhook events of one command applied to a goal, with the detail each carries. */
function eventsOf(goal: Goal, command: GoalCommand, actor: Actor) {
  const result = transition(goal, command, actor, T0 + 5);
  if (!result.ok) throw new Error(result.error.message);
  return webhookOccurrences(result.value.goal, result.value.history).map(({ event, detail }) => [event, detail]);
}

const active = created();
const waiting = (kind: "check" | "person"): Goal => ({
  ...active,
  status: "waiting",
  wait: { kind, reason: "CI", by: "model", since: T0, wakeAt: T0 },
});

describe("which goal changes a webhook hears of", () => {
  it.each<[string, Goal, GoalCommand, Actor, [string, string | undefined][]]>([
    [
      "the model completes",
      active,
      { type: "complete", evidence: "tests pass" },
      "model",
      [["goal.complete", "tests pass"]],
    ],
    ["a person completes", active, { type: "complete" }, "user", [["goal.complete", undefined]]],
    ["a limit is reached", active, { type: "limit", limit: "tokens" }, "runtime", [["goal.budget_limited", undefined]]],
    ["the model blocks", active, { type: "block", reason: "need a key" }, "model", [["goal.blocked", "need a key"]]],
    [
      "the runtime pauses",
      active,
      { type: "pause", reason: "no progress" },
      "runtime",
      [["goal.paused", "no progress"]],
    ],
    ["a person pauses", active, { type: "pause", reason: "lunch" }, "user", []],
    ["a person resumes", { ...active, status: "paused" }, { type: "resume" }, "user", []],
    [
      "a charge",
      active,
      {
        type: "charge",
        key: "k",
        charge: {
          tokens: 1,
          input: 1,
          cacheRead: 0,
          cacheWrite: 0,
          output: 0,
          reasoning: 0,
          costUSD: null,
          turns: 0,
          seconds: 0,
        },
      },
      "runtime",
      [],
    ],
    [
      "a person's question",
      active,
      {
        type: "wait",
        request: { kind: "person", reason: "which branch?" },
        policy: { waitMaxMs: 60_000, waitCheckFirstMs: 0, waitCheckMaxMs: 1, waitCheckTimeoutMs: 1, quotaJitterMs: 0 },
      } as GoalCommand,
      "runtime",
      [["goal.needs_input", "which branch?"]],
    ],
    [
      "a wake by the runtime",
      waiting("check"),
      { type: "wake" },
      "runtime",
      [["goal.woke", expect.stringContaining("") as unknown as string]],
    ],
    [
      "a spend ceiling reached",
      active,
      { type: "ceiling", hit: { window: "daily", unit: "tokens", allowed: 1_000, resetsAt: 2_000_000_000_000 } },
      "runtime",
      [["goal.budget_limited", "the daily ceiling is reached"]],
    ],
    [
      "a spend ceiling's window turned over",
      {
        ...active,
        status: "budget_limited",
        reason: "the daily ceiling is reached",
        ceiling: { window: "daily", unit: "tokens", allowed: 1_000, resetsAt: 2_000_000_000_000 },
      },
      { type: "ceiling_lifted", reason: "the daily ceiling turned over" },
      "runtime",
      [["goal.woke", "the daily ceiling turned over"]],
    ],
  ])("%s", (_name, goal, command, actor, expected) => {
    expect(eventsOf(goal, command, actor)).toEqual(expected);
  });

  it("a change that cleared the goal tells nothing", () => {
    expect(webhookOccurrences(null, [])).toEqual([]);
  });

  it("the outcomes by default; waits and wakes only when asked for", () => {
    expect(wantsEvent({}, "goal.complete")).toBe(true);
    expect(wantsEvent({}, "goal.needs_input")).toBe(true);
    expect(wantsEvent({}, "goal.waiting")).toBe(false);
    expect(wantsEvent({ events: ["goal.waiting", "goal.woke"] }, "goal.woke")).toBe(true);
    expect(wantsEvent({ events: ["goal.waiting"] }, "goal.complete")).toBe(false);
  });
});

describe("webhook targets", () => {
  it("take a URL, a secret (configuration only), events and a format", () => {
    const value = [
      { url: "https://hooks.slack.com/services/T/B/X", format: "slack" },
      { url: "http://127.0.0.1:9/x", secret: "s", events: ["goal.complete", "goal.complete"] },
    ];
    expect(validateWebhooks(value, "webhooks", { allowSecret: true })).toEqual({
      ok: true,
      value: [
        { url: "https://hooks.slack.com/services/T/B/X", format: "slack" },
        { url: "http://127.0.0.1:9/x", secret: "s", events: ["goal.complete"] },
      ],
    });
  });

  it.each([
    ["not a list", { url: "http://x" }, true, "webhooks", "webhooks must be a list of {url, events?, format?}"],
    ["no URL", [{}], true, "webhooks.0.url", "webhooks.0.url must be an http(s) URL; got undefined"],
    [
      "another scheme",
      [{ url: "ftp://x/y" }],
      true,
      "webhooks.0.url",
      'webhooks.0.url must be an http(s) URL; got "ftp://x/y"',
    ],
    [
      "an unknown event",
      [{ url: "http://x", events: ["goal.done"] }],
      true,
      "webhooks.0.events",
      'webhooks.0.events has "goal.done"',
    ],
    [
      "no events",
      [{ url: "http://x", events: [] }],
      true,
      "webhooks.0.events",
      "webhooks.0.events must be a non-empty list",
    ],
    [
      "an unknown format",
      [{ url: "http://x", format: "teams" }],
      true,
      "webhooks.0.format",
      "webhooks.0.format must be json or slack",
    ],
    [
      "an unknown key",
      [{ url: "http://x", retries: 3 }],
      true,
      "webhooks.0.retries",
      'webhooks.0 has an unknown key "retries"',
    ],
    [
      "a goal's secret",
      [{ url: "http://x", secret: "s" }],
      false,
      "webhooks.0.secret",
      "a signing secret goes in the server's configuration",
    ],
  ])("refuse %s, naming the field", (_name, value, allowSecret, field, message) => {
    const result = validateWebhooks(value, "webhooks", { allowSecret });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.field).toBe(field);
      expect(result.error.message).toContain(message);
    }
  });

  it("a goal carries its own, set and edited as a setting; the same list again records nothing", () => {
    const goal = created({ webhooks: [{ url: "https://ntfy.sh/my-goals" }] });
    expect(goal.webhooks).toEqual([{ url: "https://ntfy.sh/my-goals" }]);
    const same = transition(goal, { type: "edit", webhooks: [{ url: "https://ntfy.sh/my-goals" }] }, "user", T0 + 1);
    expect(same.ok && same.value.history).toEqual([]);
    const removed = transition(goal, { type: "edit", webhooks: null }, "user", T0 + 1);
    expect(removed.ok && removed.value.goal?.webhooks).toBeUndefined();
    expect(
      transition(
        undefined,
        { type: "create", id: "g", sessionID: "s", objective: "o", webhooks: [{ url: "x" }] },
        "user",
        T0,
      ),
    ).toMatchObject({
      ok: false,
      error: { field: "webhooks.0.url" },
    });
  });

  it("a webhook attempt is recorded on its own goal only", () => {
    const attempt = {
      type: "webhook_attempted",
      delivery: "d1",
      url: "http://x",
      event: "goal.complete",
      attempt: 1,
      delivered: false,
      status: 500,
    } as const;
    const recorded = transition(active, { ...attempt, goalID: active.id }, "runtime", T0 + 1);
    expect(recorded.ok && recorded.value.history).toMatchObject([
      { kind: "webhook_attempted", delivery: "d1", status: 500, actor: "runtime" },
    ]);
    const other = transition(active, { ...attempt, goalID: "another" }, "runtime", T0 + 1);
    expect(other.ok && other.value.history).toEqual([]);
    expect(transition(active, { ...attempt, goalID: active.id }, "model", T0 + 1).ok).toBe(false);
  });
});
