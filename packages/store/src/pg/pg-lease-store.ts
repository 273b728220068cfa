import { sql } from "drizzle-orm";
import type { Lease, LeaseStore, OrphanedSession } from "../store.js";
import { isForeignKeyViolation } from "./pg-errors.js";
import { DB_NOW } from "./pg-fence.js";
import type { PgDatabase } from "./pg-goal-store.js";

/**
 * Session leases on PostgreSQL. A lease is taken when it is free, expired, or already the taker's; its fencing
 * token grows by one whenever it changes hands or lapses, so work begun under an older token is refused (see
 * fence.ts). Expiry runs on the database's clock. A released lease keeps its row, and so its token.
 */
export class PgLeaseStore implements LeaseStore {
  constructor(private readonly db: PgDatabase) {}

  async acquire(sessionID: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    try {
      const { rows } = await this.db.execute<LeaseRow>(sql`
        INSERT INTO session_lease (session_id, holder, token, expires_at)
        VALUES (${sessionID}, ${holder}, 1, ${DB_NOW} + ${ttlMs})
        ON CONFLICT (session_id) DO UPDATE SET
          holder = excluded.holder,
          token = CASE
            WHEN session_lease.holder = excluded.holder AND session_lease.expires_at > ${DB_NOW}
            THEN session_lease.token ELSE session_lease.token + 1 END,
          expires_at = excluded.expires_at
        WHERE session_lease.holder = excluded.holder OR session_lease.expires_at <= ${DB_NOW}
        RETURNING session_id, holder, token, expires_at`);
      return rows[0] && toLease(rows[0]);
    } catch (error) {
      // The session is gone (the lease references it).
      if (isForeignKeyViolation(error)) return undefined;
      throw error;
    }
  }

  async renew(holder: string, sessionIDs: readonly string[], ttlMs: number): Promise<Lease[]> {
    if (sessionIDs.length === 0) return [];
    const { rows } = await this.db.execute<LeaseRow>(sql`
      UPDATE session_lease SET expires_at = ${DB_NOW} + ${ttlMs}
      WHERE holder = ${holder} AND session_id = ANY(${sql.param([...sessionIDs])}::text[]) AND expires_at > ${DB_NOW}
      RETURNING session_id, holder, token, expires_at`);
    return rows.map(toLease);
  }

  async release(sessionID: string, holder: string): Promise<void> {
    await this.db.execute(sql`
      UPDATE session_lease SET expires_at = 0 WHERE session_id = ${sessionID} AND holder = ${holder}`);
  }

  async orphaned(): Promise<OrphanedSession[]> {
    const { rows } = await this.db.execute<{ session_id: string; directory: string }>(sql`
      SELECT goal.session_id, session.directory FROM goal
      JOIN session ON session.id = goal.session_id
      LEFT JOIN session_lease ON session_lease.session_id = goal.session_id
      WHERE (goal.status IN ('active', 'waiting') OR (goal.status = 'budget_limited' AND goal.ceiling IS NOT NULL))
        AND (session_lease.session_id IS NULL OR session_lease.expires_at <= ${DB_NOW})
      ORDER BY goal.time_updated`);
    return rows.map((row) => ({ sessionID: row.session_id, directory: row.directory }));
  }
}

type LeaseRow = { session_id: string; holder: string; token: string | number; expires_at: string | number };

const toLease = (row: LeaseRow): Lease => ({
  sessionID: row.session_id,
  holder: row.holder,
  token: Number(row.token),
  expiresAt: Number(row.expires_at),
});
