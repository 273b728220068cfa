import type { GoalHistoryEntry } from "@pursuit/core";
import { desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { historyToRow } from "../goal-row.js";
import { createId } from "../ids.js";
import type { DeletedSessions, NewSession, SessionFilter, SessionPatch, SessionStore } from "../store.js";
import { StoreNotFoundError } from "../store-errors.js";
import type { Session } from "../transcript.js";
import { rowToSession } from "../transcript-rows.js";
import { isForeignKeyViolation } from "./pg-errors.js";
import type { PgDatabase } from "./pg-goal-store.js";
import { goalHistoryTable, goalTable, sessionTable } from "./pg-schema.js";

/** Sessions on PostgreSQL, with the same contract as SqliteSessionStore. */
export class PgSessionStore implements SessionStore {
  constructor(
    private readonly db: PgDatabase,
    private readonly now: () => number,
  ) {}

  async createSession(input: NewSession): Promise<Session> {
    const time = this.now();
    if (input.parentID !== undefined && !(await this.getSession(input.parentID))) {
      throw new StoreNotFoundError("session", input.parentID, "parentID");
    }
    try {
      const [row] = await this.db
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
        .returning();
      if (!row) throw new Error("the session insert returned no row");
      return rowToSession(row);
    } catch (error) {
      // The parent was deleted between the check and the insert.
      if (input.parentID !== undefined && isForeignKeyViolation(error)) {
        throw new StoreNotFoundError("session", input.parentID, "parentID");
      }
      throw error;
    }
  }

  async getSession(id: string): Promise<Session | undefined> {
    const [row] = await this.db.select().from(sessionTable).where(eq(sessionTable.id, id));
    return row ? rowToSession(row) : undefined;
  }

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
    const rows = filter.limit === undefined ? await query : await query.limit(filter.limit);
    return rows.map(rowToSession);
  }

  async updateSession(id: string, patch: SessionPatch): Promise<Session> {
    const [row] = await this.db
      .update(sessionTable)
      .set({ ...patch, timeUpdated: this.now() })
      .where(eq(sessionTable.id, id))
      .returning();
    if (!row) throw new StoreNotFoundError("session", id, "id");
    return rowToSession(row);
  }

  async deleteSession(id: string): Promise<DeletedSessions> {
    const time = this.now();
    return this.db.transaction(async (tx) => {
      const tree = await tx.execute<{ id: string }>(
        sql`WITH RECURSIVE tree(id) AS (
          SELECT id FROM session WHERE id = ${id}
          UNION ALL SELECT session.id FROM session JOIN tree ON session.parent_id = tree.id
        ) SELECT id FROM tree`,
      );
      const sessionIDs = tree.rows.map((row) => row.id);
      if (sessionIDs.length === 0) return { sessionIDs, clearedGoalSessionIDs: [] };
      // Locked like a goal update locks them, so a charge in flight finishes before its goal goes.
      const goals = await tx
        .select({ id: goalTable.id, sessionID: goalTable.sessionID })
        .from(goalTable)
        .where(inArray(goalTable.sessionID, sessionIDs))
        .for("update");
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
        await tx.insert(goalHistoryTable).values(cleared.map(historyToRow));
        await tx.delete(goalTable).where(
          inArray(
            goalTable.id,
            goals.map((goal) => goal.id),
          ),
        );
      }
      await tx.delete(sessionTable).where(eq(sessionTable.id, id));
      return { sessionIDs, clearedGoalSessionIDs: goals.map((goal) => goal.sessionID) };
    });
  }
}
