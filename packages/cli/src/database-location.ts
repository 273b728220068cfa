import { resolve } from "node:path";
import { isPostgresURL } from "@pursuit/store";

/** The environment variable naming the database when `--db` does not: a `postgres://` URL or a SQLite file. */
export const DATABASE_URL_ENV = "PURSUIT_DATABASE_URL";

/**
 * Where a command's goals and transcripts live: `--db` (a SQLite file, relative to the working directory, or a
 * `postgres://` URL), else PURSUIT_DATABASE_URL, else `fallback` (undefined: the default SQLite file).
 */
export function databaseLocation(
  flag: unknown,
  io: { cwd: string; env: Record<string, string | undefined> },
  fallback?: string,
): string | undefined {
  const named = typeof flag === "string" ? flag : io.env[DATABASE_URL_ENV] || undefined;
  if (named === undefined) return fallback;
  return isPostgresURL(named) ? named : resolve(io.cwd, named);
}

/** A store that could not open (an unreachable server, a bad URL) says why in one line, not a stack. */
export function databaseOpenError(error: unknown): string | undefined {
  return error instanceof Error && error.name === "PgStoreOpenError" ? error.message : undefined;
}
