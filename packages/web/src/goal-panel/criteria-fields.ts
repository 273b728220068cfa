import type { FieldErrors } from "./limit-fields.js";

/** One row of the criteria editor: a sentence and, optionally, the command that checks it. */
export type CriterionRow = { text: string; check: string };

export const emptyCriterionRow = (): CriterionRow => ({ text: "", check: "" });

/**
 * The criteria typed into a form, as the API takes them: blank rows are skipped; a check without its sentence is
 * an error under `criteria.<row>.text` (the API names the same fields).
 */
export function parseCriterionRows(rows: readonly CriterionRow[]): {
  criteria: { text: string; check?: string }[];
  errors: FieldErrors;
} {
  const criteria: { text: string; check?: string }[] = [];
  const errors: FieldErrors = {};
  rows.forEach((row, index) => {
    const text = row.text.trim();
    const check = row.check.trim();
    if (text === "" && check === "") return;
    if (text === "") {
      errors[`criteria.${index}.text`] = "Say what the check shows, in a sentence.";
      return;
    }
    criteria.push(check ? { text, check } : { text });
  });
  return { criteria, errors };
}

/** Whether the parsed criteria say what the goal's say (so an edit leaves them alone). */
export function sameCriteria(
  a: readonly { text: string; check?: string }[],
  b: readonly { text: string; check?: string }[],
): boolean {
  return a.length === b.length && a.every((one, index) => one.text === b[index]?.text && one.check === b[index]?.check);
}
