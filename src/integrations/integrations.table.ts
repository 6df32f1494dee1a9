import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, id, json, timestamp } from '../common/columns.ts'
import type { DomainEvent, DomainEventType } from '../common/events.ts'

/** A machine client such as the website mailbox: its token, webhook and signing secret. */
export const integrations = sqliteTable('integrations', {
  id: id(),
  name: text('name').notNull(),
  tokenId: integer('token_id').notNull(),
  webhookUrl: text('webhook_url'),
  secret: text('secret').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  secretRotatedAt: timestamp('secret_rotated_at'),
  /** Deleted integrations keep their row (and their delivery log); their token is revoked. */
  deletedAt: timestamp('deleted_at'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('integrations_token_uq').on(t.tokenId)])

export type OutboxState = 'pending' | 'delivered' | 'dead'

/** Events to deliver, written in the same transaction as the change that caused them. */
export const outboxEvents = sqliteTable('outbox_events', {
  /**
   * Cursor for polling: strictly increasing in commit order. Taken from outbox_counter in the
   * transaction that writes the event (integrations.outbox-writer.ts), never from a sequence: two
   * writers on PostgreSQL would otherwise commit 6 before 5, and a poller past 6 would miss 5.
   */
  seq: integer('seq').primaryKey(),
  id: text('id').notNull(),
  integrationId: integer('integration_id').notNull(),
  type: text('type').$type<DomainEventType>().notNull(),
  consultationId: integer('consultation_id'),
  externalId: text('external_id'),
  /** The event's payload as its emitter built it: the `data` a receiver gets. */
  payload: json<DomainEvent['payload']>('payload').notNull(),
  state: text('state').$type<OutboxState>().notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: text('next_attempt_at').notNull(),
  deliveredAt: timestamp('delivered_at'),
  lastError: text('last_error'),
  /**
   * The dispatcher instance holding the event while it is being posted. A claim also pushes
   * next_attempt_at out by a lease, so an event whose holder died is retried: at least once.
   */
  claimedBy: text('claimed_by'),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('outbox_events_id_uq').on(t.id),
  index('outbox_events_due_idx').on(t.state, t.nextAttemptAt),
  index('outbox_events_integration_idx').on(t.integrationId, t.seq),
])

/** One row (id 1): the last outbox seq handed out. Its row lock orders the writers by commit. */
export const outboxCounter = sqliteTable('outbox_counter', {
  id: integer('id').primaryKey(),
  seq: integer('seq').notNull(),
})

export type DeliveryOutcome = 'in_flight' | 'delivered' | 'failed' | 'interrupted'

/** One row per POST attempt, written when the attempt starts and completed when it ends. */
export const eventDeliveries = sqliteTable('event_deliveries', {
  id: id(),
  eventId: text('event_id').notNull(),
  attempt: integer('attempt').notNull(),
  at: createdAt(),
  /** in_flight until answered; interrupted when the process died before recording the answer. */
  outcome: text('outcome').$type<DeliveryOutcome>().notNull().default('in_flight'),
  url: text('url'),
  statusCode: integer('status_code'),
  error: text('error'),
  durationMs: integer('duration_ms').notNull(),
}, (t) => [index('event_deliveries_event_idx').on(t.eventId)])
