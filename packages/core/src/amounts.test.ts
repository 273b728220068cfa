import { describe, expect, it } from "vitest";
import { formatDuration, formatTokens, parseCost, parseCount, parseDuration, parseTokens } from "./amounts.js";

const value = <T>(result: { ok: true; value: T } | { ok: false; error: unknown }) =>
  result.ok ? result.value : undefined;
const message = (result: { ok: boolean; error?: { message: string } }) =>
  result.ok ? undefined : result.error?.message;

describe("parseTokens", () => {
  it.each([
    ["200000", 200_000],
    ["200k", 200_000],
    ["200K", 200_000],
    ["1.5m", 1_500_000],
    ["20_000", 20_000],
    ["20,000", 20_000],
  ])("%s -> %d", (text, expected) => expect(value(parseTokens(text))).toBe(expected));

  it.each(["", "abc", "-5", "0", "5g", "1e6"])("refuses %j naming the flag", (text) => {
    expect(message(parseTokens(text))).toMatch(/^--tokens: /);
  });
});

describe("parseDuration", () => {
  it.each([
    ["90s", 90],
    ["30m", 1800],
    ["1h30m", 5400],
    ["2h", 7200],
    ["1.5h", 5400],
    ["1d", 86400],
  ])("%s -> %d s", (text, expected) => expect(value(parseDuration(text))).toBe(expected));

  it("asks for a unit when there is none", () => {
    expect(message(parseDuration("30"))).toBe('--time: "30" needs a unit: for example 30s, 30m or 30h');
  });

  it.each(["soon", "30 minutes", "m30", "0s", "-5m"])("refuses %j", (text) => {
    expect(message(parseDuration(text))).toMatch(/^--time: /);
  });
});

describe("parseCost and parseCount", () => {
  it("reads dollars with or without the sign", () => {
    expect(value(parseCost("2.50"))).toBe(2.5);
    expect(value(parseCost("$3"))).toBe(3);
    expect(message(parseCost("two"))).toMatch(/^--cost: /);
    expect(message(parseCost("0"))).toMatch(/greater than 0/);
  });

  it("reads whole positive counts", () => {
    expect(value(parseCount("20"))).toBe(20);
    expect(message(parseCount("2.5"))).toMatch(/^--turns: /);
    expect(message(parseCount("0"))).toMatch(/greater than 0/);
  });
});

describe("formatting", () => {
  it("shortens token counts and durations", () => {
    expect(formatTokens(950)).toBe("950");
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(200_000)).toBe("200k");
    expect(formatDuration(3725)).toBe("1h02m05s");
    expect(formatDuration(65)).toBe("1m05s");
    expect(formatDuration(2.345)).toBe("2.3s");
  });
});
