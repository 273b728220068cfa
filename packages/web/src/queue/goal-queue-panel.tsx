import type { QueuedGoal } from "@pursuit/sdk";
import { type FormEvent, useState } from "react";
import { FieldError } from "../goal-panel/field-error.js";
import { useGoalQueue } from "./use-goal-queue.js";
import "./goal-queue-panel.css";

/** The goals after this one: each starts when the one before it completes. Reordered, dropped and added here. */
export function GoalQueuePanel({ sessionID, goalID }: { sessionID: string; goalID: string }) {
  const { queue, pending, error, add, order, drop } = useGoalQueue(sessionID, goalID);
  const [objective, setObjective] = useState("");
  const [blank, setBlank] = useState(false);
  const items = queue.data ?? [];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBlank(objective.trim() === "");
    if (objective.trim() === "") return;
    if (await add(objective)) setObjective("");
  }

  const move = (from: number, to: number) => {
    const ids = items.map((item) => item.id);
    const [moved] = ids.splice(from, 1);
    if (moved === undefined) return;
    ids.splice(to, 0, moved);
    void order(ids);
  };

  return (
    <section className="goal-queue" aria-labelledby="goal-queue-title">
      <h3 id="goal-queue-title">
        Next goals{" "}
        <span className="goal-queue-count">{items.length === 0 ? "none queued" : `${items.length} queued`}</span>
      </h3>
      {items.length > 0 ? (
        <ol>
          {items.map((item: QueuedGoal, index) => (
            <li key={item.id}>
              <span className="goal-queue-objective">{item.input.objective}</span>
              <span className="goal-queue-buttons">
                <button type="button" disabled={pending || index === 0} onClick={() => move(index, index - 1)}>
                  <span aria-hidden="true">↑</span>
                  <span className="visually-hidden">{`Move "${item.input.objective}" up`}</span>
                </button>
                <button
                  type="button"
                  disabled={pending || index === items.length - 1}
                  onClick={() => move(index, index + 1)}
                >
                  <span aria-hidden="true">↓</span>
                  <span className="visually-hidden">{`Move "${item.input.objective}" down`}</span>
                </button>
                <button type="button" disabled={pending} onClick={() => void drop(item.id)}>
                  <span aria-hidden="true">✕</span>
                  <span className="visually-hidden">{`Drop "${item.input.objective}"`}</span>
                </button>
              </span>
            </li>
          ))}
        </ol>
      ) : null}
      <form className="goal-queue-form" onSubmit={submit} noValidate aria-label="Queue a goal">
        <label htmlFor="queue-objective">Queue a goal (starts when this one completes)</label>
        <input
          id="queue-objective"
          value={objective}
          onChange={(event) => setObjective(event.target.value)}
          aria-invalid={blank || error ? true : undefined}
          aria-describedby={blank || error ? "queue-objective-error" : undefined}
        />
        <FieldError
          id="queue-objective-error"
          message={blank ? "Write what the queued goal should achieve." : error?.message}
        />
        <button type="submit" disabled={pending}>
          Add to queue
        </button>
      </form>
    </section>
  );
}
