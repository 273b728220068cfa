import type { Goal, LimitName } from "@pursuit/sdk";
import { formatCost, formatDuration, formatTokens } from "../format/format.js";
import "./limit-bars.css";

const NAMES: Record<LimitName, string> = { tokens: "Tokens", turns: "Turns", seconds: "Time", costUSD: "Cost" };

function used(goal: Goal, limit: LimitName): number {
  const usage = goal.usage;
  return limit === "costUSD" ? (usage.costUSD ?? 0) : usage[limit];
}

function format(limit: LimitName, value: number): string {
  switch (limit) {
    case "tokens":
      return formatTokens(Math.round(value));
    case "turns":
      return String(value);
    case "seconds":
      return formatDuration(value);
    case "costUSD":
      return formatCost(value);
  }
}

/**
 * One bar per limit, used of allowed, with the plain numbers beside it (spoken too, via aria-valuetext); a
 * quantity without a limit shows what was spent. Cost only appears when the model is priced.
 */
export function LimitBars({ goal }: { goal: Goal }) {
  const names: LimitName[] = ["tokens", "turns", "seconds", "costUSD"];
  return (
    <dl className="limit-bars">
      {names
        .filter((name) => name !== "costUSD" || goal.usage.costUSD !== null || goal.limits.costUSD !== undefined)
        .map((name) => {
          const value = used(goal, name);
          const limit = goal.limits[name];
          const text =
            limit === undefined
              ? `${format(name, value)} (no limit)`
              : `${format(name, value)} of ${format(name, limit)}`;
          const share = limit ? Math.min(1, value / limit) : 0;
          return (
            <div key={name} className="limit-row">
              <dt>{NAMES[name]}</dt>
              <dd>
                {limit === undefined ? null : (
                  <div
                    className={`limit-bar${share >= 1 ? " limit-bar-full" : share >= 0.8 ? " limit-bar-high" : ""}`}
                    role="progressbar"
                    aria-label={`${NAMES[name]} used`}
                    aria-valuemin={0}
                    aria-valuemax={limit}
                    aria-valuenow={Math.min(value, limit)}
                    aria-valuetext={text}
                  >
                    <div className="limit-fill" style={{ width: `${share * 100}%` }} />
                  </div>
                )}
                <span className="limit-text">{text}</span>
              </dd>
            </div>
          );
        })}
    </dl>
  );
}
