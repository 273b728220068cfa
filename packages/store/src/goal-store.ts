import {
  DAY_MS,
  type DaySpend,
  type Goal,
  type GoalChange,
  type GoalHistoryEntry,
  type GoalStatus,
  type GoalStore,
  type SpendStore,
  type StepReservation,
  type StoreUpdate,
} from "@pursuit/core";
import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import type { StoreDatabase } from "./database.js";
import { goalToRow, historyToRow, rowToGoal, rowToHistory } from "./goal-row.js";
import { type GoalRow, goalHistoryTable, goalTable, spendDayTable, stepReservationTable } from "./schema.js";

/** How many times `update` re-runs `decide` after losing a race before it gives up. */
export const GOAL_UPDATE_ATTEMPTS = 8;

/** Thrown by `update` when every attempt found the goal changed by another writer between read and write. */
export class GoalStoreConflictError extends Error {
  readonly code = "goal_store_conflict";
  constructor(
    readonly sessionID: string,
    readonly attempts: number,
  ) {
    super(`goal of session ${sessionID} kept changing under ${attempts} update attempts`);
    this.name = "GoalStoreConflictError";
  }
}

/** Raised inside a transaction to roll it back when a version check fails; never leaves this file. */
class LostRace extends Error {}

type Attempt<T> = { won: true; result: T } | { won: false };

/**
 * The core's GoalStore on SQLite: goal rows with optimistic versions plus the append-only history, and the spend
 * per day that every charge adds to in its own transaction.
 */
export class SqliteGoalStore implements GoalStore, SpendStore {
  /** Every model step reads and charges a goal: those queries are prepared once (25x cheaper than rebuilding). */
  private readonly hot: HotQueries;

  constructor(private readonly db: StoreDatabase) {
    this.hot = prepareHotQueries(db);
  }

  async get(sessionID: string): Promise<Goal | undefined> {
    const row = this.hot.goalBySession.get({ sessionID });
    return row ? rowToGoal(row) : undefined;
  }

  /** Goals, most recently updated first; `status` filters through the (status, time_updated) index. */
  async list(filter: { status?: GoalStatus } = {}): Promise<Goal[]> {
    const where = filter.status === undefined ? undefined : eq(goalTable.status, filter.status);
    const rows = this.db
      .select()
      .from(goalTable)
      .where(where)
      .orderBy(desc(goalTable.timeUpdated), desc(goalTable.id))
      .all();
    return rows.map(rowToGoal);
  }

  async history(sessionID: string): Promise<GoalHistoryEntry[]> {
    const rows = this.db
      .select()
      .from(goalHistoryTable)
      .where(eq(goalHistoryTable.sessionID, sessionID))
      .orderBy(asc(goalHistoryTable.id))
      .all();
    return rows.map(rowToHistory);
  }

  async reserve(reservation: StepReservation): Promise<void> {
    this.hot.reserve.run(reservation);
  }

  async checkpoint(key: string, outputTokens: number): Promise<void> {
    this.hot.checkpoint.run({ key, outputTokens });
  }

  async reservations(): Promise<StepReservation[]> {
    return this.db.select().from(stepReservationTable).orderBy(asc(stepReservationTable.time)).all();
  }

  async release(key: string): Promise<void> {
    this.hot.settle.run({ key });
  }

  async spendByDay(fromDay: number): Promise<DaySpend[]> {
    return this.hot.spendFrom.all({ fromDay });
  }

  async update<T>(
    sessionID: string,
    decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= GOAL_UPDATE_ATTEMPTS; attempt++) {
      const outcome = this.attempt(sessionID, decide);
      if (outcome.won) return outcome.result;
    }
    throw new GoalStoreConflictError(sessionID, GOAL_UPDATE_ATTEMPTS);
  }

  /**
   * One read-decide-write pass in an IMMEDIATE transaction: the write lock is taken before the read, so
   * SQLite writers queue here instead of failing. The version checks still guard every write, so a writer
   * that slipped in anyway (or a future non-locking backend) costs a retry, never a lost charge.
   */
  private attempt<T>(
    sessionID: string,
    decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
  ): Attempt<T> {
    try {
      return this.db.transaction(
        (tx): Attempt<T> => {
          const row = this.hot.goalBySession.get({ sessionID });
          const current = row ? rowToGoal(row) : undefined;
          const charged = (key: string) =>
            current !== undefined && this.hot.chargeExists.get({ goalID: current.id, key }) !== undefined;
          const { change, result } = decide(current, charged);
          if (change) applyChange(tx, this.hot, sessionID, row, change);
          return { won: true, result };
        },
        { behavior: "immediate" },
      );
    } catch (error) {
      if (error instanceof LostRace) return { won: false };
      throw error;
    }
  }
}

/** Column names of the goal row, each bound to a placeholder of the same name. */
const GOAL_COLUMNS = Object.keys(goalTable).filter((key) => key !== "enableRLS") as (keyof GoalInsert)[];

type GoalInsert = typeof goalTable.$inferInsert;

