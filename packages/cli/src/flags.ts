import { type ParseArgsConfig, parseArgs } from "node:util";
import {
  type AmountError,
  err,
  ok,
  parseCost,
  parseCount,
  parseDuration,
  parseTokens,
  type Result,
} from "@pursuit/core";

type Options = NonNullable<ParseArgsConfig["options"]>;
export type ParsedFlags = {
  values: Record<string, string | string[] | boolean | undefined>;
  positionals: string[];
  /** Options in the order given, for flags that pair up (`--criterion A --criterion-check CMD`). */
  options: { name: string; value: string | undefined }[];
};

/** node:util parseArgs, with its errors turned into one line that names the flag. */
export function parseFlags(args: string[], options: Options, allowPositionals = false): Result<ParsedFlags, string> {
  try {
    const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals, strict: true, tokens: true });
    const ordered = tokens.flatMap((token) =>
      token.kind === "option" ? [{ name: token.name, value: token.value }] : [],
    );
    return ok({ values: values as ParsedFlags["values"], positionals, options: ordered });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument starting with.*$/s, "");
    return err(message);
  }
}

export const LIMIT_FLAGS = {
  tokens: { type: "string" },
  turns: { type: "string" },
  time: { type: "string" },
  cost: { type: "string" },
} as const satisfies Options;

export type LimitsInput = {
  tokens?: number | null;
  turns?: number | null;
  seconds?: number | null;
  costUSD?: number | null;
};

/**
 * `--tokens 200k --turns 20 --time 30m --cost 2.50` as goal limits. With `allowRemoval`, "none" removes a
 * limit (null), as `pursuit goal limit` needs.
 */
export function limitsFromFlags(
  values: ParsedFlags["values"],
  allowRemoval = false,
): Result<LimitsInput | undefined, string> {
  const limits: LimitsInput = {};
  const readers = [
    ["tokens", "tokens", parseTokens],
    ["turns", "turns", parseCount],
    ["time", "seconds", parseDuration],
    ["cost", "costUSD", parseCost],
  ] as const;
  for (const [flag, limit, read] of readers) {
    const text = values[flag];
    if (typeof text !== "string") continue;
    if (allowRemoval && /^(none|off|unlimited)$/i.test(text.trim())) {
      limits[limit] = null;
      continue;
    }
    const parsed = read(text, `--${flag}`);
    if (!parsed.ok) return err(parsed.error.message);
    limits[limit] = parsed.value;
  }
  return ok(Object.keys(limits).length > 0 ? limits : undefined);
}

export const CRITERIA_FLAGS = {
  criterion: { type: "string", multiple: true },
  "criterion-check": { type: "string", multiple: true },
} as const satisfies Options;

export type CriterionFlag = { text: string; check?: string };

/**
 * `--criterion "tests pass" --criterion-check "npm test" --criterion "docs updated"`: acceptance criteria in the
 * order given, each check belonging to the criterion before it (undefined when no --criterion is given).
 */
export function criteriaFromFlags(parsed: ParsedFlags): Result<CriterionFlag[] | undefined, string> {
  const criteria: CriterionFlag[] = [];
  for (const option of parsed.options) {
    if (option.name === "criterion") criteria.push({ text: option.value ?? "" });
    if (option.name !== "criterion-check") continue;
    const last = criteria.at(-1);
    if (!last)
      return err(
        '--criterion-check must follow the --criterion it checks: --criterion "tests pass" --criterion-check "npm test"',
      );
    if (last.check !== undefined)
      return err(`--criterion "${last.text}" has two --criterion-check flags; give one command (join with &&)`);
    last.check = option.value ?? "";
  }
  return ok(criteria.length > 0 ? criteria : undefined);
}

export const WEBHOOK_FLAGS = { webhook: { type: "string", multiple: true } } as const satisfies Options;

/** `--webhook URL` (repeatable): the goal's own webhooks, each told of the goal's outcomes. */
export function webhooksFromFlags(values: ParsedFlags["values"]): { url: string }[] | undefined {
  const urls = values.webhook;
  if (!Array.isArray(urls) || urls.length === 0) return undefined;
  return urls.map((url) => ({ url }));
}

/** `--max-wait 1h`: the longest a goal's waits last, in seconds (undefined when the flag is absent). */
export function maxWaitFromFlags(value: unknown): Result<number | undefined, AmountError> {
  if (typeof value !== "string") return ok(undefined);
  return parseDuration(value, "--max-wait");
}
