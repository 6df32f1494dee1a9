-- A suggestion's public summary, as migrations/0012_suggestion_public_summary.sql.
ALTER TABLE "tickets" ADD COLUMN "public_summary" text;
