import type { Goal } from "@pursuit/sdk";
import { formatAgo } from "../format/format.js";
import "./criteria-checklist.css";

type Criterion = NonNullable<Goal["criteria"]>[number];

/**
 * What "done" means, piece by piece: each acceptance criterion open or closed, its check command, and the
 * evidence the model gave when it closed it.
 */
export function CriteriaChecklist({ criteria }: { criteria: readonly Criterion[] }) {
  if (criteria.length === 0) return null;
  const closed = criteria.filter((criterion) => criterion.closed).length;
  return (
    <section className="criteria-checklist" aria-labelledby="criteria-title">
      <h3 id="criteria-title">
        Criteria <span className="criteria-count">{`${closed} of ${criteria.length} closed`}</span>
      </h3>
      <ol>
        {criteria.map((criterion) => (
          <li key={criterion.id} className={criterion.closed ? "criterion closed" : "criterion open"}>
            <span className="criterion-mark" aria-hidden="true">
              {criterion.closed ? "✓" : "○"}
            </span>
            <span className="criterion-text">
              <span className="visually-hidden">{criterion.closed ? "Closed: " : "Open: "}</span>
              {criterion.text}
              {criterion.check ? (
                <>
                  {" "}
                  <code title="must pass to close it">{criterion.check}</code>
                </>
              ) : null}
              {criterion.closed ? (
                <span className="criterion-evidence">
                  {`closed ${formatAgo(criterion.closed.at)}: ${criterion.closed.evidence}`}
                </span>
              ) : null}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
