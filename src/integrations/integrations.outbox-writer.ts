// Writes the outbox: one row per domain event about a consultation an integration submitted, in
// the transaction that made the change, so an event exists if and only if the change committed.
// The row keeps the payload exactly as its emitter built it (common/events.ts): nothing is read
// back from other modules' tables to rebuild it, so what the webhook and polling send is what was
// emitted, texts already masked.
//
// The seq comes from the counter row (outbox_counter) in the same transaction: the row stays locked
// until the writer commits, so writers take their numbers in the order they commit, with no gap.
// A poller that has read up to 6 never finds a 5 committed after it, on either engine.
import { randomUUID } from 'node:crypto'
import { and, eq, isNull, sql } from 'drizzle-orm'
import type { EventBus } from '../common/events.ts'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { integrations, outboxCounter, outboxEvents } from './integrations.table.ts'

/**
 * The next outbox seq, in the caller's transaction. The counter row is made on first use from the
 * events already there (a database that had them before the counter).
 */
export async function nextOutboxSeq(tx: Tx): Promise<number> {
  const [row] = await tx.insert(outboxCounter)
    .values({ id: 1, seq: sql`(select coalesce(max(${outboxEvents.seq}), 0) + 1 from ${outboxEvents})` })
    .onConflictDoUpdate({ target: outboxCounter.id, set: { seq: sql`${outboxCounter.seq} + 1` } })
    .returning({ seq: outboxCounter.seq })
  return row.seq
}

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
      seq: await nextOutboxSeq(tx),
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
