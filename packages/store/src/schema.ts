/**
 * The SQLite schema. Migrations under ../drizzle are generated from this file by `npm run db:generate`;
 * never edit a generated migration, add a new one.
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
import { type AnySQLiteColumn, index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { MessageData, MessageRole, PartData, PartType } from "./transcript.js";

/** One goal per session. Usage and status are real columns so status filters and budget reads use indexes. */
export const goalTable = sqliteTable(
  "goal",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    objective: text("objective").notNull(),
    status: text("status").$type<GoalStatus>().notNull(),
    reason: text("reason"),
    limitReached: text("limit_reached").$type<LimitName>(),
    /** The spend ceiling across goals that stopped the goal (JSON), null otherwise. */
    ceiling: text("ceiling", { mode: "json" }).$type<CeilingHit>(),
    limitTokens: integer("limit_tokens"),
    limitTurns: integer("limit_turns"),
    limitSeconds: real("limit_seconds"),
    limitCostUSD: real("limit_cost_usd"),
    usageTokens: integer("usage_tokens").notNull(),
    usageInput: integer("usage_input").notNull(),
    usageCacheRead: integer("usage_cache_read").notNull(),
    usageCacheWrite: integer("usage_cache_write").notNull(),
    usageOutput: integer("usage_output").notNull(),
    usageReasoning: integer("usage_reasoning").notNull(),
    usageCostUSD: real("usage_cost_usd"),
    usageTurns: integer("usage_turns").notNull(),
    usageSeconds: real("usage_seconds").notNull(),
    evidence: text("evidence"),
    verify: text("verify"),
    /** What a waiting goal waits for (JSON), null otherwise. */
    wait: text("wait", { mode: "json" }).$type<GoalWait>(),
    quietWakes: integer("quiet_wakes").notNull().default(0),
    maxWaitSeconds: real("max_wait_seconds"),
    /** 1 or 0, null for the configured default (a plain integer: the hot update binds it itself). */
    waitForQuota: integer("wait_for_quota"),
    /** The goal's acceptance criteria with their closures (JSON), null when it has none. */
    criteria: text("criteria", { mode: "json" }).$type<Criterion[]>(),
    /** The goal's own webhooks (JSON), null when it has none. */
    webhooks: text("webhooks", { mode: "json" }).$type<GoalWebhook[]>(),
    createdBy: text("created_by").$type<"user" | "model">().notNull(),
    timeCreated: integer("time_created").notNull(),
    timeUpdated: integer("time_updated").notNull(),
    timeCompleted: integer("time_completed"),
    /** Bumped by every write; a write that expected another version lost a race and is retried. */
    version: integer("version").notNull(),
  },
  (table) => [
    uniqueIndex("goal_session_id_unique").on(table.sessionID),
    index("goal_status_idx").on(table.status, table.timeUpdated),
  ],
);

/**
 * Append-only. No foreign key to `goal`: history outlives a cleared goal. The unique (goal_id, charge_key)
 * index is what makes charges idempotent (NULL keys never collide).
 */
export const goalHistoryTable = sqliteTable(
  "goal_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    goalID: text("goal_id").notNull(),
    sessionID: text("session_id").notNull(),
    actor: text("actor").$type<Actor>().notNull(),
    kind: text("kind").$type<GoalHistoryKind>().notNull(),
    time: integer("time").notNull(),
    /** The event's own fields (everything but `kind`). */
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    chargeKey: text("charge_key"),
  },
  (table) => [
    index("goal_history_session_idx").on(table.sessionID),
    uniqueIndex("goal_history_charge_unique").on(table.goalID, table.chargeKey),
  ],
);

/**
 * What every goal's charges add up to per UTC day (`day`: its midnight, epoch ms), written in each charge's own
 * transaction: the spend ceilings read a week's spend from at most eight rows.
 */
export const spendDayTable = sqliteTable("spend_day", {
  day: integer("day").primaryKey(),
  tokens: integer("tokens").notNull(),
  costUSD: real("cost_usd").notNull(),
});

