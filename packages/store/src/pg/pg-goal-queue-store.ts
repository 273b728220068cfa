import type { GoalQueueStore, QueuedGoal } from "@pursuit/core";
import { asc, eq, sql } from "drizzle-orm";
import type { PgDatabase } from "./pg-goal-store.js";
import { goalQueueTable } from "./pg-schema.js";

/**
 * Sessions' queues of next goals in PostgreSQL. Each change rewrites the session's queue in one transaction,
 * serialised per session by a transaction-scoped advisory lock on the session id (a queue may have no row to lock).
 */
export class PgGoalQueueStore implements GoalQueueStore {
  constructor(private readonly db: PgDatabase) {}

  list(sessionID: string): Promise<QueuedGoal[]> {
    return read(this.db, sessionID);
  }

  update<T>(sessionID: string, decide: (queue: QueuedGoal[]) => { queue?: QueuedGoal[]; result: T }): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`goal_queue:${sessionID}`}))`);
      const { queue, result } = decide(await read(tx, sessionID));
      if (queue) {
        await tx.delete(goalQueueTable).where(eq(goalQueueTable.sessionID, sessionID));
        if (queue.length > 0) {
          await tx
            .insert(goalQueueTable)
            .values(
              queue.map((item, position) => ({ id: item.id, sessionID, position, input: item.input, time: item.time })),
            );
        }
      }
      return result;
    });
  }
}

async function read(db: Pick<PgDatabase, "select">, sessionID: string): Promise<QueuedGoal[]> {
  const rows = await db
    .select()
    .from(goalQueueTable)
    .where(eq(goalQueueTable.sessionID, sessionID))
    .orderBy(asc(goalQueueTable.position));
  return rows.map(({ id, input, time }) => ({ id, sessionID, input, time }));
}
