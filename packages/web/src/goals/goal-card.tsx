import type { Goal } from "@pursuit/sdk";
import { formatAgo, formatDuration } from "../format/format.js";
import { goalWhy } from "./goal-why.js";
import { LimitBars } from "./limit-bars.js";
import { StatusLabel } from "./status-label.js";
import "./goal-card.css";

/** One goal in the overview: objective, status with its reason or evidence, a bar per limit, busy time. */
export function GoalCard({ goal }: { goal: Goal }) {
  const why = goalWhy(goal);
  return (
    <article className="goal-card" aria-labelledby={`goal-${goal.id}`}>
      <header className="goal-card-header">
        <StatusLabel status={goal.status} />
        <a id={`goal-${goal.id}`} className="goal-card-objective" href={`#/session/${goal.sessionID}`}>
          {goal.objective}
        </a>
      </header>
      {why ? <p className="goal-card-why">{why}</p> : null}
      <LimitBars goal={goal} />
      <footer className="goal-card-footer">
        <span>busy {formatDuration(goal.usage.seconds)}</span>
        {goal.criteria?.length ? (
          <span>{`criteria ${goal.criteria.filter((criterion) => criterion.closed).length} of ${goal.criteria.length} closed`}</span>
        ) : null}
        <span>
          last activity <time dateTime={new Date(goal.time.updated).toISOString()}>{formatAgo(goal.time.updated)}</time>
        </span>
      </footer>
    </article>
  );
}
