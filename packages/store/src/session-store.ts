import type { GoalHistoryEntry } from "@pursuit/core";
import { desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { historyToRow } from "./goal-row.js";
import { createId } from "./ids.js";
import { goalHistoryTable, goalTable, sessionTable } from "./schema.js";
import type { DeletedSessions, NewSession, SessionFilter, SessionPatch, SessionStore } from "./store.js";
import { StoreNotFoundError } from "./store-errors.js";
import type { Session } from "./transcript.js";
import { rowToSession } from "./transcript-rows.js";

export class SqliteSessionStore implements SessionStore {
  /** Every goal request and turn start looks its session up: that query is prepared once. */
  private readonly sessionByID;

  constructor(
    private readonly db: StoreDatabase,
    private readonly now: () => number,
  ) {
    this.sessionByID = db
      .select()
      .from(sessionTable)
      .where(eq(sessionTable.id, sql.placeholder("id")))
      .prepare();
  }

  async createSession(input: NewSession): Promise<Session> {
    const time = this.now();
    return this.db.transaction(
      (tx) => {
        if (input.parentID !== undefined && !sessionExists(tx, input.parentID)) {
          throw new StoreNotFoundError("session", input.parentID, "parentID");
        }
        const row = tx
          .insert(sessionTable)
          .values({
            id: input.id ?? createId("ses"),
            parentID: input.parentID ?? null,
            title: input.title ?? "",
            directory: input.directory,
            metadata: input.metadata ?? {},
            timeCreated: time,
            timeUpdated: time,
          })
          .returning()
          .get();
        return rowToSession(row);
      },
      { behavior: "immediate" },
    );
  }

  async getSession(id: string): Promise<Session | undefined> {
    const row = this.sessionByID.get({ id });
    return row ? rowToSession(row) : undefined;
  }

  /** Most recently updated first. */
  async listSessions(filter: SessionFilter = {}): Promise<Session[]> {
    const where =
      filter.parentID === undefined
        ? undefined
        : filter.parentID === null
          ? isNull(sessionTable.parentID)
          : eq(sessionTable.parentID, filter.parentID);
    const query = this.db
      .select()
      .from(sessionTable)
      .where(where)
      .orderBy(desc(sessionTable.timeUpdated), desc(sessionTable.id));
    const rows = filter.limit === undefined ? query.all() : query.limit(filter.limit).all();
    return rows.map(rowToSession);
  }

  async updateSession(id: string, patch: SessionPatch): Promise<Session> {
    const row = this.db
      .update(sessionTable)
      .set({ ...patch, timeUpdated: this.now() })
      .where(eq(sessionTable.id, id))
      .returning()
      .get();
    if (!row) throw new StoreNotFoundError("session", id, "id");
    return rowToSession(row);
  }

  /**
   * Deletes the session, its descendants and (by cascade) their messages and parts. Their goals are deleted
   * too, each leaving a `cleared` history row; goal history itself is kept.
   */
  async deleteSession(id: string): Promise<DeletedSessions> {
    const time = this.now();
    return this.db.transaction(
      (tx) => {
        const sessionIDs = tx
          .all<{ id: string }>(
            sql`WITH RECURSIVE tree(id) AS (
              SELECT id FROM session WHERE id = ${id}
              UNION ALL SELECT session.id FROM session JOIN tree ON session.parent_id = tree.id
            ) SELECT id FROM tree`,
          )
          .map((row) => row.id);
        if (sessionIDs.length === 0) return { sessionIDs, clearedGoalSessionIDs: [] };

        const goals = tx
          .select({ id: goalTable.id, sessionID: goalTable.sessionID })
          .from(goalTable)
          .where(inArray(goalTable.sessionID, sessionIDs))
          .all();
        if (goals.length > 0) {
          const cleared = goals.map(
            (goal): GoalHistoryEntry => ({
              kind: "cleared",
              goalID: goal.id,
              sessionID: goal.sessionID,
              actor: "user",
              time,
            }),
          );
          tx.insert(goalHistoryTable).values(cleared.map(historyToRow)).run();
          tx.delete(goalTable)
            .where(
              inArray(
                goalTable.id,
                goals.map((goal) => goal.id),
              ),
            )
            .run();
        }
        tx.delete(sessionTable).where(eq(sessionTable.id, id)).run();
        return { sessionIDs, clearedGoalSessionIDs: goals.map((goal) => goal.sessionID) };
      },
      { behavior: "immediate" },
    );
  }
}

export function sessionExists(db: StoreDatabase, id: string): boolean {
  return db.select({ id: sessionTable.id }).from(sessionTable).where(eq(sessionTable.id, id)).get() !== undefined;
}
