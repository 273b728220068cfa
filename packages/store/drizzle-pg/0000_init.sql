CREATE TABLE "goal_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"goal_id" text NOT NULL,
	"session_id" text NOT NULL,
	"actor" text NOT NULL,
	"kind" text NOT NULL,
	"time" bigint NOT NULL,
	"data" jsonb NOT NULL,
	"charge_key" text
);
--> statement-breakpoint
CREATE TABLE "goal_queue" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"position" integer NOT NULL,
	"input" jsonb NOT NULL,
	"time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "goal" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"objective" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"limit_reached" text,
	"ceiling" jsonb,
	"limit_tokens" bigint,
	"limit_turns" integer,
	"limit_seconds" double precision,
	"limit_cost_usd" double precision,
	"usage_tokens" bigint NOT NULL,
	"usage_input" bigint NOT NULL,
	"usage_cache_read" bigint NOT NULL,
	"usage_cache_write" bigint NOT NULL,
	"usage_output" bigint NOT NULL,
	"usage_reasoning" bigint NOT NULL,
	"usage_cost_usd" double precision,
	"usage_turns" integer NOT NULL,
	"usage_seconds" double precision NOT NULL,
	"evidence" text,
	"verify" text,
	"wait" jsonb,
	"quiet_wakes" integer DEFAULT 0 NOT NULL,
	"max_wait_seconds" double precision,
	"wait_for_quota" integer,
	"criteria" jsonb,
	"webhooks" jsonb,
	"created_by" text NOT NULL,
	"time_created" bigint NOT NULL,
	"time_updated" bigint NOT NULL,
	"time_completed" bigint,
	"version" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "message" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"role" text NOT NULL,
	"seq" integer NOT NULL,
	"time_created" bigint NOT NULL,
	"time_completed" bigint,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "part" (
	"id" text PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"session_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"time_created" bigint NOT NULL,
	"time_updated" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"title" text DEFAULT '' NOT NULL,
	"directory" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"time_created" bigint NOT NULL,
	"time_updated" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spend_day" (
	"day" bigint PRIMARY KEY NOT NULL,
	"tokens" bigint NOT NULL,
	"cost_usd" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "step_reservation" (
	"key" text PRIMARY KEY NOT NULL,
	"goal_id" text NOT NULL,
	"session_id" text NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"time" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_delivery" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"goal_id" text NOT NULL,
	"event" text NOT NULL,
	"url" text NOT NULL,
	"body" text NOT NULL,
	"headers" jsonb NOT NULL,
	"attempts" integer NOT NULL,
	"next_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"state" text NOT NULL,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_session_id_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "part" ADD CONSTRAINT "part_message_id_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_parent_id_session_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "goal_history_session_idx" ON "goal_history" USING btree ("session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "goal_history_charge_unique" ON "goal_history" USING btree ("goal_id","charge_key");--> statement-breakpoint
CREATE INDEX "goal_queue_session_idx" ON "goal_queue" USING btree ("session_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "goal_session_id_unique" ON "goal" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "goal_status_idx" ON "goal" USING btree ("status","time_updated");--> statement-breakpoint
CREATE UNIQUE INDEX "message_session_seq_unique" ON "message" USING btree ("session_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "part_session_seq_unique" ON "part" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "part_message_idx" ON "part" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "session_updated_idx" ON "session" USING btree ("time_updated");--> statement-breakpoint
CREATE INDEX "session_parent_idx" ON "session" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "webhook_delivery_pending_idx" ON "webhook_delivery" USING btree ("state","next_at");