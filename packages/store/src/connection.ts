import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { sql } from "drizzle-orm";
import type { DriverConnection, StoreDatabase, StoreDriver } from "./database.js";
import { applyMigrations } from "./migrate.js";
import { MEMORY_DATABASE } from "./paths.js";

export type Connection = {
  db: StoreDatabase;
  driver: StoreDriver;
  path: string;
  close(): void;
};

/** The driver that loads in the current runtime: bun:sqlite inside Bun, better-sqlite3 elsewhere. */
export function runtimeDriver(): StoreDriver {
  return typeof process.versions.bun === "string" ? "bun" : "better-sqlite3";
}

/**
 * The one driver seam. Each driver module is imported only when chosen, so the Bun path never touches the
 * better-sqlite3 addon and the Node path never touches `bun:sqlite`.
 */
async function openDriver(driver: StoreDriver, path: string): Promise<DriverConnection> {
  switch (driver) {
    case "better-sqlite3":
      return (await import("./driver-node.js")).openBetterSqlite(path);
    case "bun":
      return (await import("./driver-bun.js")).openBunSqlite(path);
  }
}

/** Opens (creating if needed) the database file, configures the connection and applies migrations. */
export async function openConnection(path: string, driver: StoreDriver = runtimeDriver()): Promise<Connection> {
  if (path !== MEMORY_DATABASE) mkdirSync(dirname(path), { recursive: true });
  const connection = await openDriver(driver, path);
  try {
    configure(connection.db);
    await applyMigrations(connection);
  } catch (error) {
    connection.close();
    throw error;
  }
  return { db: connection.db, driver, path, close: connection.close };
}

function configure(db: StoreDatabase): void {
  // busy_timeout first: switching a fresh file to WAL takes a lock another process may hold.
  db.run(sql.raw("PRAGMA busy_timeout = 5000"));
  db.run(sql.raw("PRAGMA journal_mode = WAL"));
  // With WAL, NORMAL loses no committed transaction on a process crash (only, at worst, on power loss).
  db.run(sql.raw("PRAGMA synchronous = NORMAL"));
  db.run(sql.raw("PRAGMA foreign_keys = ON"));
}
