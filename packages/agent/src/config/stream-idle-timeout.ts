import { parseDuration } from "@pursuit/core";
import { ConfigError } from "./load-config.js";

/** How long a model stream may stay silent before it is cut and retried, unless configured otherwise. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 120_000;

export const STREAM_IDLE_TIMEOUT_ENV = "PURSUIT_STREAM_IDLE_TIMEOUT";

/**
 * The stream idle timeout the environment sets for every provider (`PURSUIT_STREAM_IDLE_TIMEOUT=15s`, in the
 * CLI's duration syntax), or undefined when unset; a value that is not a duration is a ConfigError.
 */
export function streamIdleTimeoutFromEnv(env: Record<string, string | undefined>): number | undefined {
  const raw = env[STREAM_IDLE_TIMEOUT_ENV]?.trim();
  if (!raw) return undefined;
  const parsed = parseDuration(raw, STREAM_IDLE_TIMEOUT_ENV);
  if (!parsed.ok)
    throw new ConfigError(`environment variable ${STREAM_IDLE_TIMEOUT_ENV}`, undefined, parsed.error.message);
  return Math.round(parsed.value * 1000);
}
