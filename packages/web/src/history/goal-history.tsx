import type { Goal } from "@pursuit/sdk";
import { HistoryTimeline } from "./history-timeline.js";
import { SpendChart } from "./spend-chart.js";
import { useGoalHistory } from "./use-goal-history.js";

/** History and spend of the session's goal: the chart of charges, then the timeline. */
export function GoalHistory({ sessionID, goal }: { sessionID: string; goal: Goal }) {
  const history = useGoalHistory(sessionID);
  if (history.isPending) return <p>Loading the history…</p>;
  if (history.error) return <p role="alert">Could not load the history: {history.error.message}</p>;
  return (
    <section className="goal-history" aria-labelledby="goal-history-title">
      <h2 id="goal-history-title">History and spend</h2>
      <SpendChart goal={goal} history={history.data} />
      <HistoryTimeline history={history.data} />
    </section>
  );
}
