import type { GoalHistoryEntry } from "@pursuit/sdk";

/** Cumulative spend of the latest goal over time: charged tokens, and cache reads apart (they are not charged). */
export type SpendSeries = { times: number[]; tokens: number[]; cacheRead: number[] };

/** The charges of the session's latest goal, accumulated in time order (seconds since the epoch for the chart). */
export function spendSeries(history: readonly GoalHistoryEntry[]): SpendSeries {
  const goalID = history.findLast((entry) => entry.kind === "created")?.goalID;
  const series: SpendSeries = { times: [], tokens: [], cacheRead: [] };
  let tokens = 0;
  let cacheRead = 0;
  for (const entry of history) {
    if (entry.goalID !== goalID) continue;
    if (entry.kind === "created") {
      series.times.push(entry.time / 1000);
      series.tokens.push(0);
      series.cacheRead.push(0);
    }
    if (entry.kind !== "charged" || (entry.charge.tokens === 0 && entry.charge.cacheRead === 0)) continue;
    tokens += entry.charge.tokens;
    cacheRead += entry.charge.cacheRead;
    series.times.push(entry.time / 1000);
    series.tokens.push(tokens);
    series.cacheRead.push(cacheRead);
  }
  return series;
}

/** Tokens charged per minute over the last `windowMs` of charges (0 when nothing was charged in it). */
export function burnRate(series: SpendSeries, now: number, windowMs = 5 * 60_000): number {
  const from = (now - windowMs) / 1000;
  const first = series.times.findIndex((time) => time > from);
  if (first < 0) return 0;
  const before = first > 0 ? (series.tokens[first - 1] ?? 0) : 0;
  const spent = (series.tokens.at(-1) ?? 0) - before;
  const minutes = Math.max((now / 1000 - Math.max(from, series.times[0] ?? from)) / 60, 1 / 60);
  return spent / minutes;
}

/** Below this share of the limit, the usage would be a flat line along the bottom of a chart scaled to the limit. */
const LIMIT_ON_SCALE_SHARE = 0.25;

/**
 * Whether the token limit is drawn on the chart: only when the charged tokens reach a quarter of it. A 2k-token run
 * under a 200k limit is drawn on its own scale, and the limit is named beside the chart instead.
 */
export function limitOnScale(series: SpendSeries, limit: number | undefined): limit is number {
  if (limit === undefined) return false;
  return Math.max(0, ...series.tokens) >= limit * LIMIT_ON_SCALE_SHARE;
}
