import { FieldError } from "./field-error.js";
import { type FieldErrors, LIMIT_FIELDS, type LimitTexts } from "./limit-fields.js";

/** One text input per limit, in the CLI's amount syntax, each with its own error beside it. */
export function LimitInputs({
  idPrefix,
  texts,
  onChange,
  errors,
}: {
  idPrefix: string;
  texts: LimitTexts;
  onChange: (texts: LimitTexts) => void;
  errors: FieldErrors;
}) {
  return (
    <fieldset className="limit-inputs">
      <legend>Limits (empty: none)</legend>
      {LIMIT_FIELDS.map(({ name, label, placeholder }) => {
        const id = `${idPrefix}-${name}`;
        const error = errors[`limits.${name}`];
        return (
          <div key={name} className="limit-input">
            <label htmlFor={id}>{label}</label>
            <input
              id={id}
              inputMode="text"
              placeholder={placeholder}
              value={texts[name] ?? ""}
              onChange={(event) => onChange({ ...texts, [name]: event.target.value })}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            <FieldError id={`${id}-error`} message={error} />
          </div>
        );
      })}
    </fieldset>
  );
}
