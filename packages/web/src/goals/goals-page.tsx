import type { GoalStatus } from "@pursuit/sdk";
import { useState } from "react";
import { SpendCeilings } from "../spend/spend-ceilings.js";
import { GoalList } from "./goal-list.js";
import { NewSessionButton } from "./new-session-button.js";
import { useGoals } from "./use-goals.js";
import "./goals-page.css";

const FILTERS: { value: GoalStatus | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "waiting", label: "Waiting" },
  { value: "paused", label: "Paused" },
  { value: "blocked", label: "Blocked" },
  { value: "budget_limited", label: "Limit reached" },
  { value: "complete", label: "Complete" },
];

/** Every goal at a glance, live. `sessions`: the server runs sessions itself (not a goals-only server). */
export function GoalsPage({ sessions }: { sessions: boolean }) {
  const [status, setStatus] = useState<GoalStatus | "all">("all");
  const goals = useGoals(status);
  return (
    <section className="goals-page" aria-labelledby="goals-title">
      <div className="goals-toolbar">
        <h1 id="goals-title">Goals</h1>
        {sessions ? <NewSessionButton /> : null}
        <label>
          Status{" "}
          <select value={status} onChange={(event) => setStatus(event.target.value as GoalStatus | "all")}>
            {FILTERS.map((filter) => (
              <option key={filter.value} value={filter.value}>
                {filter.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <SpendCeilings />
      {goals.isPending ? <p>Loading goals…</p> : null}
      {goals.error ? <p role="alert">Could not load the goals: {goals.error.message}</p> : null}
      {goals.data?.length === 0 ? (
        <p className="goals-empty">No goals{status === "all" ? " yet" : " with this status"}.</p>
      ) : null}
      {goals.data && goals.data.length > 0 ? <GoalList goals={goals.data} /> : null}
    </section>
  );
}
