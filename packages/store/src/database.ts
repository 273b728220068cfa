import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";

/** Both drivers (better-sqlite3, bun:sqlite) are synchronous; the stores are written once against this type. */
export type StoreDatabase = BaseSQLiteDatabase<"sync", unknown>;

export type StoreDriver = "better-sqlite3" | "bun";

/** What a driver module hands back: a drizzle database, its migrator, and a way to close the file. */
export type DriverConnection = {
  db: StoreDatabase;
  migrate(migrationsFolder: string): void;
  close(): void;
};
