CREATE TABLE `step_reservation` (
	`key` text PRIMARY KEY NOT NULL,
	`goal_id` text NOT NULL,
	`session_id` text NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`time` integer NOT NULL
);
