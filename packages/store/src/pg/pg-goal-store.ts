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
import { and, asc, desc, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { goalToRow, historyToRow, rowToGoal, rowToHistory } from "../goal-row.js";
import { GOAL_UPDATE_ATTEMPTS, GoalStoreConflictError } from "../goal-store.js";
import { isUniqueViolation } from "./pg-errors.js";
import { checkFence, fencedWrite } from "./pg-fence.js";
import { goalHistoryTable, goalTable, type PgGoalRow, spendDayTable, stepReservationTable } from "./pg-schema.js";

export type PgDatabase = NodePgDatabase<Record<string, never>>;
type Transaction = Parameters<Parameters<PgDatabase["transaction"]>[0]>[0];

/** Raised inside a transaction to roll it back when a version check fails; never leaves this file. */
class LostRace extends Error {}

/**
 * The core's GoalStore on PostgreSQL, with the same contract as the SQLite one: goal rows with optimistic
 * versions, the append-only history, step reservations, and the spend per day every charge adds to in its own
 * transaction. `update` locks the session's goal row (`FOR UPDATE`), so writers of one session queue instead of
 * racing; the version checks still guard every write.
 */
export class PgGoalStore implements GoalStore, SpendStore {
  constructor(private readonly db: PgDatabase) {}

  async get(sessionID: string): Promise<Goal | undefined> {
    const [row] = await this.db.select().from(goalTable).where(eq(goalTable.sessionID, sessionID));
    return row ? rowToGoal(row) : undefined;
  }

  async list(filter: { status?: GoalStatus } = {}): Promise<Goal[]> {
    const where = filter.status === undefined ? undefined : eq(goalTable.status, filter.status);
    const rows = await this.db
      .select()
      .from(goalTable)
      .where(where)
      .orderBy(desc(goalTable.timeUpdated), desc(goalTable.id));
    return rows.map(rowToGoal);
  }

  async history(sessionID: string): Promise<GoalHistoryEntry[]> {
    const rows = await this.db
      .select()
      .from(goalHistoryTable)
      .where(eq(goalHistoryTable.sessionID, sessionID))
      .orderBy(asc(goalHistoryTable.id));
    return rows.map(rowToHistory);
  }

  async reserve(reservation: StepReservation): Promise<void> {
    await fencedWrite(this.db, reservation.sessionID, (db) =>
      db.insert(stepReservationTable).values(reservation).onConflictDoNothing(),
    );
  }

  async checkpoint(key: string, outputTokens: number): Promise<void> {
    await this.db.update(stepReservationTable).set({ outputTokens }).where(eq(stepReservationTable.key, key));
  }

  async reservations(): Promise<StepReservation[]> {
    return this.db.select().from(stepReservationTable).orderBy(asc(stepReservationTable.time));
  }

  async release(key: string): Promise<void> {
    await this.db.delete(stepReservationTable).where(eq(stepReservationTable.key, key));
  }

  async spendByDay(fromDay: number): Promise<DaySpend[]> {
    return this.db.select().from(spendDayTable).where(gte(spendDayTable.day, fromDay)).orderBy(asc(spendDayTable.day));
  }

  async update<T>(
    sessionID: string,
    decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= GOAL_UPDATE_ATTEMPTS; attempt++) {
      try {
        return await this.db.transaction((tx) => this.attempt(tx, sessionID, decide));
      } catch (error) {
        if (!(error instanceof LostRace) && !isUniqueViolation(error)) throw error;
      }
    }
    throw new GoalStoreConflictError(sessionID, GOAL_UPDATE_ATTEMPTS);
  }

  private async attempt<T>(
    tx: Transaction,
    sessionID: string,
    decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
  ): Promise<T> {
    await checkFence(tx, sessionID);
    const [row] = await tx.select().from(goalTable).where(eq(goalTable.sessionID, sessionID)).for("update");
    const current = row ? rowToGoal(row) : undefined;
    const { change, result } = await decideWithCharges(tx, current, decide);
    if (change) await applyChange(tx, sessionID, row, change);
    return result;
  }
}

/**
 * `decide` asks whether a charge key was already charged, synchronously; PostgreSQL answers asynchronously. So
 * `decide` (pure, as the contract says) runs once with the keys it asks answered "no", the keys are looked up, and
 * it runs again with the answers, until it asks nothing new.
 */
async function decideWithCharges<T>(
  tx: Transaction,
  current: Goal | undefined,
  decide: (current: Goal | undefined, charged: (key: string) => boolean) => StoreUpdate<T>,
): Promise<StoreUpdate<T>> {
  const known = new Map<string, boolean>();
  for (;;) {
    const asked = new Set<string>();
    const charged = (key: string) => {
      const answer = known.get(key);
      if (answer === undefined) asked.add(key);
      return answer ?? false;
    };
    const outcome = decide(current ? structuredClone(current) : undefined, charged);
    if (asked.size === 0 || current === undefined) return outcome;
    const found = await tx
      .select({ key: goalHistoryTable.chargeKey })
      .from(goalHistoryTable)
      .where(
        and(
          eq(goalHistoryTable.goalID, current.id),
          isNotNull(goalHistoryTable.chargeKey),
          inArray(goalHistoryTable.chargeKey, [...asked]),
        ),
      );
    const charges = new Set(found.map((one) => one.key));
    for (const key of asked) known.set(key, charges.has(key));
  }
}

async function applyChange(
  tx: Transaction,
  sessionID: string,
  current: PgGoalRow | undefined,
  change: GoalChange,
): Promise<void> {
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
    if (current) await deleteAtVersion(tx, current);
  } else if (!current) {
    await insertFresh(tx, next);
  } else if (current.id !== next.id) {
    await deleteAtVersion(tx, current);
    await insertFresh(tx, next);
  } else {
    const written = await tx
      .update(goalTable)
      .set(goalToRow(next, current.version + 1))
      .where(and(eq(goalTable.id, current.id), eq(goalTable.version, current.version)))
      .returning({ id: goalTable.id });
    if (written.length === 0) throw new LostRace();
  }
  for (const entry of change.history) {
    await tx.insert(goalHistoryTable).values(historyToRow(entry));
    // The step's charge settles its reservation and adds to its day's spend, in the same transaction.
    if (entry.kind !== "charged") continue;
    await tx.delete(stepReservationTable).where(eq(stepReservationTable.key, entry.key));
    const { tokens, costUSD } = entry.charge;
    if (tokens <= 0 && (costUSD ?? 0) <= 0) continue;
    await tx
      .insert(spendDayTable)
      .values({ day: Math.floor(entry.time / DAY_MS) * DAY_MS, tokens, costUSD: costUSD ?? 0 })
      .onConflictDoUpdate({
        target: spendDayTable.day,
        set: {
          tokens: sql`${spendDayTable.tokens} + excluded.tokens`,
          costUSD: sql`${spendDayTable.costUSD} + excluded.cost_usd`,
        },
      });
  }
}

async function deleteAtVersion(tx: Transaction, current: PgGoalRow): Promise<void> {
  const deleted = await tx
    .delete(goalTable)
    .where(and(eq(goalTable.id, current.id), eq(goalTable.version, current.version)))
    .returning({ id: goalTable.id });
  if (deleted.length === 0) throw new LostRace();
}

/** A session already holding a goal means another writer created one since our read. */
async function insertFresh(tx: Transaction, goal: Goal): Promise<void> {
  const inserted = await tx
    .insert(goalTable)
    .values(goalToRow(goal, 1))
    .onConflictDoNothing({ target: goalTable.sessionID })
    .returning({ id: goalTable.id });
  if (inserted.length === 0) throw new LostRace();
}
