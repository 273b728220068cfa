import { type Connection, openConnection } from "./connection.js";
import type { StoreDatabase, StoreDriver } from "./database.js";
import { SqliteGoalQueueStore } from "./goal-queue-store.js";
import { SqliteGoalStore } from "./goal-store.js";
import { SqliteMessageStore } from "./message-store.js";
import { defaultDatabasePath } from "./paths.js";
import { SqliteSessionStore } from "./session-store.js";
import type { Store } from "./store.js";
import { SqliteWebhookDeliveryStore } from "./webhook-delivery-store.js";

export type OpenStoreOptions = {
  /** The database file; `:memory:` for a private in-memory database. Default: `defaultDatabasePath()`. */
  path?: string;
  /** Default: `bun` inside Bun, `better-sqlite3` elsewhere. */
  driver?: StoreDriver;
  /** Clock for session, message and part times (goal times come from the goals themselves). */
  now?: () => number;
};

/** The stores on a SQLite file, with what only SQLite has. */
export type SqliteStore = Store & {
  readonly path: string;
  readonly driver: StoreDriver;
  readonly goals: SqliteGoalStore;
  readonly sessions: SqliteSessionStore;
  readonly messages: SqliteMessageStore;
  readonly webhookDeliveries: SqliteWebhookDeliveryStore;
  readonly goalQueue: SqliteGoalQueueStore;
  /** The drizzle database, for queries the stores do not cover (and for tests). */
  readonly db: StoreDatabase;
};

/** Opens (creating and migrating if needed) the SQLite database and returns the stores over it. */
export async function openStore(options: OpenStoreOptions = {}): Promise<SqliteStore> {
  const connection: Connection = await openConnection(options.path ?? defaultDatabasePath(), options.driver);
  const now = options.now ?? Date.now;
  let closed = false;
  return {
    location: connection.path,
    path: connection.path,
    driver: connection.driver,
    goals: new SqliteGoalStore(connection.db),
    sessions: new SqliteSessionStore(connection.db, now),
    messages: new SqliteMessageStore(connection.db, now),
    webhookDeliveries: new SqliteWebhookDeliveryStore(connection.db),
    goalQueue: new SqliteGoalQueueStore(connection.db),
    db: connection.db,
    async close() {
      if (closed) return;
      closed = true;
      connection.close();
    },
  };
}
