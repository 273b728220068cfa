CREATE TABLE `webhook_delivery` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`goal_id` text NOT NULL,
	`event` text NOT NULL,
	`url` text NOT NULL,
	`body` text NOT NULL,
	`headers` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`state` text NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_delivery_pending_idx` ON `webhook_delivery` (`state`,`next_at`);--> statement-breakpoint
ALTER TABLE `goal` ADD `webhooks` text;