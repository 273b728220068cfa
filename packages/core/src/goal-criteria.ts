import type { Criterion, CriterionInput, Goal } from "./goal.js";
import { err, ok, type Result } from "./result.js";
import { type InvalidInput, validateVerify } from "./validation.js";

export const MAX_CRITERIA = 20;
export const MAX_CRITERION_LENGTH = 500;

const invalid = (field: string, message: string): { ok: false; error: InvalidInput } =>
  err({ code: "invalid", field, message });

/**
 * A person's acceptance criteria, from input not yet checked: a list of at most 20, each a sentence (a string,
 * or `{text, check?}` where `check` is a shell command that must pass for the criterion to close).
 */
export function validateCriteria(value: unknown, field = "criteria"): Result<CriterionInput[], InvalidInput> {
  if (!Array.isArray(value)) return invalid(field, `${field} must be a list of criteria`);
  if (value.length > MAX_CRITERIA)
    return invalid(field, `${field} has ${value.length} entries; the maximum is ${MAX_CRITERIA}`);
  const criteria: CriterionInput[] = [];
  for (const [index, raw] of value.entries()) {
    const at = `${field}.${index}`;
    const entry = typeof raw === "string" ? { text: raw } : raw;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      return invalid(at, `${at} must be a sentence or an object {text, check?}`);
    const unknown = Object.keys(entry).find((key) => key !== "text" && key !== "check");
    if (unknown !== undefined)
      return invalid(`${at}.${unknown}`, `${at} has an unknown key "${unknown}"; use text, check`);
    const { text: rawText, check: rawCheck } = entry as { text?: unknown; check?: unknown };
    if (typeof rawText !== "string") return invalid(`${at}.text`, `${at}.text must be a string`);
    const text = rawText.trim();
    if (text.length === 0) return invalid(`${at}.text`, `${at}.text must not be empty`);
    if (text.length > MAX_CRITERION_LENGTH)
      return invalid(`${at}.text`, `${at}.text is ${text.length} characters; the maximum is ${MAX_CRITERION_LENGTH}`);
    if (criteria.some((other) => other.text === text))
      return invalid(`${at}.text`, `${at} repeats an earlier criterion: "${text}"`);
    const criterion: CriterionInput = { text };
    if (rawCheck !== undefined && rawCheck !== null) {
      const check = validateVerify(rawCheck, `${at}.check`);
      if (!check.ok) return check;
      criterion.check = check.value;
    }
    criteria.push(criterion);
  }
  return ok(criteria);
}

/**
 * Numbers criteria from 1 in the order given. A criterion that was already on the goal with the same text and
 * check keeps its closure: editing the list does not reopen what was shown done.
 */
export function numberCriteria(inputs: readonly CriterionInput[], previous: readonly Criterion[] = []): Criterion[] {
  return inputs.map((input, index) => {
    const kept = previous.find((old) => old.text === input.text && old.check === input.check)?.closed;
    return { id: index + 1, ...input, ...(kept ? { closed: kept } : {}) };
  });
}

/** Whether two lists say the same (ids, texts, checks), closures aside. */
export function sameCriteria(a: readonly CriterionInput[], b: readonly CriterionInput[]): boolean {
  return a.length === b.length && a.every((one, index) => one.text === b[index]?.text && one.check === b[index]?.check);
}

/** The goal's criteria still to close. */
export function openCriteria(goal: Pick<Goal, "criteria">): Criterion[] {
  return (goal.criteria ?? []).filter((criterion) => criterion.closed === undefined);
}

/** `2 ("tests pass"), 3 ("docs updated")`: open criteria named for a refusal. */
export function nameCriteria(criteria: readonly Criterion[], chars = 60): string {
  return criteria.map((criterion) => `${criterion.id} ("${clip(criterion.text, chars)}")`).join(", ");
}

const clip = (text: string, chars: number): string =>
  text.length > chars ? `${text.slice(0, Math.max(0, chars - 1))}…` : text;
