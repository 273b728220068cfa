/**
 * The PostgreSQL schema: the same tables, columns and indexes as the SQLite one (../schema.ts), in PostgreSQL's
 * types (epoch milliseconds as bigint, JSON as jsonb). Migrations under ../../drizzle-pg are generated from this
 * file by `npm run db:generate:pg`; never edit a generated migration, add a new one.
 */
import type {
  Actor,
  CeilingHit,
  Criterion,
  GoalHistoryKind,
  GoalStatus,
  GoalWait,
  GoalWebhook,
  LimitName,
  QueuedGoalInput,
  WebhookDelivery,
} from "@pursuit/core";
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { MessageData, MessageRole, PartData, PartType } from "../transcript.js";

/** Epoch milliseconds: past what a 32-bit integer holds. */
const millis = (name: string) => bigint(name, { mode: "number" });

export const goalTable = pgTable(
  "goal",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    objective: text("objective").notNull(),
    status: text("status").$type<GoalStatus>().notNull(),
    reason: text("reason"),
    limitReached: text("limit_reached").$type<LimitName>(),
    ceiling: jsonb("ceiling").$type<CeilingHit>(),
    limitTokens: bigint("limit_tokens", { mode: "number" }),
    limitTurns: integer("limit_turns"),
    limitSeconds: doublePrecision("limit_seconds"),
    limitCostUSD: doublePrecision("limit_cost_usd"),
    usageTokens: bigint("usage_tokens", { mode: "number" }).notNull(),
    usageInput: bigint("usage_input", { mode: "number" }).notNull(),
    usageCacheRead: bigint("usage_cache_read", { mode: "number" }).notNull(),
    usageCacheWrite: bigint("usage_cache_write", { mode: "number" }).notNull(),
    usageOutput: bigint("usage_output", { mode: "number" }).notNull(),
    usageReasoning: bigint("usage_reasoning", { mode: "number" }).notNull(),
    usageCostUSD: doublePrecision("usage_cost_usd"),
    usageTurns: integer("usage_turns").notNull(),
    usageSeconds: doublePrecision("usage_seconds").notNull(),
    evidence: text("evidence"),
    verify: text("verify"),
    wait: jsonb("wait").$type<GoalWait>(),
    quietWakes: integer("quiet_wakes").notNull().default(0),
    maxWaitSeconds: doublePrecision("max_wait_seconds"),
    waitForQuota: integer("wait_for_quota"),
    criteria: jsonb("criteria").$type<Criterion[]>(),
    webhooks: jsonb("webhooks").$type<GoalWebhook[]>(),
    createdBy: text("created_by").$type<"user" | "model">().notNull(),
    timeCreated: millis("time_created").notNull(),
    timeUpdated: millis("time_updated").notNull(),
    timeCompleted: millis("time_completed"),
    version: integer("version").notNull(),
  },
  (table) => [
    uniqueIndex("goal_session_id_unique").on(table.sessionID),
    index("goal_status_idx").on(table.status, table.timeUpdated),
  ],
);

export const goalHistoryTable = pgTable(
  "goal_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    goalID: text("goal_id").notNull(),
    sessionID: text("session_id").notNull(),
    actor: text("actor").$type<Actor>().notNull(),
    kind: text("kind").$type<GoalHistoryKind>().notNull(),
    time: millis("time").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    chargeKey: text("charge_key"),
  },
  (table) => [
    index("goal_history_session_idx").on(table.sessionID),
    uniqueIndex("goal_history_charge_unique").on(table.goalID, table.chargeKey),
  ],
);

export const spendDayTable = pgTable("spend_day", {
  day: millis("day").primaryKey(),
  tokens: bigint("tokens", { mode: "number" }).notNull(),
  costUSD: doublePrecision("cost_usd").notNull(),
});

export const stepReservationTable = pgTable("step_reservation", {
  key: text("key").primaryKey(),
  goalID: text("goal_id").notNull(),
  sessionID: text("session_id").notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  time: millis("time").notNull(),
});

export const webhookDeliveryTable = pgTable(
  "webhook_delivery",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    goalID: text("goal_id").notNull(),
    event: text("event").$type<WebhookDelivery["event"]>().notNull(),
    url: text("url").notNull(),
    body: text("body").notNull(),
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    attempts: integer("attempts").notNull(),
    nextAt: millis("next_at").notNull(),
    createdAt: millis("created_at").notNull(),
    state: text("state").$type<WebhookDelivery["state"]>().notNull(),
    lastError: text("last_error"),
  },
  (table) => [index("webhook_delivery_pending_idx").on(table.state, table.nextAt)],
);

export const goalQueueTable = pgTable(
  "goal_queue",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    position: integer("position").notNull(),
    input: jsonb("input").$type<QueuedGoalInput>().notNull(),
    time: millis("time").notNull(),
  },
  (table) => [index("goal_queue_session_idx").on(table.sessionID, table.position)],
);

export const sessionTable = pgTable(
  "session",
  {
    id: text("id").primaryKey(),
    parentID: text("parent_id").references((): AnyPgColumn => sessionTable.id, { onDelete: "cascade" }),
    title: text("title").notNull().default(""),
    directory: text("directory").notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    timeCreated: millis("time_created").notNull(),
    timeUpdated: millis("time_updated").notNull(),
  },
  (table) => [index("session_updated_idx").on(table.timeUpdated), index("session_parent_idx").on(table.parentID)],
);

export const messageTable = pgTable(
  "message",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id")
      .notNull()
      .references(() => sessionTable.id, { onDelete: "cascade" }),
    role: text("role").$type<MessageRole>().notNull(),
    seq: integer("seq").notNull(),
    timeCreated: millis("time_created").notNull(),
    timeCompleted: millis("time_completed"),
    data: jsonb("data").$type<MessageData>().notNull(),
  },
  (table) => [uniqueIndex("message_session_seq_unique").on(table.sessionID, table.seq)],
);

export const partTable = pgTable(
  "part",
  {
    id: text("id").primaryKey(),
    messageID: text("message_id")
      .notNull()
      .references(() => messageTable.id, { onDelete: "cascade" }),
    sessionID: text("session_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").$type<PartType>().notNull(),
    data: jsonb("data").$type<PartData>().notNull(),
    timeCreated: millis("time_created").notNull(),
    timeUpdated: millis("time_updated").notNull(),
  },
  (table) => [
    uniqueIndex("part_session_seq_unique").on(table.sessionID, table.seq),
    index("part_message_idx").on(table.messageID),
  ],
);

export type PgGoalRow = typeof goalTable.$inferSelect;
export type PgGoalHistoryRow = typeof goalHistoryTable.$inferSelect;

/**
 * Which replica drives a session, until when (the database's clock), and the fencing token of that hold. Only
 * replicas sharing PostgreSQL lease sessions, so SQLite has no such table.
 */
export const sessionLeaseTable = pgTable("session_lease", {
  sessionID: text("session_id")
    .primaryKey()
    .references(() => sessionTable.id, { onDelete: "cascade" }),
  holder: text("holder").notNull(),
  token: bigint("token", { mode: "number" }).notNull(),
  expiresAt: millis("expires_at").notNull(),
});

/** Events too large for a NOTIFY payload, on their way to the other replicas (pg-event-channel.ts). */
export const relayedEventTable = pgTable("relayed_event", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  payload: text("payload").notNull(),
});
