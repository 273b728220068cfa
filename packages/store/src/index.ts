export { type Connection, openConnection, runtimeDriver } from "./connection.js";
export type { StoreDatabase, StoreDriver } from "./database.js";
export { SqliteGoalQueueStore } from "./goal-queue-store.js";
export { GOAL_UPDATE_ATTEMPTS, GoalStoreConflictError, SqliteGoalStore } from "./goal-store.js";
export { createId, monotonicIds } from "./ids.js";
export { type MessagePatch, type NewMessage, SqliteMessageStore } from "./message-store.js";
export { migrationsFolder } from "./migrate.js";
export { type OpenStoreOptions, openStore, type Store } from "./open-store.js";
export { defaultDatabasePath, MEMORY_DATABASE } from "./paths.js";
export * as schema from "./schema.js";
export {
  type DeletedSessions,
  type NewSession,
  type SessionFilter,
  type SessionPatch,
  SqliteSessionStore,
} from "./session-store.js";
export { StoreNotFoundError } from "./store-errors.js";
export type * from "./transcript.js";
export { SqliteWebhookDeliveryStore } from "./webhook-delivery-store.js";
