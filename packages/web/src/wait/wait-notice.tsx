import type { Goal } from "@pursuit/sdk";
import { formatDuration } from "../format/format.js";
import { useNow } from "./use-now.js";
import "./wait-notice.css";

type GoalWait = NonNullable<Goal["wait"]>;

const KIND_WORDS: Record<GoalWait["kind"], string> = {
  check: "Waiting on a check",
  time: "Waiting until a time",
  quota: "Waiting for the provider's quota to reset",
  person: "Needs input",
};

/**
 * What a waiting goal waits for, counting down to its next check and to the time it wakes by itself, with
 * "Wake now": no model call is made until then.
 */
export function WaitNotice({ wait, onWake, pending }: { wait: GoalWait; onWake: () => void; pending: boolean }) {
  const now = useNow();
  const inTime = (at: number) => formatDuration(Math.max(0, at - now) / 1000);
  return (
    <section className="wait-notice" aria-label="Waiting">
      <p className="wait-notice-title">
        <strong>{KIND_WORDS[wait.kind]}</strong> <span className="wait-notice-by">(asked by the {wait.by})</span>
      </p>
      <p className="wait-notice-reason">{wait.reason}</p>
      {wait.check ? (
        <p>
          Checks <code>{wait.check.command}</code> again in{" "}
          <span data-testid="wait-next-check">{inTime(wait.check.nextAt)}</span> ({wait.check.runs} run
          {wait.check.runs === 1 ? "" : "s"} so far; no model call)
        </p>
      ) : null}
      {wait.wakeAt !== undefined ? (
        <p>
          Wakes by itself in <span data-testid="wait-countdown">{inTime(wait.wakeAt)}</span>
        </p>
      ) : (
        <p>Continues when a person answers in the session.</p>
      )}
      <button type="button" disabled={pending} onClick={onWake}>
        Wake now
      </button>
    </section>
  );
}
