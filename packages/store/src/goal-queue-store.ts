import type { GoalQueueStore, QueuedGoal } from "@pursuit/core";
import { asc, eq } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { goalQueueTable } from "./schema.js";

/** Sessions' queues of next goals in SQLite; each change rewrites the session's queue in one IMMEDIATE transaction. */
export class SqliteGoalQueueStore implements GoalQueueStore {
  constructor(private readonly db: StoreDatabase) {}

  async list(sessionID: string): Promise<QueuedGoal[]> {
    return this.read(this.db, sessionID);
  }

  async update<T>(sessionID: string, decide: (queue: QueuedGoal[]) => { queue?: QueuedGoal[]; result: T }): Promise<T> {
    return this.db.transaction(
      (tx) => {
        const { queue, result } = decide(this.read(tx, sessionID));
        if (queue) {
          tx.delete(goalQueueTable).where(eq(goalQueueTable.sessionID, sessionID)).run();
          queue.forEach((item, position) => {
            tx.insert(goalQueueTable)
              .values({ id: item.id, sessionID, position, input: item.input, time: item.time })
              .run();
          });
        }
        return result;
      },
      { behavior: "immediate" },
    );
  }

  private read(db: Pick<StoreDatabase, "select">, sessionID: string): QueuedGoal[] {
    return db
      .select()
      .from(goalQueueTable)
      .where(eq(goalQueueTable.sessionID, sessionID))
      .orderBy(asc(goalQueueTable.position))
      .all()
      .map(({ id, input, time }) => ({ id, sessionID, input, time }));
  }
}
