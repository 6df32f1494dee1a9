import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, timestamp } from '../common/columns.ts'
import { consultations } from '../consultations/consultations.table.ts'
import type { Routing, SuggestionDecision, TicketStatus } from './tickets.types.ts'

/** One row of the 登记台账. */
export const tickets = sqliteTable('tickets', {
  id: id(),
  number: text('number').notNull(),
  consultationId: integer('consultation_id').notNull().references(() => consultations.id),
  unitId: integer('unit_id').notNull(),
  status: text('status').$type<TicketStatus>().notNull(),
  routing: text('routing').$type<Routing>().notNull().default('dispatch'),
  receivedAt: text('received_at').notNull(),
  assignedAt: timestamp('assigned_at'),
  workingDays: integer('working_days').notNull(),
  dueAt: text('due_at').notNull(),
  dueAtProvisional: integer('due_at_provisional', { mode: 'boolean' }).notNull().default(false),
  answer: text('answer'),
  answeredAt: timestamp('answered_at'),
  answeredBy: integer('answered_by'),
  replyMethod: text('reply_method'),
  repliedAt: timestamp('replied_at'),
  repliedBy: text('replied_by'),
  /**
   * Working days from receipt to the reply to the asker (calendar.workingDaysBetween), stored when
   * the reply is recorded so the statistics read a column on either engine; NULL until replied.
   * Recomputed when the calendar changes (tickets.calendar.ts).
   */
  workingDaysTaken: integer('working_days_taken'),
  closedAt: timestamp('closed_at'),
  suggestionDecision: text('suggestion_decision').$type<SuggestionDecision>(),
  decisionReason: text('decision_reason'),
  /**
   * A suggestion's text as its policy document's public page shows it (F2): given by the unit with its
   * decision, or the de-identified suggestion it was shown before deciding; the unit may correct it.
   * NULL for questions, and for suggestions decided before it existed (shown de-identified).
   */
  publicSummary: text('public_summary'),
  reassignCount: integer('reassign_count').notNull().default(0),
  returnCount: integer('return_count').notNull().default(0),
  promotedEntryId: integer('promoted_entry_id'),
  dueSoonNotifiedAt: timestamp('due_soon_notified_at'),
  overdueNotifiedAt: timestamp('overdue_notified_at'),
  /** 1 for the first handling; each 重办 adds one (the earlier rounds are in ticket_rounds). */
  round: integer('round').notNull().default(1),
  /** When the current round began, if the ticket was redone; its deadline counts from here. */
  reopenedAt: timestamp('reopened_at'),
  /**
   * The 查询码 (tickets.lookup-code.ts), told to the asker with the number: with both the asker follows
   * the ticket and rates the reply on the public pages. Kept here when an agent or the submitting
   * system tells it (they may read it again); NULL when only the asker holds it (below).
   */
  lookupCode: text('lookup_code'),
  /** The hash of a code that only the asker holds: the one the public pages showed them. */
  lookupCodeHash: text('lookup_code_hash'),
  createdAt: createdAt(),
  updatedAt: text('updated_at').notNull().$defaultFn(() => new Date().toISOString()),
}, (t) => [
  uniqueIndex('tickets_number_uq').on(t.number),
  uniqueIndex('tickets_consultation_uq').on(t.consultationId),
  index('tickets_unit_status_idx').on(t.unitId, t.status),
  index('tickets_due_idx').on(t.dueAt),
])

/** The immutable history of a ticket: who, when, what, from → to. */
export const ticketEvents = sqliteTable('ticket_events', {
  id: id(),
  ticketId: integer('ticket_id').notNull().references(() => tickets.id),
  at: createdAt(),
  actorTokenId: integer('actor_token_id'),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status'),
  fromUnitId: integer('from_unit_id'),
  toUnitId: integer('to_unit_id'),
  note: text('note'),
}, (t) => [index('ticket_events_ticket_idx').on(t.ticketId)])

/** Per-day sequence for readable ticket numbers (ZX20251009-0001). */
export const ticketCounters = sqliteTable('ticket_counters', {
  day: text('day').primaryKey(),
  seq: integer('seq').notNull(),
})
