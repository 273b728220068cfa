import type { Goal, GoalStatus } from "./goal.js";
import type { GoalHistoryEntry } from "./history.js";
import type { GoalStore, SpendStore, StepReservation, StoreUpdate } from "./ports.js";
import { DAY_MS, type DaySpend } from "./spend-ceilings.js";

/** An in-memory GoalStore (and spend per day) with the same contract as the SQLite one; for tests and embedding. */
export function createMemoryGoalStore(): GoalStore & SpendStore {
  const goals = new Map<string, Goal>();
  const rows: GoalHistoryEntry[] = [];
  const reserved = new Map<string, StepReservation>();
  // Goals and history rows are plain JSON, so a JSON round trip is a faithful deep copy.
  const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  return {
    async get(sessionID) {
      const goal = goals.get(sessionID);
      return goal ? clone(goal) : undefined;
    },
    async list(filter?: { status?: GoalStatus }) {
      return [...goals.values()].filter((goal) => !filter?.status || goal.status === filter.status).map(clone);
    },
    async history(sessionID) {
      return rows.filter((row) => row.sessionID === sessionID).map(clone);
    },
    async update<T>(sessionID: string, decide: Parameters<GoalStore["update"]>[1]) {
      const current = goals.get(sessionID);
      const charged = (key: string) =>
        current !== undefined &&
        rows.some((row) => row.goalID === current.id && row.kind === "charged" && row.key === key);
      const outcome = decide(current ? clone(current) : undefined, charged) as StoreUpdate<T>;
      if (outcome.change) {
        if (outcome.change.goal === null) goals.delete(sessionID);
        else goals.set(sessionID, clone(outcome.change.goal));
        rows.push(...outcome.change.history.map(clone));
        for (const row of outcome.change.history) if (row.kind === "charged") reserved.delete(row.key);
      }
      return outcome.result;
    },
    async reserve(reservation) {
      reserved.set(reservation.key, clone(reservation));
    },
    async checkpoint(key, outputTokens) {
      const reservation = reserved.get(key);
      if (reservation) reservation.outputTokens = outputTokens;
    },
    async reservations() {
      return [...reserved.values()].map(clone);
    },
    async release(key) {
      reserved.delete(key);
    },
    async spendByDay(fromDay) {
      const days = new Map<number, DaySpend>();
      for (const row of rows) {
        if (row.kind !== "charged") continue;
        const day = Math.floor(row.time / DAY_MS) * DAY_MS;
        if (day < fromDay) continue;
        const spent = days.get(day) ?? { day, tokens: 0, costUSD: 0 };
        spent.tokens += row.charge.tokens;
        spent.costUSD += row.charge.costUSD ?? 0;
        days.set(day, spent);
      }
      return [...days.values()].sort((a, b) => a.day - b.day);
    },
  };
}
