-- One 查询码 per ticket (tickets.lookup-code.ts). A ticket asked on the public pages moves the hash of
-- the code its asker holds from portal_submissions to the ticket; the six digits it was also given were
-- never shown to that asker and are dropped. Tickets of the other channels keep the code they were told.
ALTER TABLE `tickets` ADD `lookup_code_hash` text;--> statement-breakpoint
UPDATE `tickets` SET
  `lookup_code_hash` = (SELECT `code_hash` FROM `portal_submissions` WHERE `portal_submissions`.`consultation_id` = `tickets`.`consultation_id`),
  `lookup_code` = NULL
WHERE `consultation_id` IN (SELECT `consultation_id` FROM `portal_submissions`);--> statement-breakpoint
ALTER TABLE `portal_submissions` DROP COLUMN `code_hash`;
