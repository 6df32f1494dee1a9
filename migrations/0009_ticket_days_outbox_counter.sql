CREATE TABLE `outbox_counter` (
	`id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_outbox_events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`integration_id` integer NOT NULL,
	`type` text NOT NULL,
	`consultation_id` integer,
	`external_id` text,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`delivered_at` text,
	`last_error` text,
	`claimed_by` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_outbox_events`("seq", "id", "integration_id", "type", "consultation_id", "external_id", "payload", "state", "attempts", "next_attempt_at", "delivered_at", "last_error", "claimed_by", "created_at") SELECT "seq", "id", "integration_id", "type", "consultation_id", "external_id", "payload", "state", "attempts", "next_attempt_at", "delivered_at", "last_error", "claimed_by", "created_at" FROM `outbox_events`;--> statement-breakpoint
DROP TABLE `outbox_events`;--> statement-breakpoint
ALTER TABLE `__new_outbox_events` RENAME TO `outbox_events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_events_id_uq` ON `outbox_events` (`id`);--> statement-breakpoint
CREATE INDEX `outbox_events_due_idx` ON `outbox_events` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_events_integration_idx` ON `outbox_events` (`integration_id`,`seq`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `working_days_taken` integer;