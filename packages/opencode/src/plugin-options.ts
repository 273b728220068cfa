import { join } from "node:path";
import {
  err,
  type GoalLimits,
  type GoalPolicy,
  ok,
  parseDuration,
  type Result,
  type SpendCeilings,
  validateLimits,
  validateSpendCeilings,
  validateWebhooks,
  type WebhookTarget,
} from "@pursuit/core";
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS } from "./stream-watch.js";

/** Options from opencode.json: `"plugin": [["/path/to/opencode-pursuit", { ...options }]]`. */
export type PursuitPluginOptions = {
  /** SQLite file for goals. Default: `$XDG_DATA_HOME/opencode/pursuit/goals.db`. */
  db: string;
  /** Loopback port of the goal HTTP API; 0 picks a free one, null turns it off. Default 4097 (a free one if taken). */
  port: number | null;
  /** Continuation policy overrides (backoff, stall and error limits, wrap-up size). */
  policy: Partial<GoalPolicy>;
  /** Limits for goals that name none. */
  limits: GoalLimits;
  /** A model stream silent this long (ms) is cut and the goal retried; option `streamIdleTimeout`, e.g. "15s". */
  streamIdleTimeoutMs: number;
  /** Where goal outcomes are POSTed: `[{url, secret?, events?, format?}]`, as in pursuit.json. */
  webhooks: WebhookTarget[];
  /** Ceilings across all goals of this OpenCode: `{daily?: {tokens?, costUSD?}, weekly?: {...}}`, as in pursuit.json. */
  spendCeilings: SpendCeilings;
};

const POLICY_KEYS = [
  "stallTurns",
  "errorTurns",
  "backoffBaseMs",
  "backoffMaxMs",
  "wrapUpMaxOutputTokens",
  "progressWindowTurns",
  "waitMaxMs",
  "waitCheckFirstMs",
  "waitCheckMaxMs",
] as const;

export const DEFAULT_API_PORT = 4097;

const OPTION_KEYS = ["db", "port", "policy", "limits", "streamIdleTimeout", "webhooks", "spendCeilings"];

export function defaultGoalDatabase(env: NodeJS.ProcessEnv = process.env): string {
  const data = env.XDG_DATA_HOME || join(env.HOME ?? ".", ".local", "share");
  return join(data, "opencode", "pursuit", "goals.db");
}

/** Plugin options are user input: every problem names the option. */
export function parsePluginOptions(
  raw: unknown,
  env: NodeJS.ProcessEnv = process.env,
): Result<PursuitPluginOptions, string> {
  const input = raw ?? {};
  if (typeof input !== "object" || Array.isArray(input)) return err("opencode-pursuit options must be an object");
  const options = input as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key))
      return err(`opencode-pursuit: unknown option "${key}"; use ${OPTION_KEYS.join(", ")}`);
  }
  if (options.db !== undefined && (typeof options.db !== "string" || options.db.trim() === "")) {
    return err("opencode-pursuit option db must be a file path");
  }
  const port = options.port === undefined ? DEFAULT_API_PORT : options.port;
  if (port !== null && (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535)) {
    return err("opencode-pursuit option port must be a whole number from 0 to 65535, or null to turn the API off");
  }
  const policy: Partial<GoalPolicy> = {};
  if (options.policy !== undefined) {
    if (typeof options.policy !== "object" || options.policy === null)
      return err("opencode-pursuit option policy must be an object");
    for (const [key, value] of Object.entries(options.policy)) {
      if (key === "waitForQuota") {
        if (typeof value !== "boolean") return err("opencode-pursuit option policy.waitForQuota must be true or false");
        policy.waitForQuota = value;
        continue;
      }
      if (!(POLICY_KEYS as readonly string[]).includes(key))
        return err(`opencode-pursuit: unknown policy "${key}"; use ${POLICY_KEYS.join(", ")} or waitForQuota`);
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
        return err(`opencode-pursuit option policy.${key} must be a number >= 0`);
      policy[key as (typeof POLICY_KEYS)[number]] = value;
    }
  }
  const limits = validateLimits(options.limits);
  if (!limits.ok) return err(`opencode-pursuit option ${limits.error.message}`);
  const idle = parseIdleTimeout(options.streamIdleTimeout);
  if (!idle.ok) return idle;
  const webhooks =
    options.webhooks === undefined ? ok([]) : validateWebhooks(options.webhooks, "webhooks", { allowSecret: true });
  if (!webhooks.ok) return err(`opencode-pursuit option ${webhooks.error.message}`);
  const spendCeilings = validateSpendCeilings(options.spendCeilings);
  if (!spendCeilings.ok) return err(`opencode-pursuit option ${spendCeilings.error.message}`);
  return ok({
    db: (options.db as string | undefined) ?? defaultGoalDatabase(env),
    port,
    policy,
    limits: limits.value,
    streamIdleTimeoutMs: idle.value,
    webhooks: webhooks.value,
    spendCeilings: spendCeilings.value,
  });
}

/** A duration as the CLI writes it ("15s", "2m") or milliseconds; default 120 s. */
function parseIdleTimeout(value: unknown): Result<number, string> {
  if (value === undefined) return ok(DEFAULT_STREAM_IDLE_TIMEOUT_MS);
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return ok(value);
  const parsed = typeof value === "string" ? parseDuration(value, "streamIdleTimeout") : undefined;
  if (parsed?.ok) return ok(Math.round(parsed.value * 1000));
  const why =
    parsed && !parsed.ok ? parsed.error.message : 'must be a duration such as "15s" or a number of milliseconds';
  return err(`opencode-pursuit option streamIdleTimeout: ${why}`);
}
