import { describe, expect, it } from "vitest";
import { quotaResetOf, quotaWaitUntil } from "./quota-reset.js";
import { DEFAULT_RETRY_POLICY } from "./retry-policy.js";

const NOW = Date.parse("2026-12-06T10:00:00Z");

describe("a usage quota exhausted until a known time", () => {
  it.each<[string, Parameters<typeof quotaResetOf>[0], number | undefined]>([
    [
      "Anthropic's reset headers with nothing remaining",
      {
        statusCode: 429,
        text: "rate_limit_error",
        headers: {
          "anthropic-ratelimit-requests-remaining": "0",
          "anthropic-ratelimit-requests-reset": "2026-12-06T10:30:00Z",
          "anthropic-ratelimit-tokens-remaining": "5000",
          "anthropic-ratelimit-tokens-reset": "2026-12-06T10:00:10Z",
        },
      },
      NOW + 30 * 60_000,
    ],
    [
      "OpenAI's reset headers (durations) with nothing remaining",
      {
        statusCode: 429,
        text: "Rate limit reached",
        headers: { "X-RateLimit-Remaining-Requests": "0", "X-RateLimit-Reset-Requests": "1h2m3.5s" },
      },
      NOW + 3_723_500,
    ],
    [
      "a body that names a usage limit and its reset time",
      {
        statusCode: 429,
        text: "You have reached your usage limit. It resets at 2026-12-06T11:00:00Z (in 60 minutes).",
      },
      NOW + 60 * 60_000,
    ],
    [
      "a body that names a quota with Retry-After",
      { statusCode: 429, text: "You exceeded your current quota", retryAfterMs: 90_000 },
      NOW + 90_000,
    ],
    [
      "an ordinary rate limit (retried in the turn)",
      { statusCode: 429, text: "slow down", retryAfterMs: 2_000 },
      undefined,
    ],
    ["a quota word on another status", { statusCode: 500, text: "quota service down" }, undefined],
    ["a quota with no reset time", { statusCode: 429, text: "usage limit reached" }, undefined],
  ])("%s", (_name, answer, expected) => {
    expect(quotaResetOf(answer, NOW)).toBe(expected);
  });

  it("a goal waits for a named quota reset, or a Retry-After beyond the retry window, plus at most 5 s", () => {
    const policy = DEFAULT_RETRY_POLICY;
    expect(quotaWaitUntil({ message: "q", statusCode: 429, quotaResetAt: NOW + 90_000 }, policy, NOW, () => 1)).toBe(
      NOW + 95_000,
    );
    // A short wait gets a tenth of itself at most.
    expect(quotaWaitUntil({ message: "q", statusCode: 429, quotaResetAt: NOW + 3_000 }, policy, NOW, () => 1)).toBe(
      NOW + 3_300,
    );
    const hour = { message: "429", statusCode: 429, retryAfterMs: 3_600_000 };
    expect(quotaWaitUntil(hour, policy, NOW, () => 0)).toBe(NOW + 3_600_000);
    expect(quotaWaitUntil({ message: "429", statusCode: 429, retryAfterMs: 2_000 }, policy, NOW)).toBeUndefined();
  });
});
