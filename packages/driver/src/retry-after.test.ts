import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("reads seconds, milliseconds and HTTP dates, in any header case", () => {
    expect(parseRetryAfter({ "retry-after": "2" }, now)).toBe(2_000);
    expect(parseRetryAfter({ "Retry-After": "1.5" }, now)).toBe(1_500);
    expect(parseRetryAfter({ "Retry-After-Ms": "150" }, now)).toBe(150);
    expect(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:05 GMT" }, now)).toBe(5_000);
  });

  it("prefers retry-after-ms, the more precise of the two", () => {
    expect(parseRetryAfter({ "retry-after": "3", "retry-after-ms": "2500" }, now)).toBe(2_500);
    // An unusable retry-after-ms falls back to retry-after.
    expect(parseRetryAfter({ "retry-after": "3", "retry-after-ms": "soon" }, now)).toBe(3_000);
  });

  it("waits no time for a date in the past and ignores what it cannot read", () => {
    expect(parseRetryAfter({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, now)).toBe(0);
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "-4" }, now)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "" }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
