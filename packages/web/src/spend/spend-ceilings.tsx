import type { SpendReport } from "@pursuit/sdk";
import { formatCost, formatDuration, formatTokens } from "../format/format.js";
import { useSpend } from "./use-spend.js";
import "./spend-ceilings.css";

type Window = SpendReport["windows"][number];
type Unit = "tokens" | "costUSD";

const WINDOW_NAMES = { daily: "Today", weekly: "This week" } as const;
const amount = (unit: Unit, value: number) =>
  unit === "tokens" ? `${formatTokens(Math.round(value))} tokens` : formatCost(value);

/**
 * What all goals spent today and this week (UTC), each against its ceiling when one is set: a goal that would pass
 * one stops until the window turns over. The numbers are written out beside each bar.
 */
export function SpendCeilings() {
  const spend = useSpend();
  if (spend.error) return <p role="alert">Could not load the spend: {spend.error.message}</p>;
  if (!spend.data) return null;
  const capped = spend.data.windows.some((window) => window.ceiling);
  return (
    <section className="spend-ceilings" aria-label="Spend across goals">
      <h2>Spend across goals{capped ? "" : " (no ceilings set)"}</h2>
      <dl>
        {spend.data.windows.map((window) => (
          <WindowRow key={window.window} window={window} />
        ))}
      </dl>
    </section>
  );
}

function WindowRow({ window }: { window: Window }) {
  const units: Unit[] = window.ceiling
    ? (["tokens", "costUSD"] as const).filter((unit) => window.ceiling?.[unit] !== undefined)
    : ["tokens"];
  const turnsOver = formatDuration(Math.max(1, Math.round((window.end - Date.now()) / 1000)));
  return (
    <div className="spend-window">
      <dt>{WINDOW_NAMES[window.window]}</dt>
      {units.map((unit) => {
        const used = window.spent[unit];
        const ceiling = window.ceiling?.[unit];
        const text =
          ceiling === undefined ? `${amount(unit, used)} spent` : `${amount(unit, used)} of ${amount(unit, ceiling)}`;
        const share = ceiling ? Math.min(1, used / ceiling) : 0;
        return (
          <dd key={unit}>
            {ceiling === undefined ? null : (
              <div
                className={`spend-bar${share >= 1 ? " spend-bar-full" : share >= 0.8 ? " spend-bar-high" : ""}`}
                role="progressbar"
                aria-label={`${WINDOW_NAMES[window.window]}: ${unit === "tokens" ? "tokens" : "dollars"} against the ceiling`}
                aria-valuemin={0}
                aria-valuemax={ceiling}
                aria-valuenow={Math.min(used, ceiling)}
                aria-valuetext={text}
              >
                <div className="spend-fill" style={{ width: `${share * 100}%` }} />
              </div>
            )}
            <span className="spend-text">
              {text}
              {ceiling !== undefined ? ` · turns over in ${turnsOver}` : ""}
            </span>
          </dd>
        );
      })}
    </div>
  );
}
