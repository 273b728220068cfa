import type { Goal, LimitName } from "@pursuit/sdk";
import { type FormEvent, useState } from "react";
import { formatDuration } from "../format/format.js";
import { type CriterionRow, parseCriterionRows, sameCriteria } from "./criteria-fields.js";
import { CriteriaInputs } from "./criteria-inputs.js";
import { FieldError } from "./field-error.js";
import { type FieldErrors, type LimitTexts, parseLimitTexts } from "./limit-fields.js";
import { LimitInputs } from "./limit-inputs.js";
import { TextField } from "./text-field.js";
import type { useGoalPatch } from "./use-goal-patch.js";

function textsOf(goal: Goal): LimitTexts {
  const { tokens, turns, seconds, costUSD } = goal.limits;
  return {
    ...(tokens !== undefined ? { tokens: String(tokens) } : {}),
    ...(turns !== undefined ? { turns: String(turns) } : {}),
    ...(seconds !== undefined ? { seconds: formatDuration(seconds).replaceAll(" ", "") } : {}),
    ...(costUSD !== undefined ? { costUSD: `$${costUSD}` } : {}),
  };
}

/** The goal's criteria as editor rows (closures aside: the server keeps those of unchanged criteria). */
function rowsOf(goal: Goal): CriterionRow[] {
  return (goal.criteria ?? []).map((criterion) => ({ text: criterion.text, check: criterion.check ?? "" }));
}

/**
 * Edits the objective, the limits (raise, lower, or empty to remove) and the acceptance criteria. On a goal stopped
 * at a limit, the button raises and resumes in one change.
 */
export function EditGoalForm({ goal, patcher }: { goal: Goal; patcher: ReturnType<typeof useGoalPatch> }) {
  const [objective, setObjective] = useState(goal.objective);
  const [limitTexts, setLimitTexts] = useState<LimitTexts>(() => textsOf(goal));
  const [criterionRows, setCriterionRows] = useState<CriterionRow[]>(() => rowsOf(goal));
  const [errors, setErrors] = useState<FieldErrors>({});
  const limited = goal.status === "budget_limited";

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { limits, errors: limitErrors } = parseLimitTexts(limitTexts, true);
    const { criteria, errors: criteriaErrors } = parseCriterionRows(criterionRows);
    const found: FieldErrors = { ...limitErrors, ...criteriaErrors };
    if (objective.trim() === "") found.objective = "The objective cannot be empty.";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const changed = Object.fromEntries(
      Object.entries(limits).filter(([name, value]) => (goal.limits[name as LimitName] ?? null) !== value),
    );
    await patcher.patch({
      ...(objective !== goal.objective ? { objective } : {}),
      ...(Object.keys(changed).length > 0 ? { limits: changed } : {}),
      ...(sameCriteria(criteria, goal.criteria ?? []) ? {} : { criteria: criteria.length > 0 ? criteria : null }),
      ...(limited ? { status: "active" as const } : {}),
    });
  }

  const apiError = patcher.error?.field ? { [patcher.error.field]: patcher.error.message } : {};
  const shown = { ...apiError, ...errors };
  return (
    <form className="goal-form" onSubmit={submit} noValidate aria-label="Edit the goal">
      <TextField
        id="edit-objective"
        label="Objective"
        multiline
        value={objective}
        onChange={setObjective}
        error={shown.objective}
      />
      <LimitInputs idPrefix="edit-limit" texts={limitTexts} onChange={setLimitTexts} errors={shown} />
      <CriteriaInputs idPrefix="edit-criterion" rows={criterionRows} onChange={setCriterionRows} errors={shown} />
      <FieldError id="edit-form-error" message={shown.limits} />
      <button type="submit" disabled={patcher.pending}>
        {limited ? "Raise and resume" : "Save changes"}
      </button>
    </form>
  );
}
