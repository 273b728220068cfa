import type { GoalHistoryEntry } from "@pursuit/sdk";
import { formatTokens } from "../format/format.js";
import "./history-timeline.css";

const STATUS_WORDS: Record<string, string> = {
  active: "active",
  waiting: "waiting",
  paused: "paused",
  blocked: "blocked",
  budget_limited: "limit reached",
  complete: "complete",
};

/**
 * What happened to the goal, in order: created, edits, status changes (who and why), continuations, verify
 * runs; charges summed.
 */
export function HistoryTimeline({ history }: { history: readonly GoalHistoryEntry[] }) {
  const rows = describe(history);
  return (
    // Focusable: it scrolls, and keyboard users must be able to scroll it too.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs focus to scroll by keyboard
    <ol className="history-timeline" aria-label="Goal history" tabIndex={0}>
      {rows.map((row) => (
        <li key={row.key}>
          <time dateTime={new Date(row.time).toISOString()}>{new Date(row.time).toLocaleTimeString()}</time>
          <span>{row.text}</span>
        </li>
      ))}
    </ol>
  );
}

type Row = { key: string; time: number; text: string };

function describe(history: readonly GoalHistoryEntry[]): Row[] {
  const rows: Row[] = [];
  let charged = { tokens: 0, steps: 0, since: 0 };
  const flushCharges = () => {
    if (charged.steps === 0) return;
    rows.push({
      key: `charges-${charged.since}-${rows.length}`,
      time: charged.since,
      text: `charged ${formatTokens(charged.tokens)} tokens over ${charged.steps} step${charged.steps === 1 ? "" : "s"}`,
    });
    charged = { tokens: 0, steps: 0, since: 0 };
  };
  history.forEach((entry, index) => {
    const key = `${entry.kind}-${entry.time}-${index}`;
    if (entry.kind === "charged") {
      if (entry.charge.tokens === 0) return;
      if (charged.steps === 0) charged.since = entry.time;
      charged.tokens += entry.charge.tokens;
      charged.steps += 1;
      return;
    }
    flushCharges();
    switch (entry.kind) {
      case "created":
        rows.push({ key, time: entry.time, text: `created by ${entry.actor}: ${entry.objective}` });
        return;
      case "status":
        rows.push({
          key,
          time: entry.time,
          text: `${STATUS_WORDS[entry.to] ?? entry.to} (by ${entry.actor})${entry.reason ? `: ${entry.reason}` : ""}`,
        });
        return;
      case "edited":
        rows.push({ key, time: entry.time, text: `edited by ${entry.actor}` });
        return;
      case "continued":
        rows.push({ key, time: entry.time, text: `continued: turn ${entry.turn}` });
        return;
      case "cleared":
        rows.push({ key, time: entry.time, text: `cleared by ${entry.actor}` });
        return;
      case "wait_checked":
        rows.push({
          key,
          time: entry.time,
          text: `checked ${entry.command} (exit ${entry.exitCode ?? "none"}): ${entry.woke ? "woke the goal" : "no change"}`,
        });
        return;
      case "verified":
        rows.push({
          key,
          time: entry.time,
          text: `${entry.criterion !== undefined ? `criterion ${entry.criterion} check` : "verify"} ${entry.passed ? "passed" : "failed"} (exit ${entry.exitCode ?? "none"}): ${entry.command}`,
        });
        return;
      case "webhook_attempted":
        rows.push({
          key,
          time: entry.time,
          text: `webhook ${entry.event} ${entry.delivered ? "delivered" : `failed (${entry.error ?? entry.status ?? "no answer"})`} to ${entry.url}`,
        });
        return;
      case "criterion_closed":
        rows.push({ key, time: entry.time, text: `criterion ${entry.criterion} closed: ${entry.evidence}` });
        return;
    }
  });
  flushCharges();
  return rows;
}
