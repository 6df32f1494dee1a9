ALTER TABLE `consultations` ADD `topic_id` integer REFERENCES topics(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `routing` text DEFAULT 'dispatch' NOT NULL;