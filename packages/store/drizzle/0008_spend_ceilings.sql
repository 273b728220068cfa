CREATE TABLE `spend_day` (
	`day` integer PRIMARY KEY NOT NULL,
	`tokens` integer NOT NULL,
	`cost_usd` real NOT NULL
);
--> statement-breakpoint
ALTER TABLE `goal` ADD `ceiling` text;--> statement-breakpoint
INSERT INTO `spend_day` (`day`, `tokens`, `cost_usd`)
SELECT (`time` / 86400000) * 86400000, sum(coalesce(json_extract(`data`, '$.charge.tokens'), 0)), sum(coalesce(json_extract(`data`, '$.charge.costUSD'), 0))
FROM `goal_history` WHERE `kind` = 'charged' GROUP BY 1;
