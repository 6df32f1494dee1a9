import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id } from '../common/columns.ts'
import { entries } from '../kb/kb.table.ts'
import { topics } from '../units/units.table.ts'
import type { Channel, ConsultationKind, Outcome } from './consultations.types.ts'

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
