import type { Goal } from "@pursuit/sdk";
import { useState } from "react";
import { FieldError } from "./field-error.js";
import type { useGoalPatch } from "./use-goal-patch.js";

/** Only the actions valid for the goal's status; clearing asks first. */
export function GoalActions({ goal, patcher }: { goal: Goal; patcher: ReturnType<typeof useGoalPatch> }) {
  const [confirmClear, setConfirmClear] = useState(false);
  const { patch, clear, pending } = patcher;
  return (
    <div className="goal-actions">
      {goal.status === "active" || goal.status === "waiting" ? (
        <button
          type="button"
          disabled={pending}
          onClick={() => patch({ status: "paused", reason: "paused from the web app" })}
        >
          Pause
        </button>
      ) : null}
      {goal.status === "paused" || goal.status === "blocked" ? (
        <button type="button" disabled={pending} onClick={() => patch({ status: "active" })}>
          Resume
        </button>
      ) : null}
      {confirmClear ? (
        <fieldset className="goal-confirm">
          <legend>Clear this goal? Its history stays.</legend>
          <button type="button" className="danger" disabled={pending} onClick={() => clear()}>
            Yes, clear
          </button>
          <button type="button" onClick={() => setConfirmClear(false)}>
            Keep it
          </button>
        </fieldset>
      ) : (
        <button type="button" disabled={pending} onClick={() => setConfirmClear(true)}>
          Clear…
        </button>
      )}
      <FieldError
        id="goal-action-error"
        message={patcher.error && !patcher.error.field ? patcher.error.message : undefined}
      />
    </div>
  );
}
