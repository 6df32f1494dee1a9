CREATE TABLE `portal_secrets` (
	`id` integer PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`actor_token_id` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `portal_submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`consultation_id` integer NOT NULL,
	`kind` text NOT NULL,
	`nonce_hash` text NOT NULL,
	`code_hash` text NOT NULL,
	`client_hash` text NOT NULL,
	`question_key` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `portal_submissions_nonce_uq` ON `portal_submissions` (`nonce_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `portal_submissions_consultation_uq` ON `portal_submissions` (`consultation_id`);--> statement-breakpoint
CREATE INDEX `portal_submissions_dup_idx` ON `portal_submissions` (`client_hash`,`question_key`,`created_at`);--> statement-breakpoint
CREATE TABLE `answer_feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`match_id` text NOT NULL,
	`channel` text NOT NULL,
	`query` text NOT NULL,
	`entry_id` integer NOT NULL,
	`verdict` text NOT NULL,
	`probability` real NOT NULL,
	`threshold` real,
	`created_at` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `answer_feedback_match_uq` ON `answer_feedback` (`match_id`);--> statement-breakpoint
CREATE INDEX `answer_feedback_entry_idx` ON `answer_feedback` (`entry_id`);--> statement-breakpoint
CREATE INDEX `answer_feedback_created_idx` ON `answer_feedback` (`created_at`);