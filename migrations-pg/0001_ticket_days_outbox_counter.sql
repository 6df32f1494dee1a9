CREATE TABLE "outbox_counter" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox_events" ALTER COLUMN "seq" DROP IDENTITY;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "working_days_taken" integer;