import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  type ContinuationState,
  DEFAULT_CONTINUATION_POLICY,
  decideContinuation,
  initialContinuationState,
  recordTurn,
  type SessionFacts,
  type TurnOutcome,
} from "./continuation.js";
import { emptyUsage, type Goal } from "./goal.js";

const NOW = 50_000;
const idle: SessionFacts = { idle: true, queuedUserMessage: false, waitingOnPerson: false };
const goal = (status: Goal["status"] = "active"): Goal => ({
  id: "g",
  sessionID: "s",
  objective: "o",
  status,
  limits: {},
  usage: emptyUsage(),
  createdBy: "user",
  time: { created: 0, updated: 0 },
});

function after(outcomes: TurnOutcome[], extra: { retryAfterMs?: number; error?: string } = {}): ContinuationState {
  return outcomes.reduce(
    (state, outcome) => recordTurn(state, { outcome, continuation: true, endedAt: NOW, ...extra }),
    initialContinuationState(),
  );
}

describe("decideContinuation", () => {
  it("continues at once on a fresh goal and after a turn with progress", () => {
    expect(decideContinuation(goal(), idle, initialContinuationState(), NOW)).toEqual({ kind: "continue", at: NOW });
    expect(decideContinuation(goal(), idle, after(["no_progress", "progress"]), NOW)).toEqual({
      kind: "continue",
      at: NOW,
    });
  });

  it("backs off 2 s then 4 s after turns without progress, and pauses after the third", () => {
    expect(decideContinuation(goal(), idle, after(["no_progress"]), NOW)).toEqual({ kind: "continue", at: NOW + 2000 });
    expect(decideContinuation(goal(), idle, after(["no_progress", "no_progress"]), NOW)).toEqual({
      kind: "continue",
      at: NOW + 4000,
    });
    expect(decideContinuation(goal(), idle, after(["no_progress", "no_progress", "no_progress"]), NOW)).toEqual({
      kind: "pause",
      reason: "no progress in 3 continuation turns in a row",
    });
  });

  it("doubles to a 60 s cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelay(n, DEFAULT_CONTINUATION_POLICY))).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
  });

  it("does not count user turns toward the stall limit", () => {
    const state = recordTurn(after(["no_progress", "no_progress"]), {
      outcome: "no_progress",
      continuation: false,
      endedAt: NOW,
    });
    expect(state.noProgressStreak).toBe(0);
    expect(decideContinuation(goal(), idle, state, NOW).kind).toBe("continue");
  });

  it("honours Retry-After when it is longer than the backoff, and blocks after 3 failed turns with the error", () => {
    expect(
      decideContinuation(goal(), idle, after(["error"], { retryAfterMs: 7000, error: "429 Too Many" }), NOW),
    ).toEqual({
      kind: "continue",
      at: NOW + 7000,
      retry: { attempt: 1, error: "429 Too Many" },
    });
    expect(decideContinuation(goal(), idle, after(["error", "error"], { retryAfterMs: 500 }), NOW)).toEqual({
      kind: "continue",
      at: NOW + 4000,
      retry: { attempt: 2, error: "the last turn failed" },
    });
    expect(
      decideContinuation(goal(), idle, after(["error", "error", "error"], { error: "500 Internal" }), NOW),
    ).toEqual({
      kind: "block",
      reason: "3 turns in a row failed; last error: 500 Internal",
    });
  });

  it("a successful turn resets the error streak", () => {
    expect(after(["error", "error", "progress", "error"]).errorStreak).toBe(1);
  });

  it("pauses after an abort", () => {
    expect(decideContinuation(goal(), idle, after(["aborted"]), NOW)).toEqual({
      kind: "pause",
      reason: "aborted by the user",
    });
  });

  it.each([
    [{ ...idle, idle: false }, "session is busy"],
    [{ ...idle, queuedUserMessage: true }, "a user message is queued"],
    [{ ...idle, waitingOnPerson: true }, "waiting on a person"],
  ])("does nothing when %j", (facts, why) => {
    expect(decideContinuation(goal(), facts, initialContinuationState(), NOW)).toEqual({ kind: "none", why });
  });

  it.each(["paused", "blocked", "budget_limited", "complete"] as const)("does nothing for a %s goal", (status) => {
    expect(decideContinuation(goal(status), idle, initialContinuationState(), NOW)).toEqual({
      kind: "none",
      why: `goal is ${status}`,
    });
  });

  it("does nothing without a goal", () => {
    expect(decideContinuation(undefined, idle, initialContinuationState(), NOW).kind).toBe("none");
  });

  it("counts backoff from when the last turn ended", () => {
    expect(decideContinuation(goal(), idle, after(["no_progress"]), NOW + 1500)).toEqual({
      kind: "continue",
      at: NOW + 2000,
    });
    expect(decideContinuation(goal(), idle, after(["no_progress"]), NOW + 9000)).toEqual({
      kind: "continue",
      at: NOW + 9000,
    });
  });
});