function prepareHotQueries(db: StoreDatabase) {
  const setAll = Object.fromEntries(GOAL_COLUMNS.map((column) => [column, sql.placeholder(column)]));
  return {
    goalBySession: db
      .select()
      .from(goalTable)
      .where(eq(goalTable.sessionID, sql.placeholder("sessionID")))
      .prepare(),
    chargeExists: db
      .select({ id: goalHistoryTable.id })
      .from(goalHistoryTable)
      .where(
        and(
          eq(goalHistoryTable.goalID, sql.placeholder("goalID")),
          eq(goalHistoryTable.chargeKey, sql.placeholder("key")),
        ),
      )
      .limit(1)
      .prepare(),
    updateAtVersion: db
      .update(goalTable)
      .set(setAll)
      .where(and(eq(goalTable.id, sql.placeholder("whereID")), eq(goalTable.version, sql.placeholder("whereVersion"))))
      .returning({ id: goalTable.id })
      .prepare(),
    reserve: db
      .insert(stepReservationTable)
      .values({
        key: sql.placeholder("key"),
        goalID: sql.placeholder("goalID"),
        sessionID: sql.placeholder("sessionID"),
        inputTokens: sql.placeholder("inputTokens"),
        outputTokens: sql.placeholder("outputTokens"),
        time: sql.placeholder("time"),
      })
      .onConflictDoNothing()
      .prepare(),
    checkpoint: db
      .update(stepReservationTable)
      .set({ outputTokens: sql`${sql.placeholder("outputTokens")}` })
      .where(eq(stepReservationTable.key, sql.placeholder("key")))
      .prepare(),
    settle: db
      .delete(stepReservationTable)
      .where(eq(stepReservationTable.key, sql.placeholder("key")))
      .prepare(),
    spendFrom: db
      .select()
      .from(spendDayTable)
      .where(gte(spendDayTable.day, sql.placeholder("fromDay")))
      .orderBy(asc(spendDayTable.day))
      .prepare(),
    addSpend: db
      .insert(spendDayTable)
      .values({ day: sql.placeholder("day"), tokens: sql.placeholder("tokens"), costUSD: sql.placeholder("costUSD") })
      .onConflictDoUpdate({
        target: spendDayTable.day,
        set: {
          tokens: sql`${spendDayTable.tokens} + excluded.tokens`,
          costUSD: sql`${spendDayTable.costUSD} + excluded.cost_usd`,
        },
      })
      .prepare(),
    insertHistory: db
      .insert(goalHistoryTable)
      .values({
        goalID: sql.placeholder("goalID"),
        sessionID: sql.placeholder("sessionID"),
        actor: sql.placeholder("actor"),
        kind: sql.placeholder("kind"),
        time: sql.placeholder("time"),
        // Placeholders bypass the JSON column's encoder, so the row mapper's data is encoded here.
        data: sql`${sql.placeholder("data")}`,
        chargeKey: sql.placeholder("chargeKey"),
      })
      .prepare(),
  };
}

type HotQueries = ReturnType<typeof prepareHotQueries>;

function applyChange(
  db: StoreDatabase,
  hot: HotQueries,
  sessionID: string,
  current: GoalRow | undefined,
  change: GoalChange,
): void {
  const next = change.goal;
  if (next !== null && next.sessionID !== sessionID) {
    throw new Error(`goal.sessionID is ${next.sessionID}, but the update is for session ${sessionID}`);
  }
  for (const entry of change.history) {
    if (entry.sessionID !== sessionID) {
      throw new Error(`history entry sessionID is ${entry.sessionID}, but the update is for session ${sessionID}`);
    }
  }

  if (next === null) {
    if (current) deleteAtVersion(db, current);
  } else if (!current) {
    insertFresh(db, next);
  } else if (current.id !== next.id) {
    deleteAtVersion(db, current);
    insertFresh(db, next);
  } else {
    const written = hot.updateAtVersion.all({
      ...goalToRow(next, current.version + 1),
      whereID: current.id,
      whereVersion: current.version,
    });
    if (written.length === 0) throw new LostRace();
  }

  for (const entry of change.history) {
    const row = historyToRow(entry);
    hot.insertHistory.run({ ...row, data: JSON.stringify(row.data), chargeKey: row.chargeKey ?? null });
    // The step's charge settles its reservation and adds to its day's spend, in the same transaction.
    if (entry.kind === "charged") {
      hot.settle.run({ key: entry.key });
      const { tokens, costUSD } = entry.charge;
      const day = Math.floor(entry.time / DAY_MS) * DAY_MS;
      if (tokens > 0 || (costUSD ?? 0) > 0) hot.addSpend.run({ day, tokens, costUSD: costUSD ?? 0 });
    }
  }
}

function deleteAtVersion(db: StoreDatabase, current: GoalRow): void {
  const deleted = db
    .delete(goalTable)
    .where(and(eq(goalTable.id, current.id), eq(goalTable.version, current.version)))
    .returning({ id: goalTable.id })
    .all();
  if (deleted.length === 0) throw new LostRace();
}

/** A session already holding a goal means another writer created one since our read. */
function insertFresh(db: StoreDatabase, goal: Goal): void {
  const inserted = db
    .insert(goalTable)
    .values(goalToRow(goal, 1))
    .onConflictDoNothing({ target: goalTable.sessionID })
    .returning({ id: goalTable.id })
    .all();
  if (inserted.length === 0) throw new LostRace();
}
