/** The Bun driver (OpenCode plugins run in Bun, where better-sqlite3 cannot load). Imported dynamically. */
import { drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "drizzle-orm/bun-sqlite/migrator";
import type { DriverConnection } from "./database.js";

export function openBunSqlite(path: string): DriverConnection {
  // drizzle constructs the bun:sqlite Database itself, so this file needs no Bun type declarations
  // (without them drizzle's client type is unknown to the checker; name the one method used).
  const db = drizzle<Record<string, never>, { close(): void }>({
    connection: { source: path, create: true, readwrite: true },
  });
  return {
    db,
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: () => db.$client.close(),
  };
}
