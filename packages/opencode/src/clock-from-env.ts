import type { Clock } from "@pursuit/core";

/**
 * The plugin's clock: the system's, unless `OPENCODE_PURSUIT_CLOCK_START` (epoch ms or an ISO time) names when
 * it starts; it then runs at real speed from there. Tests use it to reach the turn of a UTC day or week (the
 * spend ceilings' windows) without waiting for one.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const start = env.OPENCODE_PURSUIT_CLOCK_START;
  if (!start) return { now: () => Date.now() };
  const at = /^\d+$/.test(start) ? Number(start) : Date.parse(start);
  if (!Number.isFinite(at))
    throw new Error(`OPENCODE_PURSUIT_CLOCK_START must be epoch milliseconds or an ISO time, not "${start}"`);
  const offset = at - Date.now();
  return { now: () => Date.now() + offset };
}
