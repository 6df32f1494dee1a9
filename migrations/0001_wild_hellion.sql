ALTER TABLE `event_deliveries` ADD `outcome` text DEFAULT 'in_flight' NOT NULL;--> statement-breakpoint
ALTER TABLE `event_deliveries` ADD `url` text;--> statement-breakpoint
ALTER TABLE `integrations` ADD `secret_rotated_at` text;--> statement-breakpoint
ALTER TABLE `integrations` ADD `deleted_at` text;--> statement-breakpoint
ALTER TABLE `outbox_events` ADD `claimed_by` text;