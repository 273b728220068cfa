export { type Connection, openConnection, runtimeDriver } from "./connection.js";
export type { StoreDatabase, StoreDriver } from "./database.js";
export { activeFence, anyFence, type Fence, LeaseLostError, runFenced } from "./fence.js";
export { SqliteGoalQueueStore } from "./goal-queue-store.js";
export { GOAL_UPDATE_ATTEMPTS, GoalStoreConflictError, SqliteGoalStore } from "./goal-store.js";
export { createId, monotonicIds } from "./ids.js";
export { SqliteMessageStore } from "./message-store.js";
export { migrationsFolder } from "./migrate.js";
export { type OpenStoreOptions, openStore, type SqliteStore } from "./open-store.js";
export { isPostgresURL, openStoreAt } from "./open-store-at.js";
export { defaultDatabasePath, MEMORY_DATABASE } from "./paths.js";
export * as schema from "./schema.js";
export { SqliteSessionStore } from "./session-store.js";
export type {
  DeletedSessions,
  EventChannel,
  Lease,
  LeaseStore,
  MessagePatch,
  MessageStore,
  NewMessage,
  NewSession,
  OrphanedSession,
  RuntimeGoalStore,
  RuntimeWebhookDeliveryStore,
  SessionFilter,
  SessionPatch,
  SessionStore,
  Store,
} from "./store.js";
export { StoreNotFoundError } from "./store-errors.js";
export type * from "./transcript.js";
export { SqliteWebhookDeliveryStore } from "./webhook-delivery-store.js";
