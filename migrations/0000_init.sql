CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`created_at` text NOT NULL,
	`actor_token_id` integer,
	`actor_role` text,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_ids` text NOT NULL,
	`details` text,
	`request_id` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_token_id`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` integer,
	`review_step` integer,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_by` integer,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_id` integer NOT NULL,
	`key` text NOT NULL,
	`route` text NOT NULL,
	`body_hash` text NOT NULL,
	`status_code` integer NOT NULL,
	`response` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_token_key_uq` ON `idempotency_keys` (`token_id`,`key`);--> statement-breakpoint
CREATE INDEX `idempotency_keys_created_idx` ON `idempotency_keys` (`created_at`);--> statement-breakpoint
CREATE TABLE `calendar_years` (
	`year` integer PRIMARY KEY NOT NULL,
	`holidays` text NOT NULL,
	`workdays` text NOT NULL,
	`source_url` text NOT NULL,
	`updated_by` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `consultations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel` text NOT NULL,
	`kind` text DEFAULT 'question' NOT NULL,
	`question` text NOT NULL,
	`asker_name` text,
	`asker_phone` text,
	`asker_email` text,
	`preferred_reply` text,
	`received_at` text NOT NULL,
	`outcome` text NOT NULL,
	`answered_entry_id` integer,
	`answered_automatically` integer DEFAULT false NOT NULL,
	`match_id` text,
	`confidence` real,
	`topic_id` integer,
	`policy_document_id` integer,
	`registered_by` integer,
	`external_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`answered_entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `consultations_external_uq` ON `consultations` (`registered_by`,`external_id`);--> statement-breakpoint
CREATE INDEX `consultations_received_idx` ON `consultations` (`received_at`);--> statement-breakpoint
CREATE INDEX `consultations_channel_idx` ON `consultations` (`channel`);--> statement-breakpoint
CREATE TABLE `ticket_counters` (
	`day` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`actor_token_id` integer,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`from_unit_id` integer,
	`to_unit_id` integer,
	`note` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_idx` ON `ticket_events` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`consultation_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`status` text NOT NULL,
	`routing` text DEFAULT 'dispatch' NOT NULL,
	`received_at` text NOT NULL,
	`assigned_at` text,
	`working_days` integer NOT NULL,
	`due_at` text NOT NULL,
	`due_at_provisional` integer DEFAULT false NOT NULL,
	`answer` text,
	`answered_at` text,
	`answered_by` integer,
	`reply_method` text,
	`replied_at` text,
	`replied_by` text,
	`closed_at` text,
	`suggestion_decision` text,
	`decision_reason` text,
	`reassign_count` integer DEFAULT 0 NOT NULL,
	`return_count` integer DEFAULT 0 NOT NULL,
	`promoted_entry_id` integer,
	`due_soon_notified_at` text,
	`overdue_notified_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`consultation_id`) REFERENCES `consultations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_uq` ON `tickets` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_consultation_uq` ON `tickets` (`consultation_id`);--> statement-breakpoint
CREATE INDEX `tickets_unit_status_idx` ON `tickets` (`unit_id`,`status`);--> statement-breakpoint
CREATE INDEX `tickets_due_idx` ON `tickets` (`due_at`);--> statement-breakpoint
CREATE TABLE `event_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`created_at` text NOT NULL,
	`outcome` text DEFAULT 'in_flight' NOT NULL,
	`url` text,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `event_deliveries_event_idx` ON `event_deliveries` (`event_id`);--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`token_id` integer NOT NULL,
	`webhook_url` text,
	`secret` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`secret_rotated_at` text,
	`deleted_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integrations_token_uq` ON `integrations` (`token_id`);--> statement-breakpoint
CREATE TABLE `outbox_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
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
CREATE UNIQUE INDEX `outbox_events_id_uq` ON `outbox_events` (`id`);--> statement-breakpoint
CREATE INDEX `outbox_events_due_idx` ON `outbox_events` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_events_integration_idx` ON `outbox_events` (`integration_id`,`seq`);--> statement-breakpoint
CREATE TABLE `entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text,
	`unit_id` integer NOT NULL,
	`topic_id` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`published_version_id` integer,
	`latest_version` integer DEFAULT 1 NOT NULL,
	`hit_count` integer DEFAULT 0 NOT NULL,
	`last_hit_at` text,
	`source_ticket_id` integer,
	`published_at` text,
	`archived_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entries_external_id_uq` ON `entries` (`external_id`);--> statement-breakpoint
CREATE INDEX `entries_status_idx` ON `entries` (`status`);--> statement-breakpoint
CREATE INDEX `entries_unit_idx` ON `entries` (`unit_id`);--> statement-breakpoint
CREATE INDEX `entries_topic_idx` ON `entries` (`topic_id`);--> statement-breakpoint
CREATE TABLE `entry_version_documents` (
	`entry_version_id` integer NOT NULL,
	`policy_document_id` integer NOT NULL,
	PRIMARY KEY(`entry_version_id`, `policy_document_id`),
	FOREIGN KEY (`entry_version_id`) REFERENCES `entry_versions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`policy_document_id`) REFERENCES `policy_documents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evd_doc_idx` ON `entry_version_documents` (`policy_document_id`);--> statement-breakpoint
CREATE TABLE `entry_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL,
	`version` integer NOT NULL,
	`question` text NOT NULL,
	`similar_questions` text NOT NULL,
	`answer` text NOT NULL,
	`keywords` text NOT NULL,
	`topic_id` integer,
	`media` text NOT NULL,
	`state` text DEFAULT 'draft' NOT NULL,
	`review_step` integer,
	`change_note` text,
	`created_by` integer,
	`submitted_at` text,
	`published_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `entries`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`topic_id`) REFERENCES `topics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `entry_versions_entry_version_uq` ON `entry_versions` (`entry_id`,`version`);--> statement-breakpoint
CREATE INDEX `entry_versions_state_idx` ON `entry_versions` (`state`);--> statement-breakpoint
CREATE TABLE `interpretations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_document_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`policy_document_id`) REFERENCES `policy_documents`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `interpretations_doc_idx` ON `interpretations` (`policy_document_id`);--> statement-breakpoint
CREATE TABLE `policy_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`doc_number` text,
	`issuer` text NOT NULL,
	`url` text,
	`published_on` text,
	`effective_on` text,
	`expires_on` text,
	`validity` text DEFAULT 'in_force' NOT NULL,
	`validity_changed_at` text,
	`unit_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `policy_documents_validity_idx` ON `policy_documents` (`validity`);--> statement-breakpoint
CREATE UNIQUE INDEX `policy_documents_doc_number_uq` ON `policy_documents` (`doc_number`);--> statement-breakpoint
CREATE TABLE `review_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_version_id` integer NOT NULL,
	`action` text NOT NULL,
	`step` integer,
	`step_name` text,
	`comment` text,
	`actor_token_id` integer,
	`created_at` text NOT NULL,
	FOREIGN KEY (`entry_version_id`) REFERENCES `entry_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `review_actions_version_idx` ON `review_actions` (`entry_version_id`);--> statement-breakpoint
CREATE TABLE `dictionary_terms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dictionary_terms_term_uq` ON `dictionary_terms` (`term`);--> statement-breakpoint
CREATE TABLE `match_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`question` text NOT NULL,
	`topic_code` text,
	`matched` integer NOT NULL,
	`confidence` real NOT NULL,
	`top_entry_id` integer,
	`candidates` text NOT NULL,
	`token_id` integer,
	`used_entry_id` integer,
	`none_fitted` integer,
	`feedback_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `match_logs_created_idx` ON `match_logs` (`created_at`);--> statement-breakpoint
CREATE INDEX `match_logs_none_idx` ON `match_logs` (`none_fitted`);--> statement-breakpoint
CREATE TABLE `question_hits` (
	`entry_id` integer NOT NULL,
	`question` text NOT NULL,
	`hits` integer DEFAULT 0 NOT NULL,
	`last_hit_at` text,
	PRIMARY KEY(`entry_id`, `question`)
);
--> statement-breakpoint
CREATE TABLE `synonyms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`term` text NOT NULL,
	`canonical` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `synonyms_term_uq` ON `synonyms` (`term`);--> statement-breakpoint
CREATE TABLE `publication_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`ticket_id` integer NOT NULL,
	`summary` text NOT NULL,
	`received_on` text NOT NULL,
	`replied_on` text,
	`unit_name` text NOT NULL,
	`answer` text NOT NULL,
	`selected_by` integer,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publication_items_ticket_uq` ON `publication_items` (`ticket_id`);--> statement-breakpoint
CREATE INDEX `publication_items_month_idx` ON `publication_items` (`month`);--> statement-breakpoint
CREATE TABLE `topics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`default_unit_id` integer,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`default_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `topics_code_uq` ON `topics` (`code`);--> statement-breakpoint
CREATE INDEX `topics_required_idx` ON `topics` (`required`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`contact_name` text,
	`contact_phone` text,
	`contact_email` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_uq` ON `units` (`code`);