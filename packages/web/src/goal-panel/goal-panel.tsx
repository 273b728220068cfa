import { CriteriaChecklist } from "../criteria/criteria-checklist.js";
import { goalWhy } from "../goals/goal-why.js";
import { LimitBars } from "../goals/limit-bars.js";
import { StatusLabel } from "../goals/status-label.js";
import { GoalHistory } from "../history/goal-history.js";
import { GoalQueuePanel } from "../queue/goal-queue-panel.js";
import { WaitNotice } from "../wait/wait-notice.js";
import { EditGoalForm } from "./edit-goal-form.js";
import { GoalActions } from "./goal-actions.js";
import { SetGoalForm } from "./set-goal-form.js";
import { useGoal } from "./use-goal.js";
import { useGoalPatch } from "./use-goal-patch.js";
import "./goal-panel.css";

/** Beside the transcript: the goal, why it stopped, its limits, and what a person can do about it. */
export function GoalPanel({ sessionID }: { sessionID: string }) {
  const goal = useGoal(sessionID);
  const patcher = useGoalPatch(sessionID);
  if (goal.isPending) return <aside className="goal-panel">Loading the goal…</aside>;
  if (goal.error)
    return (
      <aside className="goal-panel" role="alert">
        Could not load the goal: {goal.error.message}
      </aside>
    );
  if (!goal.data) {
    return (
      <aside className="goal-panel" aria-label="Goal">
        <SetGoalForm sessionID={sessionID} />
      </aside>
    );
  }
  const current = goal.data;
  // A waiting goal's reason is in its wait notice, with the countdown.
  const why = current.wait ? undefined : goalWhy(current);
  return (
    <aside className="goal-panel" aria-labelledby="goal-panel-title">
      <h2 id="goal-panel-title">Goal</h2>
      <p className="goal-panel-status" role="status">
        <StatusLabel status={current.status} />
        {why ? <span className="goal-panel-why">{why}</span> : null}
      </p>
      <p className="goal-panel-objective">{current.objective}</p>
      {current.wait ? (
        <WaitNotice
          wait={current.wait}
          pending={patcher.pending}
          onWake={() => void patcher.patch({ status: "active" })}
        />
      ) : null}
      <LimitBars goal={current} />
      <CriteriaChecklist criteria={current.criteria ?? []} />
      <GoalActions goal={current} patcher={patcher} />
      {current.status !== "complete" ? (
        <details className="goal-panel-edit" open={current.status === "budget_limited"}>
          <summary>
            {current.status === "budget_limited" ? "Raise a limit and resume" : "Edit objective, limits or criteria"}
          </summary>
          <EditGoalForm key={current.time.updated} goal={current} patcher={patcher} />
        </details>
      ) : null}
      <GoalQueuePanel sessionID={sessionID} goalID={current.id} />
      <GoalHistory sessionID={sessionID} goal={current} />
    </aside>
  );
}
