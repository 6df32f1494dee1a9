CREATE TABLE `import_job_rows` (
	`job_id` integer NOT NULL,
	`row_no` integer NOT NULL,
	`action` text NOT NULL,
	`input` text,
	`cells` text NOT NULL,
	`problems` text,
	PRIMARY KEY(`job_id`, `row_no`),
	FOREIGN KEY (`job_id`) REFERENCES `import_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `import_job_rows_action_idx` ON `import_job_rows` (`job_id`,`action`,`row_no`);--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`token_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`format` text NOT NULL,
	`file_size` integer NOT NULL,
	`file_sha256` text NOT NULL,
	`status` text NOT NULL,
	`bytes_read` integer DEFAULT 0 NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`rows_written` integer DEFAULT 0 NOT NULL,
	`to_create` integer DEFAULT 0 NOT NULL,
	`to_update` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`error_rows` integer DEFAULT 0 NOT NULL,
	`result` text,
	`error_code` text,
	`error_message` text,
	`note` text,
	`phase_started_at` text,
	`validated_at` text,
	`finished_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_jobs_token_idx` ON `import_jobs` (`token_id`);--> statement-breakpoint
CREATE INDEX `import_jobs_status_idx` ON `import_jobs` (`status`);