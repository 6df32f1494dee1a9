-- A suggestion's public summary (tickets.table.ts publicSummary): what its policy document's page shows,
-- given or confirmed by the unit with its decision. Suggestions decided before stay NULL and show de-identified.
ALTER TABLE `tickets` ADD `public_summary` text;
