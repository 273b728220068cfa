/** The Node driver. Imported dynamically so Bun never loads the better-sqlite3 native addon. */
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { DriverConnection } from "./database.js";

export function openBetterSqlite(path: string): DriverConnection {
  const client = new Database(path);
  const db = drizzle({ client });
  return {
    db,
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    close: () => client.close(),
  };
}
