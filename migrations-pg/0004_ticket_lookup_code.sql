-- One 查询码 per ticket (tickets.lookup-code.ts), as migrations/0011_ticket_lookup_code.sql.
ALTER TABLE "tickets" ADD COLUMN "lookup_code_hash" text;--> statement-breakpoint
UPDATE "tickets" SET "lookup_code_hash" = "portal_submissions"."code_hash", "lookup_code" = NULL
FROM "portal_submissions" WHERE "portal_submissions"."consultation_id" = "tickets"."consultation_id";--> statement-breakpoint
ALTER TABLE "portal_submissions" DROP COLUMN "code_hash";
