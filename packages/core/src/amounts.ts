import { err, ok, type Result } from "./result.js";

/** Amounts people type (CLI flags, the TUI): `--tokens 200k`, `--time 1h30m`, `--cost 2.50`, `--turns 20`; errors name the flag. */

export type AmountError = { flag: string; message: string };

const fail = (flag: string, message: string) => err<AmountError>({ flag, message: `${flag}: ${message}` });

const SUFFIX: Record<string, number> = { "": 1, k: 1_000, m: 1_000_000 };

/** "200000", "200k", "1.5m" (underscores and commas allowed as separators). */
export function parseTokens(text: string, flag = "--tokens"): Result<number, AmountError> {
  const match = text
    .trim()
    .replace(/[_,]/g, "")
    .match(/^(\d+(?:\.\d+)?)\s*([km]?)$/i);
  if (!match) return fail(flag, `"${text}" is not a token count; use a whole number like 200000, 200k or 1.5m`);
  const value = Math.round(Number(match[1]) * (SUFFIX[(match[2] ?? "").toLowerCase()] ?? 1));
  if (value <= 0) return fail(flag, "must be greater than 0");
  return ok(value);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "90s", "30m", "1h30m", "2h", "1.5h" -> seconds. A unit is required: a bare "30" is ambiguous. */
export function parseDuration(text: string, flag = "--time"): Result<number, AmountError> {
  const compact = text.trim().toLowerCase().replace(/\s+/g, "");
  if (/^\d+(\.\d+)?$/.test(compact)) {
    return fail(flag, `"${text}" needs a unit: for example ${compact}s, ${compact}m or ${compact}h`);
  }
  if (!/^(\d+(\.\d+)?[smhd])+$/.test(compact)) {
    return fail(flag, `"${text}" is not a duration; use for example 90s, 30m, 1h30m or 2h`);
  }
  let seconds = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) {
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? "s"] ?? 1);
  }
  if (seconds <= 0) return fail(flag, "must be longer than 0 seconds");
  return ok(seconds);
}

/** "2.50" or "$2.50" -> dollars. */
export function parseCost(text: string, flag = "--cost"): Result<number, AmountError> {
  const match = text.trim().match(/^\$?(\d+(?:\.\d+)?)$/);
  if (!match) return fail(flag, `"${text}" is not an amount of dollars; use for example 2.50`);
  const value = Number(match[1]);
  if (value <= 0) return fail(flag, "must be greater than 0");
  return ok(value);
}

/** A positive whole number, e.g. `--turns 20`. */
export function parseCount(text: string, flag = "--turns"): Result<number, AmountError> {
  if (!/^\d+$/.test(text.trim())) return fail(flag, `"${text}" is not a whole number`);
  const value = Number(text.trim());
  if (value <= 0) return fail(flag, "must be greater than 0");
  return ok(value);
}

/** Human forms for summaries: 1234 -> "1.2k", 3725 s -> "1h02m05s". */
export function formatTokens(tokens: number): string {
  if (tokens < 1000) return String(tokens);
  if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(tokens < 10_000 ? 1 : 0)}k`;
  return `${(tokens / 1_000_000).toFixed(2)}m`;
}

export function formatDuration(seconds: number): string {
  const whole = Math.floor(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, "0")}m${String(s).padStart(2, "0")}s`;
  if (m > 0) return `${m}m${String(s).padStart(2, "0")}s`;
  return seconds < 10 ? `${seconds.toFixed(1)}s` : `${s}s`;
}
