ALTER TABLE `goal` ADD `wait` text;--> statement-breakpoint
ALTER TABLE `goal` ADD `quiet_wakes` integer DEFAULT 0 NOT NULL;