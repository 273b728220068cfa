import { type LimitName, parseCost, parseCount, parseDuration, parseTokens } from "@pursuit/core";

/** The limit inputs, written as on the command line: `200k` tokens, `30m`, `$2.50`, a number of turns. */
export const LIMIT_FIELDS: { name: LimitName; label: string; placeholder: string }[] = [
  { name: "tokens", label: "Tokens", placeholder: "e.g. 200k" },
  { name: "turns", label: "Turns", placeholder: "e.g. 20" },
  { name: "seconds", label: "Time", placeholder: "e.g. 30m" },
  { name: "costUSD", label: "Cost", placeholder: "e.g. $2.50" },
];

export type LimitTexts = Partial<Record<LimitName, string>>;
export type FieldErrors = Partial<Record<string, string>>;

const PARSERS: Record<LimitName, (text: string, flag: string) => ReturnType<typeof parseTokens>> = {
  tokens: parseTokens,
  turns: parseCount,
  seconds: parseDuration,
  costUSD: parseCost,
};

/**
 * The limits typed into a form, parsed by the CLI's own rules. An empty field is `null` when `emptyRemoves`
 * (an edit: remove that limit), else left out; each problem is reported under `limits.<name>`.
 */
export function parseLimitTexts(
  texts: LimitTexts,
  emptyRemoves: boolean,
): { limits: Partial<Record<LimitName, number | null>>; errors: FieldErrors } {
  const limits: Partial<Record<LimitName, number | null>> = {};
  const errors: FieldErrors = {};
  for (const { name, label } of LIMIT_FIELDS) {
    const text = texts[name]?.trim() ?? "";
    if (text === "") {
      if (emptyRemoves) limits[name] = null;
      continue;
    }
    const parsed = PARSERS[name](text, label);
    if (parsed.ok) limits[name] = parsed.value;
    else errors[`limits.${name}`] = parsed.error.message;
  }
  return { limits, errors };
}
