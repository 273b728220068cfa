import type { Dispatch, SetStateAction } from "react";
import { type CriterionRow, emptyCriterionRow } from "./criteria-fields.js";
import { FieldError } from "./field-error.js";
import type { FieldErrors } from "./limit-fields.js";

const MAX_CRITERIA = 20;

/**
 * The acceptance criteria editor: one row per criterion (a sentence, and an optional command that must pass for it
 * to close), rows added and removed by buttons. Errors are shown under the row they name.
 */
export function CriteriaInputs({
  idPrefix,
  rows,
  onChange,
  errors,
}: {
  idPrefix: string;
  rows: CriterionRow[];
  /** Given updates of the rows as they are then (two quick clicks must not both start from the same rows). */
  onChange: Dispatch<SetStateAction<CriterionRow[]>>;
  errors: FieldErrors;
}) {
  const set = (index: number, patch: Partial<CriterionRow>) =>
    onChange((current) => current.map((old, at) => (at === index ? { ...old, ...patch } : old)));
  return (
    <fieldset className="criteria-inputs">
      <legend>Acceptance criteria (optional)</legend>
      {rows.map((row, index) => {
        const id = `${idPrefix}-${index}`;
        const error = errors[`criteria.${index}.text`] ?? errors[`criteria.${index}`];
        const checkError = errors[`criteria.${index}.check`];
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place in the list
          <div className="criterion-row" key={index}>
            <label htmlFor={`${id}-text`}>{`Criterion ${index + 1}`}</label>
            <input
              id={`${id}-text`}
              value={row.text}
              placeholder="e.g. the tests pass"
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-text-error` : undefined}
              onChange={(event) => set(index, { text: event.target.value })}
            />
            <FieldError id={`${id}-text-error`} message={error} />
            <label htmlFor={`${id}-check`}>{`Check for criterion ${index + 1} (optional)`}</label>
            <input
              id={`${id}-check`}
              value={row.check}
              placeholder="e.g. npm test"
              aria-invalid={checkError ? true : undefined}
              aria-describedby={checkError ? `${id}-check-error` : undefined}
              onChange={(event) => set(index, { check: event.target.value })}
            />
            <FieldError id={`${id}-check-error`} message={checkError} />
            <button type="button" onClick={() => onChange((current) => current.filter((_, at) => at !== index))}>
              {`Remove criterion ${index + 1}`}
            </button>
          </div>
        );
      })}
      <FieldError id={`${idPrefix}-error`} message={errors.criteria} />
      {rows.length < MAX_CRITERIA ? (
        <button type="button" onClick={() => onChange((current) => [...current, emptyCriterionRow()])}>
          Add a criterion
        </button>
      ) : null}
    </fieldset>
  );
}
