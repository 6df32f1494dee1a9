CREATE TABLE `index_change_counter` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `index_changes` (
	`version` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`entry_ids` text,
	`origin` text NOT NULL,
	`created_at` text NOT NULL
);
