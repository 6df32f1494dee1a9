ALTER TABLE `match_logs` ADD `answered_at` text;--> statement-breakpoint
ALTER TABLE `match_logs` ADD `feedback_hit_entry_id` integer;--> statement-breakpoint
ALTER TABLE `match_logs` ADD `feedback_hit_question` text;