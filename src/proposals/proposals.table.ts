import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json, timestamp } from '../common/columns.ts'
import { entries } from '../kb/kb.table.ts'
import { units } from '../units/units.table.ts'

export type ProposalStatus = 'open' | 'accepted' | 'rejected'

/**
 * D1, B5: a question answered with an entry, de-identified, proposed to the entry's unit as one more
 * similar question. One row per entry and wording (`key`: the text as the matcher reads it), counted
 * each time it is asked again. A rejected row stays, so the wording never comes back.
 */
export const questionProposals = sqliteTable('question_proposals', {
  id: id(),
  entryId: integer('entry_id').notNull().references(() => entries.id),
  question: text('question').notNull(),
  key: text('key').notNull(),
  asked: integer('asked').notNull().default(1),
  /** How many of those were answered automatically (mailbox, portal) rather than by an agent. */
  askedAutomatically: integer('asked_automatically').notNull().default(0),
  firstAskedAt: timestamp('first_asked_at').notNull(),
  lastAskedAt: timestamp('last_asked_at').notNull(),
  status: text('status').$type<ProposalStatus>().notNull().default('open'),
  decidedAt: timestamp('decided_at'),
  decidedBy: integer('decided_by'),
  comment: text('comment'),
  /** The entry version the accepted question went into (through review). */
  entryVersionId: integer('entry_version_id'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('question_proposals_entry_key_uq').on(t.entryId, t.key),
  index('question_proposals_status_idx').on(t.status, t.asked),
])

export type DraftingTaskStatus = 'open' | 'drafted' | 'dismissed'

/** A question the library could not answer, often asked, handed to a unit to write an entry for. */
export const draftingTasks = sqliteTable('drafting_tasks', {
  id: id(),
  unitId: integer('unit_id').notNull().references(() => units.id),
  question: text('question').notNull(),
  variants: json<string[]>('variants').notNull(),
  asked: integer('asked').notNull().default(1),
  note: text('note'),
  status: text('status').$type<DraftingTaskStatus>().notNull().default('open'),
  createdBy: integer('created_by'),
  closedAt: timestamp('closed_at'),
  closedBy: integer('closed_by'),
  closingComment: text('closing_comment'),
  /** The entry written for it. */
  entryId: integer('entry_id').references(() => entries.id),
  createdAt: createdAt(),
}, (t) => [index('drafting_tasks_unit_status_idx').on(t.unitId, t.status)])
