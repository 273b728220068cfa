CREATE TABLE `goal_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`goal_id` text NOT NULL,
	`session_id` text NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`time` integer NOT NULL,
	`data` text NOT NULL,
	`charge_key` text
);
--> statement-breakpoint
CREATE INDEX `goal_history_session_idx` ON `goal_history` (`session_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `goal_history_charge_unique` ON `goal_history` (`goal_id`,`charge_key`);--> statement-breakpoint
CREATE TABLE `goal` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`objective` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`limit_reached` text,
	`limit_tokens` integer,
	`limit_turns` integer,
	`limit_seconds` real,
	`limit_cost_usd` real,
	`usage_tokens` integer NOT NULL,
	`usage_input` integer NOT NULL,
	`usage_cache_read` integer NOT NULL,
	`usage_cache_write` integer NOT NULL,
	`usage_output` integer NOT NULL,
	`usage_reasoning` integer NOT NULL,
	`usage_cost_usd` real,
	`usage_turns` integer NOT NULL,
	`usage_seconds` real NOT NULL,
	`evidence` text,
	`verify` text,
	`created_by` text NOT NULL,
	`time_created` integer NOT NULL,
	`time_updated` integer NOT NULL,
	`time_completed` integer,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `goal_session_id_unique` ON `goal` (`session_id`);--> statement-breakpoint
CREATE INDEX `goal_status_idx` ON `goal` (`status`,`time_updated`);--> statement-breakpoint
CREATE TABLE `message` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`role` text NOT NULL,
	`seq` integer NOT NULL,
	`time_created` integer NOT NULL,
	`time_completed` integer,
	`data` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `message_session_seq_unique` ON `message` (`session_id`,`seq`);--> statement-breakpoint
CREATE TABLE `part` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`session_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`time_created` integer NOT NULL,
	`time_updated` integer NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `message`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `part_session_seq_unique` ON `part` (`session_id`,`seq`);--> statement-breakpoint
CREATE INDEX `part_message_idx` ON `part` (`message_id`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`parent_id` text,
	`title` text DEFAULT '' NOT NULL,
	`directory` text NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`time_created` integer NOT NULL,
	`time_updated` integer NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `session`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_updated_idx` ON `session` (`time_updated`);--> statement-breakpoint
CREATE INDEX `session_parent_idx` ON `session` (`parent_id`);