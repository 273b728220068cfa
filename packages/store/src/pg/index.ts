// PostgreSQL lives behind its own entry point (`@pursuit/store/pg`): a process on SQLite never loads pg.
export {
  type OpenPgStoreOptions,
  openPgStore,
  type PgStore,
  PgStoreOpenError,
  pgMigrationsFolder,
} from "./open-pg-store.js";
export { PgEventChannel } from "./pg-event-channel.js";
export { PgGoalQueueStore } from "./pg-goal-queue-store.js";
export { PgGoalStore } from "./pg-goal-store.js";
export { PgLeaseStore } from "./pg-lease-store.js";
export { PgMessageStore } from "./pg-message-store.js";
export { PgSessionStore } from "./pg-session-store.js";
export { PgWebhookDeliveryStore } from "./pg-webhook-delivery-store.js";
