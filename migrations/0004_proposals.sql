CREATE TABLE `drafting_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`question` text NOT NULL,
	`variants` text NOT NULL,
	`asked` integer DEFAULT 1 NOT NULL,
	`note` text,
	`status` text DEFAULT 'open' NOT NULL,
	`created_by` integer,
	`closed_at` text,
	`closed_by` integer,
	`closing_comment` text,
	`entry_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `drafting_tasks_unit_status_idx` ON `drafting_tasks` (`unit_id`,`status`);--> statement-breakpoint
CREATE TABLE `question_proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL,
	`question` text NOT NULL,
	`key` text NOT NULL,
	`asked` integer DEFAULT 1 NOT NULL,
	`asked_automatically` integer DEFAULT 0 NOT NULL,
	`first_asked_at` text NOT NULL,
	`last_asked_at` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`decided_at` text,
	`decided_by` integer,
	`comment` text,
	`entry_version_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `question_proposals_entry_key_uq` ON `question_proposals` (`entry_id`,`key`);--> statement-breakpoint
CREATE INDEX `question_proposals_status_idx` ON `question_proposals` (`status`,`asked`);