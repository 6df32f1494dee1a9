// Writes the outbox: one row per domain event about a consultation an integration submitted, in
// the transaction that made the change, so an event exists if and only if the change committed.
// The row keeps the payload exactly as its emitter built it (common/events.ts): nothing is read
// back from other modules' tables to rebuild it, so what the webhook and polling send is what was
// emitted, texts already masked.
import { randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { EventBus } from '../common/events.ts'
import { first } from '../db/query.ts'
import { integrations, outboxEvents } from './integrations.table.ts'

/** Subscribes the outbox writer to the event bus. */
export function subscribeOutbox(events: Pick<EventBus, 'on'>, now: () => Date = () => new Date()) {
  events.on(async (tx, event) => {
    // Only the system that submitted the consultation hears about it; an agent's call is nobody's event.
    if (event.submittedBy === null) return
    const integration = await first(tx.select({ id: integrations.id }).from(integrations)
      .where(and(eq(integrations.tokenId, event.submittedBy), isNull(integrations.deletedAt))))
    if (!integration) return
    const at = now().toISOString()
    await tx.insert(outboxEvents).values({
      id: randomUUID(),
      integrationId: integration.id,
      type: event.type,
      consultationId: event.consultationId,
      externalId: event.externalId,
      payload: event.payload,
      nextAttemptAt: at,
      createdAt: at,
    })
  })
}
