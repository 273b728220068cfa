import type { GoalStatus } from "@pursuit/sdk";
import "./status-label.css";

const LABELS: Record<GoalStatus, { text: string; symbol: string }> = {
  active: { text: "Active", symbol: "●" },
  waiting: { text: "Waiting", symbol: "◷" },
  paused: { text: "Paused", symbol: "❚❚" },
  blocked: { text: "Blocked", symbol: "✕" },
  budget_limited: { text: "Limit reached", symbol: "◼" },
  complete: { text: "Complete", symbol: "✓" },
};

/** A goal's status as words and a symbol, never color alone; only an active goal looks alive. */
export function StatusLabel({ status }: { status: GoalStatus }) {
  const label = LABELS[status];
  return (
    <span className={`status-label status-${status}`} data-status={status}>
      <span aria-hidden="true" className="status-symbol">
        {label.symbol}
      </span>
      <span>{label.text}</span>
    </span>
  );
}
