CREATE TABLE `link_check_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`state` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`total` integer DEFAULT 0 NOT NULL,
	`checked` integer DEFAULT 0 NOT NULL,
	`ok` integer DEFAULT 0 NOT NULL,
	`broken` integer DEFAULT 0 NOT NULL,
	`started_by` integer
);
--> statement-breakpoint
CREATE TABLE `link_checks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`state` text NOT NULL,
	`http_status` integer,
	`method` text,
	`final_url` text,
	`error` text,
	`checked_at` text NOT NULL,
	`last_ok_at` text,
	`failing_since` text,
	`duration_ms` integer,
	`run_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `link_checks_url_unique` ON `link_checks` (`url`);--> statement-breakpoint
CREATE INDEX `link_checks_state_idx` ON `link_checks` (`state`);--> statement-breakpoint
CREATE TABLE `ticket_promises` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`round` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`content` text NOT NULL,
	`due_on` text,
	`working_days` integer,
	`due_at` text NOT NULL,
	`due_at_provisional` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`fulfilled_at` text,
	`fulfilment_note` text,
	`fulfilled_by` integer,
	`due_soon_notified_at` text,
	`overdue_notified_at` text,
	`created_by` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_promises_ticket_idx` ON `ticket_promises` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `ticket_promises_unit_state_idx` ON `ticket_promises` (`unit_id`,`state`);--> statement-breakpoint
CREATE INDEX `ticket_promises_due_idx` ON `ticket_promises` (`due_at`);--> statement-breakpoint
CREATE TABLE `ticket_ratings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`round` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`rating` text NOT NULL,
	`comment` text,
	`source` text NOT NULL,
	`rated_by` integer,
	`rated_at` text NOT NULL,
	`changed_at` text,
	`change_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_ratings_ticket_round_uq` ON `ticket_ratings` (`ticket_id`,`round`);--> statement-breakpoint
CREATE INDEX `ticket_ratings_rated_idx` ON `ticket_ratings` (`rated_at`);--> statement-breakpoint
CREATE TABLE `ticket_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`round` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`started_at` text NOT NULL,
	`due_at` text NOT NULL,
	`answer` text,
	`answered_at` text,
	`reply_method` text,
	`replied_at` text,
	`replied_by` text,
	`closed_at` text,
	`redone_at` text NOT NULL,
	`redone_by` integer,
	`redo_trigger` text NOT NULL,
	`redo_reason` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ticket_rounds_ticket_round_uq` ON `ticket_rounds` (`ticket_id`,`round`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `reopened_at` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `lookup_code` text;--> statement-breakpoint
-- hand-written: tickets opened before this migration get a lookup code too (six digits), so their askers can rate them.
UPDATE `tickets` SET `lookup_code` = printf('%06d', abs(random()) % 1000000) WHERE `lookup_code` IS NULL;
