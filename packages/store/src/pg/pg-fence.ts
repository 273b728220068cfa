import { sql } from "drizzle-orm";
import { activeFence, LeaseLostError } from "../fence.js";
import type { PgDatabase } from "./pg-goal-store.js";

type Transaction = Parameters<Parameters<PgDatabase["transaction"]>[0]>[0];

/** The database's own clock in epoch milliseconds: replicas on several machines agree on when a lease expires. */
export const DB_NOW = sql`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

/**
 * Inside a write transaction for `sessionID`: when the work runs under a fence, its lease must still be the
 * session's, live, with the same token; the row is share-locked, so no takeover commits before this write does.
 */
export async function checkFence(tx: Transaction, sessionID: string): Promise<void> {
  const fence = activeFence(sessionID);
  if (!fence) return;
  const { rows } = await tx.execute<{ holder: string; token: string | number; live: boolean }>(sql`
    SELECT holder, token, expires_at > ${DB_NOW} AS live FROM session_lease WHERE session_id = ${sessionID} FOR SHARE`);
  const lease = rows[0];
  if (!lease || lease.holder !== fence.holder || Number(lease.token) !== fence.token || !lease.live) {
    throw new LeaseLostError(sessionID, fence.holder);
  }
}

/** A single write that is fenced when its work is: run in a transaction after the check, else as it is. */
export async function fencedWrite<T>(
  db: PgDatabase,
  sessionID: string,
  write: (db: PgDatabase | Transaction) => Promise<T>,
): Promise<T> {
  if (!activeFence(sessionID)) return write(db);
  return db.transaction(async (tx) => {
    await checkFence(tx, sessionID);
    return write(tx);
  });
}
