import type { Goal, GoalHistoryEntry } from "@pursuit/sdk";
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatTokens } from "../format/format.js";
import { burnRate, limitOnScale, spendSeries } from "./spend-series.js";
import "./spend-chart.css";

/**
 * Tokens charged over time, the token limit as a line, cache reads apart; with the burn rate while active. The
 * numbers are also written out, so the chart is never the only way to read them.
 */
export function SpendChart({ goal, history }: { goal: Goal; history: readonly GoalHistoryEntry[] }) {
  const box = useRef<HTMLDivElement>(null);
  const series = useMemo(() => spendSeries(history), [history]);
  const rate = burnRate(series, Date.now());
  const limit = goal.limits.tokens;
  const drawLimit = limitOnScale(series, limit);

  useEffect(() => {
    const element = box.current;
    if (!element || series.times.length === 0) return;
    const limitLine = series.times.map(() => (drawLimit ? limit : null));
    const styles = getComputedStyle(element);
    const color = (name: string) => styles.getPropertyValue(name).trim() || "#888";
    const chart = new uPlot(
      {
        width: element.clientWidth || 320,
        height: 160,
        legend: { show: true, live: false },
        axes: [
          { stroke: color("--muted") },
          { stroke: color("--muted"), values: (_u, ticks) => ticks.map((t) => formatTokens(t)) },
        ],
        series: [
          {},
          { label: "charged", stroke: color("--accent"), width: 2 },
          { label: "cache read", stroke: color("--success"), dash: [4, 4] },
          ...(drawLimit ? [{ label: "limit", stroke: color("--danger"), dash: [2, 6] }] : []),
        ],
      },
      [series.times, series.tokens, series.cacheRead, ...(drawLimit ? [limitLine] : [])] as uPlot.AlignedData,
      element,
    );
    return () => chart.destroy();
  }, [series, limit, drawLimit]);

  return (
    <figure className="spend-chart">
      <figcaption>
        Tokens charged: <strong>{formatTokens(goal.usage.tokens)}</strong>
        {limit !== undefined ? ` of ${formatTokens(limit)}` : ""}
        {limit !== undefined && !drawLimit ? " (the limit is far above: the chart is scaled to the usage)" : ""}
        {goal.status === "active" ? (
          <>
            {" "}
            · burning <strong>{formatTokens(Math.round(rate))}/min</strong>
          </>
        ) : null}{" "}
        · cache reads {formatTokens(goal.usage.cacheRead)} (not charged)
      </figcaption>
      <div ref={box} className="spend-chart-plot" role="img" aria-label="Chart of tokens charged over time" />
    </figure>
  );
}
