import type { Criterion } from "@pursuit/core";

/**
 * The checklist under a `criteria: 1 of 2 closed` line (`label` lets a caller align it with its other labels):
 * `[x] 1. tests pass (check: npm test) — evidence` for closed ones, `[ ]` for open ones.
 */
export function criteriaLines(criteria: readonly Criterion[], label = "criteria: "): string[] {
  const indent = "  ";
  const closed = criteria.filter((criterion) => criterion.closed).length;
  return [
    `${indent}${label}${closed} of ${criteria.length} closed`,
    ...criteria.map(
      (criterion) =>
        `${indent}  [${criterion.closed ? "x" : " "}] ${criterion.id}. ${criterion.text}` +
        (criterion.check ? ` (check: ${criterion.check})` : "") +
        (criterion.closed ? ` — ${criterion.closed.evidence}` : ""),
    ),
  ];
}
