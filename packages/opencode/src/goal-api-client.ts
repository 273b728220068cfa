import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Goal, GoalPatch } from "@pursuit/core";
import { DEFAULT_API_PORT, defaultGoalDatabase } from "./plugin-options.js";

export type ApiAnswer<T> = { ok: true; value: T } | { ok: false; error: { message: string } };

/**
 * The TUI runs apart from the server plugin (another JS realm), so it speaks to the plugin's goal API over
 * loopback like any other client. Where: the `url` option, else the `api.json` the server plugin writes
 * beside its database, else the default port.
 */
export function discoverGoalApi(
  options: { url?: unknown; db?: unknown } = {},
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (typeof options.url === "string" && options.url) return options.url.replace(/\/+$/, "");
  const db = typeof options.db === "string" && options.db ? options.db : defaultGoalDatabase(env);
  const file = join(dirname(db), "api.json");
  if (existsSync(file)) {
    try {
      const url = (JSON.parse(readFileSync(file, "utf8")) as { url?: unknown }).url;
      if (typeof url === "string") return url;
    } catch {
      // A half-written file: fall back to the default port.
    }
  }
  return `http://127.0.0.1:${DEFAULT_API_PORT}`;
}

export function goalApiClient(baseUrl: () => string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    try {
      const response = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5000),
      });
      const data = (await response.json()) as T & { error?: { message: string } };
      if (!response.ok) return { ok: false, error: { message: data.error?.message ?? `HTTP ${response.status}` } };
      return { ok: true, value: data };
    } catch (error) {
      return { ok: false, error: { message: `the goal API at ${baseUrl()} did not answer (${String(error)})` } };
    }
  };
  const goalPath = (sessionID: string) => `/session/${encodeURIComponent(sessionID)}/goal`;
  return {
    get: (sessionID: string) => call<Goal | null>("GET", goalPath(sessionID)),
    create: (sessionID: string, objective: string) => call<Goal>("POST", goalPath(sessionID), { objective }),
    update: (sessionID: string, patch: GoalPatch) => call<Goal>("PATCH", goalPath(sessionID), patch),
    clear: (sessionID: string) => call<{ cleared: true }>("DELETE", goalPath(sessionID)),
    /** Queues a goal to start when the session's goal completes. */
    queue: (sessionID: string, objective: string) =>
      call<unknown[]>("POST", `${goalPath(sessionID)}/queue`, { objective }),
  };
}

export type GoalApiClient = ReturnType<typeof goalApiClient>;
