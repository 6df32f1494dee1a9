import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import type { Channel } from '../config.ts'
import { createdAt, id, timestamp } from '../common/columns.ts'
import { entries } from '../kb/kb.table.ts'
import { topics } from '../units/units.table.ts'

export type ConsultationKind = 'question' | 'suggestion'
export type Outcome = 'answered' | 'ticketed'

/** 咨询: one question or suggestion from an asker, by any channel. */
export const consultations = sqliteTable('consultations', {
  id: id(),
  channel: text('channel').$type<Channel>().notNull(),
  kind: text('kind').$type<ConsultationKind>().notNull().default('question'),
  question: text('question').notNull(),
  askerName: text('asker_name'),
  askerPhone: text('asker_phone'),
  askerEmail: text('asker_email'),
  preferredReply: text('preferred_reply'),
  receivedAt: text('received_at').notNull(),
  outcome: text('outcome').$type<Outcome>().notNull(),
  answeredEntryId: integer('answered_entry_id').references(() => entries.id),
  answeredAutomatically: integer('answered_automatically', { mode: 'boolean' }).notNull().default(false),
  matchId: text('match_id'),
  confidence: real('confidence'),
  /** The policy area named by the agent: narrows the matcher and hints at the drafting unit. */
  topicId: integer('topic_id').references(() => topics.id),
  /** A policy document the suggestion is about (F1). */
  policyDocumentId: integer('policy_document_id'),
  /** The token that registered it: an agent, or an integration for mailbox letters. */
  registeredBy: integer('registered_by'),
  /** The letter's id in the submitting system; unique per submitting token. */
  externalId: text('external_id'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('consultations_external_uq').on(t.registeredBy, t.externalId),
  index('consultations_received_idx').on(t.receivedAt),
  index('consultations_channel_idx').on(t.channel),
])

/** Every state a ticket can be in, in lifecycle order. Which of them are open: OPEN_TICKET_STATUSES in tickets.lifecycle.ts. */
export const TICKET_STATUSES = ['registered', 'assigned', 'answered', 'replied', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export type SuggestionDecision = 'adopted' | 'partially_adopted' | 'not_adopted'
/** Why the ticket went to its first unit: the agent's choice, the suggestion's policy document, the matcher's candidates, the topic, or the dispatcher. */
export type Routing = 'chosen' | 'policy' | 'candidates' | 'topic' | 'dispatch'

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
  closedAt: timestamp('closed_at'),
  suggestionDecision: text('suggestion_decision').$type<SuggestionDecision>(),
  decisionReason: text('decision_reason'),
  reassignCount: integer('reassign_count').notNull().default(0),
  returnCount: integer('return_count').notNull().default(0),
  promotedEntryId: integer('promoted_entry_id'),
  dueSoonNotifiedAt: timestamp('due_soon_notified_at'),
  overdueNotifiedAt: timestamp('overdue_notified_at'),
  /** 1 for the first handling; each 重办 adds one (the earlier rounds are in ticket_rounds). */
  round: integer('round').notNull().default(1),
  /** When the current round began, if the ticket was redone; its deadline counts from here. */
  reopenedAt: timestamp('reopened_at'),
  /** Six digits told to the asker with the number: with it the asker may rate the reply on the public pages. */
  lookupCode: text('lookup_code'),
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
