import { FakeClock } from "@pursuit/core";
import { describe, expect, it } from "vitest";
import { callWithRetries, classifyFailure, type RetryNotice, retryDelay } from "./retry-policy.js";
import { ManualTimers } from "./testing/manual-timers.js";

describe("classifyFailure", () => {
  it.each([
    [429, "rate limited"],
    [408, "request timeout"],
    [500, "internal"],
    [502, "bad gateway"],
    [503, "unavailable"],
    [529, "overloaded_error"],
    [undefined, "ECONNRESET"],
    [undefined, "the model stream ended early"],
  ])("retries %s %s", (statusCode, message) => {
    expect(classifyFailure({ statusCode, message })).toBe("transient");
  });

  it.each([
    [400, "invalid request"],
    [401, "bad key"],
    [403, "forbidden"],
    [404, "no such model"],
    [422, "unprocessable"],
  ])("fails at once on %s %s", (statusCode, message) => {
    expect(classifyFailure({ statusCode, message })).toBe("permanent");
  });

  it.each([
    [400, "This model's maximum context length is 16384 tokens"],
    [400, '{"error":{"code":"context_length_exceeded"}}'],
    [400, "prompt is too long: 210000 tokens > 200000 maximum"],
    [413, "request entity too large"],
  ])("tells a prompt that is too long apart: %s %s", (statusCode, message) => {
    expect(classifyFailure({ statusCode, message })).toBe("context_too_long");
  });
});

describe("retryDelay", () => {
  const policy = { windowMs: 600_000, baseDelayMs: 1_000, maxDelayMs: 8_000 };

  it("doubles from the base with jitter in the upper half, capped", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, undefined, policy, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000, 4_000,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, undefined, policy, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 8_000,
    ]);
  });

  it("never waits less than the provider's Retry-After", () => {
    expect(retryDelay(1, 2_000, policy, () => 0)).toBe(2_000);
    expect(retryDelay(4, 2_000, policy, () => 1)).toBe(8_000);
  });
});

describe("callWithRetries", () => {
  type Answer = { ok: true } | { ok: false; statusCode?: number; message: string; retryAfterMs?: number };
  const setup = (answers: Answer[], windowMs = 600_000) => {
    const clock = new FakeClock();
    const timers = new ManualTimers();
    const notices: RetryNotice[] = [];
    let calls = 0;
    const controller = new AbortController();
    const result = callWithRetries(async () => answers[Math.min(calls++, answers.length - 1)] as Answer, {
      policy: { windowMs, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      clock,
      timers,
      signal: controller.signal,
      random: () => 1,
      failureOf: (answer) => (answer.ok ? undefined : answer),
      onRetry: (notice) => notices.push(notice),
    });
    /** Lets the loop reach its next wait (or its end), then moves the clock past the wait and fires it. */
    const pass = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(timers.pending()[0] ?? 0);
      timers.fire();
    };
    return { result, notices, timers, pass, calls: () => calls, abort: () => controller.abort() };
  };

  it("rides out two 429s (Retry-After 2 s) and three 500s, then succeeds", async () => {
    const failures: Answer[] = [
      { ok: false, statusCode: 429, message: "429 slow down", retryAfterMs: 2_000 },
      { ok: false, statusCode: 429, message: "429 slow down", retryAfterMs: 2_000 },
      { ok: false, statusCode: 500, message: "500 boom" },
      { ok: false, statusCode: 500, message: "500 boom" },
      { ok: false, statusCode: 500, message: "500 boom" },
    ];
    const run = setup([...failures, { ok: true }]);
    for (let i = 0; i < 5; i++) await run.pass();
    expect(await run.result).toEqual({ ok: true });
    expect(run.calls()).toBe(6);
    expect(run.notices.map((notice) => [notice.attempt, notice.message])).toEqual([
      [1, "429 slow down"],
      [2, "429 slow down"],
      [3, "500 boom"],
      [4, "500 boom"],
      [5, "500 boom"],
    ]);
  });

  it("gives up at once on a permanent failure", async () => {
    const run = setup([{ ok: false, statusCode: 401, message: "401 bad key" }, { ok: true }]);
    expect(await run.result).toMatchObject({ ok: false, statusCode: 401 });
    expect(run.calls()).toBe(1);
    expect(run.notices).toEqual([]);
  });

  it("gives up when the next wait would end past the retry window", async () => {
    const run = setup([{ ok: false, statusCode: 503, message: "503 down" }], 5_000);
    await run.pass(); // waits 1 s
    await run.pass(); // waits 2 s (3 s in)
    // The third wait (4 s) would end 7 s after the first failure.
    expect(await run.result).toMatchObject({ ok: false, statusCode: 503 });
    expect(run.calls()).toBe(3);
  });

  it("an abort during a wait ends it at once, with no further call", async () => {
    const run = setup([{ ok: false, statusCode: 503, message: "503 down" }, { ok: true }]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.timers.pending()).toHaveLength(1);
    run.abort();
    expect(await run.result).toMatchObject({ ok: false });
    expect(run.calls()).toBe(1);
    expect(run.timers.pending()).toEqual([]);
  });
});
