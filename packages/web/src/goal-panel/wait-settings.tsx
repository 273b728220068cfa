import { parseDuration } from "@pursuit/core";
import type { FieldErrors } from "./limit-fields.js";
import { TextField } from "./text-field.js";

/** How a new goal waits: the longest wait (CLI syntax, e.g. 2h) and whether it waits out a usage quota. */
export type WaitTexts = { maxWait: string; waitForQuota: boolean };

export const initialWaitTexts = (): WaitTexts => ({ maxWait: "", waitForQuota: true });

/** The API fields for the form's wait settings (only what differs from the defaults), or the field's error. */
export function parseWaitTexts(texts: WaitTexts): {
  body: { maxWaitSeconds?: number; waitForQuota?: false };
  errors: FieldErrors;
} {
  const body: { maxWaitSeconds?: number; waitForQuota?: false } = {};
  if (!texts.waitForQuota) body.waitForQuota = false;
  const text = texts.maxWait.trim();
  if (text === "") return { body, errors: {} };
  const parsed = parseDuration(text, "Longest wait");
  if (!parsed.ok) return { body, errors: { maxWaitSeconds: parsed.error.message } };
  return { body: { ...body, maxWaitSeconds: parsed.value }, errors: {} };
}

export function WaitSettings({
  texts,
  onChange,
  errors,
}: {
  texts: WaitTexts;
  onChange: (texts: WaitTexts) => void;
  errors: FieldErrors;
}) {
  return (
    <fieldset className="wait-settings">
      <legend>Waiting</legend>
      <TextField
        id="goal-max-wait"
        label="Longest wait (optional)"
        placeholder="default 30m"
        value={texts.maxWait}
        onChange={(maxWait) => onChange({ ...texts, maxWait })}
        error={errors.maxWaitSeconds}
      />
      <label className="wait-settings-quota">
        <input
          type="checkbox"
          checked={texts.waitForQuota}
          onChange={(event) => onChange({ ...texts, waitForQuota: event.target.checked })}
        />
        Wait for a usage quota to reset (else the goal is blocked)
      </label>
    </fieldset>
  );
}
