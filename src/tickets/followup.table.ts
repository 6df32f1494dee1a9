import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, timestamp } from '../common/columns.ts'
import { tickets } from './tickets.table.ts'
import type { Rating } from './tickets.types.ts'

// After the reply (H2, C4, C5): earlier rounds of a redone ticket, the asker's ratings and the
// promises units make in their answers.

/** Where a rating came from: the agent's call-back (回访), the submitting integration, the public pages. */
export type RatingSource = 'callback' | 'integration' | 'public'

/** A finished round of a redone ticket, as it stood when it was reopened (重办). */
export const ticketRounds = sqliteTable('ticket_rounds', {
  id: id(),
  ticketId: integer('ticket_id').notNull().references(() => tickets.id),
  round: integer('round').notNull(),
  unitId: integer('unit_id').notNull(),
  startedAt: text('started_at').notNull(),
  dueAt: text('due_at').notNull(),
  answer: text('answer'),
  answeredAt: timestamp('answered_at'),
  replyMethod: text('reply_method'),
  repliedAt: timestamp('replied_at'),
  repliedBy: text('replied_by'),
  closedAt: timestamp('closed_at'),
  redoneAt: text('redone_at').notNull(),
  redoneBy: integer('redone_by'),
  /** 'rating': an unsatisfied rating reopened it; 'office': the office decided. */
  redoTrigger: text('redo_trigger').$type<'rating' | 'office'>().notNull(),
  redoReason: text('redo_reason').notNull(),
}, (t) => [uniqueIndex('ticket_rounds_ticket_round_uq').on(t.ticketId, t.round)])

/** The asker's rating of one round's reply: one per round, changeable within RATING_CHANGE_DAYS. */
export const ticketRatings = sqliteTable('ticket_ratings', {
  id: id(),
  ticketId: integer('ticket_id').notNull().references(() => tickets.id),
  round: integer('round').notNull(),
  /** The unit whose reply was rated. */
  unitId: integer('unit_id').notNull(),
  rating: text('rating').$type<Rating>().notNull(),
  comment: text('comment'),
  source: text('source').$type<RatingSource>().notNull(),
  ratedBy: integer('rated_by'),
  ratedAt: text('rated_at').notNull(),
  changedAt: timestamp('changed_at'),
  changeCount: integer('change_count').notNull().default(0),
}, (t) => [
  uniqueIndex('ticket_ratings_ticket_round_uq').on(t.ticketId, t.round),
  index('ticket_ratings_rated_idx').on(t.ratedAt),
])

export type PromiseState = 'open' | 'fulfilled'

/** A promise made in an answer (承诺事项): what, by when; closed with a note of what was done. */
export const ticketPromises = sqliteTable('ticket_promises', {
  id: id(),
  ticketId: integer('ticket_id').notNull().references(() => tickets.id),
  round: integer('round').notNull(),
  unitId: integer('unit_id').notNull(),
  content: text('content').notNull(),
  /** As the unit stated it: a date, or a number of working days from the promise. */
  dueOn: text('due_on'),
  workingDays: integer('working_days'),
  dueAt: text('due_at').notNull(),
  dueAtProvisional: integer('due_at_provisional', { mode: 'boolean' }).notNull().default(false),
  state: text('state').$type<PromiseState>().notNull().default('open'),
  fulfilledAt: timestamp('fulfilled_at'),
  fulfilmentNote: text('fulfilment_note'),
  fulfilledBy: integer('fulfilled_by'),
  dueSoonNotifiedAt: timestamp('due_soon_notified_at'),
  overdueNotifiedAt: timestamp('overdue_notified_at'),
  createdBy: integer('created_by'),
  createdAt: createdAt(),
}, (t) => [
  index('ticket_promises_ticket_idx').on(t.ticketId),
  index('ticket_promises_unit_state_idx').on(t.unitId, t.state),
  index('ticket_promises_due_idx').on(t.dueAt),
])
