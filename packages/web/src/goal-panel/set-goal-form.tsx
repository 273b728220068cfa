import { goalCreate } from "@pursuit/sdk";
import { type FormEvent, useState } from "react";
import { useApi } from "../api/api-context.js";
import { ApiRequestError, unwrap } from "../api/api-error.js";
import { type CriterionRow, parseCriterionRows } from "./criteria-fields.js";
import { CriteriaInputs } from "./criteria-inputs.js";
import { FieldError } from "./field-error.js";
import { type FieldErrors, type LimitTexts, parseLimitTexts } from "./limit-fields.js";
import { LimitInputs } from "./limit-inputs.js";
import { TextField } from "./text-field.js";
import { initialWaitTexts, parseWaitTexts, WaitSettings } from "./wait-settings.js";

/** Sets the session's goal: objective, limits in the CLI's syntax, an optional verify command, how it waits. */
export function SetGoalForm({ sessionID }: { sessionID: string }) {
  const { client } = useApi();
  const [objective, setObjective] = useState("");
  const [verify, setVerify] = useState("");
  const [limitTexts, setLimitTexts] = useState<LimitTexts>({});
  const [waitTexts, setWaitTexts] = useState(initialWaitTexts);
  const [criterionRows, setCriterionRows] = useState<CriterionRow[]>([]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const { limits, errors: limitErrors } = parseLimitTexts(limitTexts, false);
    const waits = parseWaitTexts(waitTexts);
    const { criteria, errors: criteriaErrors } = parseCriterionRows(criterionRows);
    const found: FieldErrors = { ...limitErrors, ...waits.errors, ...criteriaErrors };
    if (objective.trim() === "") found.objective = "Write what the goal should achieve.";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await unwrap(
        goalCreate({
          client,
          path: { id: sessionID },
          body: {
            objective,
            ...(Object.keys(limits).length > 0 ? { limits: limits as Record<string, number> } : {}),
            ...(verify.trim() ? { verify } : {}),
            ...(criteria.length > 0 ? { criteria } : {}),
            ...waits.body,
          },
        }) as never,
      );
    } catch (cause) {
      const detail = cause instanceof ApiRequestError ? cause.detail : undefined;
      setErrors({ [detail?.field ?? "form"]: (cause as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="goal-form" onSubmit={submit} noValidate aria-labelledby="set-goal-title">
      <h2 id="set-goal-title">Set a goal</h2>
      <TextField
        id="goal-objective"
        label="Objective"
        multiline
        value={objective}
        onChange={setObjective}
        error={errors.objective}
      />
      <LimitInputs idPrefix="new-limit" texts={limitTexts} onChange={setLimitTexts} errors={errors} />
      <TextField
        id="goal-verify"
        label="Verify command (optional)"
        placeholder="e.g. npm test"
        value={verify}
        onChange={setVerify}
        error={errors.verify}
      />
      <CriteriaInputs idPrefix="new-criterion" rows={criterionRows} onChange={setCriterionRows} errors={errors} />
      <WaitSettings texts={waitTexts} onChange={setWaitTexts} errors={errors} />
      <FieldError id="goal-form-error" message={errors.form ?? errors.limits} />
      <button type="submit" disabled={busy}>
        {busy ? "Setting…" : "Start goal"}
      </button>
    </form>
  );
}
