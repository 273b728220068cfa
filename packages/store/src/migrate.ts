import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { DriverConnection } from "./database.js";

/** The generated migrations ship in `<package>/drizzle`, one level above both `src/` and `dist/`. */
export const migrationsFolder: string = fileURLToPath(new URL("../drizzle/", import.meta.url));

const MIGRATE_ATTEMPTS = 5;

/**
 * Applies pending migrations. drizzle's migrator reads the applied list before its (deferred) transaction,
 * so two processes opening a fresh file at once can both try the same migration and one fails; running it
 * again reads the fresh list and finds nothing left to do.
 */
export async function applyMigrations(connection: DriverConnection, folder: string = migrationsFolder): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      connection.migrate(folder);
      return;
    } catch (error) {
      if (attempt >= MIGRATE_ATTEMPTS) throw error;
      await sleep(20 * attempt + Math.random() * 30);
    }
  }
}
