import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Store } from "../store.js";
import { PgEventChannel } from "./pg-event-channel.js";
import { PgGoalQueueStore } from "./pg-goal-queue-store.js";
import { PgGoalStore } from "./pg-goal-store.js";
import { PgLeaseStore } from "./pg-lease-store.js";
import { PgMessageStore } from "./pg-message-store.js";
import { PgSessionStore } from "./pg-session-store.js";
import { PgWebhookDeliveryStore } from "./pg-webhook-delivery-store.js";

/** The generated PostgreSQL migrations ship in `<package>/drizzle-pg`, two levels above `src/pg/` and `dist/pg/`. */
export const pgMigrationsFolder: string = fileURLToPath(new URL("../../drizzle-pg/", import.meta.url));

/** The advisory lock replicas take to migrate one at a time (any constant; this one spells "pursuit"). */
const MIGRATION_LOCK = 0x70757273;

/** Why a PostgreSQL store could not be opened, in words a person can act on (never the password). */
export class PgStoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PgStoreOpenError";
  }
}

/** The stores on a PostgreSQL database, with the pool under them. */
export type PgStore = Store & {
  readonly goals: PgGoalStore;
  readonly sessions: PgSessionStore;
  readonly messages: PgMessageStore;
  readonly webhookDeliveries: PgWebhookDeliveryStore;
  readonly goalQueue: PgGoalQueueStore;
  readonly leases: PgLeaseStore;
  readonly pool: pg.Pool;
};

export type OpenPgStoreOptions = {
  /** How long reaching the server may take before start-up fails. Default 5 s. */
  connectTimeoutMs?: number;
  /** Clock for session, message and part times (goal times come from the goals themselves). */
  now?: () => number;
};

/**
 * Opens the store on a PostgreSQL database: checks the URL, reaches the server within `connectTimeoutMs` (a bad
 * host or port is an error at start, not a hang), then applies pending migrations under an advisory lock, so
 * replicas starting together never race.
 */
export async function openPgStore(url: string, options: OpenPgStoreOptions = {}): Promise<PgStore> {
  const where = describe(url);
  const pool = new pg.Pool({ connectionString: url, connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000 });
  // An idle client the server dropped must not take the process down.
  pool.on("error", () => {});
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw new PgStoreOpenError(`cannot reach PostgreSQL at ${where}: ${messageOf(error)}`, { cause: error });
    });
    try {
      await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await migrate(drizzle(client), { migrationsFolder: pgMigrationsFolder });
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const db = drizzle(pool);
  const now = options.now ?? Date.now;
  let closed: Promise<void> | undefined;
  return {
    location: where,
    goals: new PgGoalStore(db),
    sessions: new PgSessionStore(db, now),
    messages: new PgMessageStore(db, now),
    webhookDeliveries: new PgWebhookDeliveryStore(db),
    goalQueue: new PgGoalQueueStore(db),
    leases: new PgLeaseStore(db),
    async openEvents(origin, onError) {
      const channel = new PgEventChannel(url, origin, onError);
      await channel.open();
      return channel;
    },
    pool,
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}

/** `host:port/database` of a PostgreSQL URL, refusing anything else. */
function describe(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PgStoreOpenError("not a PostgreSQL URL: expected postgres://user[:password]@host[:port]/database");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new PgStoreOpenError(
      `not a PostgreSQL URL (${parsed.protocol}): expected postgres://user@host:port/database`,
    );
  }
  return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
}

function messageOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
