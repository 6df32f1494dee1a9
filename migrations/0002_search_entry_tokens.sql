CREATE TABLE `search_entry_tokens` (
	`entry_id` integer PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`tokens` text NOT NULL
);
