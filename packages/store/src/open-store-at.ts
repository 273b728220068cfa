import { openStore } from "./open-store.js";
import type { Store } from "./store.js";

/** Whether a database location names a PostgreSQL server rather than a SQLite file. */
export const isPostgresURL = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/**
 * Opens the store a location names: a `postgres://` URL opens PostgreSQL (loading pg only then), anything else is
 * a SQLite file (`:memory:` included); none is the default SQLite file.
 */
export async function openStoreAt(location: string | undefined, options: { now?: () => number } = {}): Promise<Store> {
  if (location !== undefined && isPostgresURL(location)) {
    const { openPgStore } = await import("./pg/index.js");
    return openPgStore(location, options);
  }
  return openStore({ ...(location !== undefined ? { path: location } : {}), ...options });
}