/**
 * Model steps reserved before their request and not yet charged: the estimated input, then the output streamed
 * so far. The step's charge deletes its row in the same transaction; a row left behind is charged at start-up.
 */
export const stepReservationTable = sqliteTable("step_reservation", {
  key: text("key").primaryKey(),
  goalID: text("goal_id").notNull(),
  sessionID: text("session_id").notNull(),
  inputTokens: integer("input_tokens").notNull(),
  outputTokens: integer("output_tokens").notNull(),
  time: integer("time").notNull(),
});

/**
 * Webhook POSTs not yet delivered (and, for a while, those that were): each keeps its body and headers as first
 * made, so a retry after a restart sends the same bytes.
 */
export const webhookDeliveryTable = sqliteTable(
  "webhook_delivery",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    goalID: text("goal_id").notNull(),
    event: text("event").$type<WebhookDelivery["event"]>().notNull(),
    url: text("url").notNull(),
    body: text("body").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    attempts: integer("attempts").notNull(),
    nextAt: integer("next_at").notNull(),
    createdAt: integer("created_at").notNull(),
    state: text("state").$type<WebhookDelivery["state"]>().notNull(),
    lastError: text("last_error"),
  },
  (table) => [index("webhook_delivery_pending_idx").on(table.state, table.nextAt)],
);

/** Goals waiting their turn in a session, in `position` order (0 is next). */
export const goalQueueTable = sqliteTable(
  "goal_queue",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id").notNull(),
    position: integer("position").notNull(),
    input: text("input", { mode: "json" }).$type<QueuedGoalInput>().notNull(),
    time: integer("time").notNull(),
  },
  (table) => [index("goal_queue_session_idx").on(table.sessionID, table.position)],
);

export const sessionTable = sqliteTable(
  "session",
  {
    id: text("id").primaryKey(),
    parentID: text("parent_id").references((): AnySQLiteColumn => sessionTable.id, { onDelete: "cascade" }),
    title: text("title").notNull().default(""),
    directory: text("directory").notNull(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
    timeCreated: integer("time_created").notNull(),
    timeUpdated: integer("time_updated").notNull(),
  },
  (table) => [index("session_updated_idx").on(table.timeUpdated), index("session_parent_idx").on(table.parentID)],
);

export const messageTable = sqliteTable(
  "message",
  {
    id: text("id").primaryKey(),
    sessionID: text("session_id")
      .notNull()
      .references(() => sessionTable.id, { onDelete: "cascade" }),
    role: text("role").$type<MessageRole>().notNull(),
    seq: integer("seq").notNull(),
    timeCreated: integer("time_created").notNull(),
    timeCompleted: integer("time_completed"),
    data: text("data", { mode: "json" }).$type<MessageData>().notNull(),
  },
  (table) => [uniqueIndex("message_session_seq_unique").on(table.sessionID, table.seq)],
);

/** `seq` runs across the whole session, so one index scan reads a session's transcript in order. */
export const partTable = sqliteTable(
  "part",
  {
    id: text("id").primaryKey(),
    messageID: text("message_id")
      .notNull()
      .references(() => messageTable.id, { onDelete: "cascade" }),
    sessionID: text("session_id").notNull(),
    seq: integer("seq").notNull(),
    type: text("type").$type<PartType>().notNull(),
    data: text("data", { mode: "json" }).$type<PartData>().notNull(),
    timeCreated: integer("time_created").notNull(),
    timeUpdated: integer("time_updated").notNull(),
  },
  (table) => [
    uniqueIndex("part_session_seq_unique").on(table.sessionID, table.seq),
    index("part_message_idx").on(table.messageID),
  ],
);

export type GoalRow = typeof goalTable.$inferSelect;
export type GoalHistoryRow = typeof goalHistoryTable.$inferSelect;
export type SessionRow = typeof sessionTable.$inferSelect;
export type MessageRow = typeof messageTable.$inferSelect;
export type PartRow = typeof partTable.$inferSelect;
