// Reading the outbox (integrations.outbox-writer.ts fills it): the admin's event list, delivery log
// and redelivery; an integration's polling.
import { and, asc, count, desc, eq, gt, inArray, isNull, lte, ne, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import type { DomainEventType } from '../common/events.ts'
import { eventDeliveries, integrations, outboxCounter, outboxEvents, type OutboxState } from './integrations.table.ts'
import { CursorAheadError, EventAlreadyQueuedError, IntegrationEventNotFoundError, NotAnIntegrationError } from './integrations.errors.ts'
import { withDetails } from '../plugins/errors.ts'
import { toEnvelope } from './integrations.webhook.ts'

type OutboxRow = typeof outboxEvents.$inferSelect
export interface EventQuery { integrationId?: number; state?: OutboxState; type?: DomainEventType; externalId?: string; page: number; pageSize: number }

export function createEventLog({ db }: { db: Db }) {
  function summary(row: OutboxRow, names: Map<number, string>) {
    return {
      id: row.id, seq: row.seq, type: row.type,
      integration: { id: row.integrationId, name: names.get(row.integrationId) ?? '' },
      consultationId: row.consultationId, externalId: row.externalId,
      state: row.state, attempts: row.attempts, nextAttemptAt: row.state === 'pending' ? row.nextAttemptAt : null,
      deliveredAt: row.deliveredAt, lastError: row.lastError, createdAt: row.createdAt,
    }
  }
  async function namesOf(rows: OutboxRow[]) {
    const ids = [...new Set(rows.map((r) => r.integrationId))]
    if (ids.length === 0) return new Map<number, string>()
    return new Map((await db.select({ id: integrations.id, name: integrations.name }).from(integrations).where(inArray(integrations.id, ids))).map((r) => [r.id, r.name]))
  }
  async function requireEvent(id: string) {
    const row = await first(db.select().from(outboxEvents).where(eq(outboxEvents.id, id)))
    if (!row) throw new IntegrationEventNotFoundError(id)
    return row
  }
  async function detail(row: OutboxRow) {
    const deliveries = (await db.select().from(eventDeliveries).where(eq(eventDeliveries.eventId, row.id)).orderBy(asc(eventDeliveries.id)))
      .map((d) => ({ attempt: d.attempt, at: d.at, outcome: d.outcome, url: d.url, statusCode: d.statusCode, error: d.error, durationMs: d.durationMs }))
    return { ...summary(row, await namesOf([row])), data: row.payload, deliveries }
  }

  return {
    async list(q: EventQuery) {
      const where: SQL[] = []
      if (q.integrationId) where.push(eq(outboxEvents.integrationId, q.integrationId))
      if (q.state) where.push(eq(outboxEvents.state, q.state))
      if (q.type) where.push(eq(outboxEvents.type, q.type))
      if (q.externalId) where.push(eq(outboxEvents.externalId, q.externalId))
      const cond = where.length ? and(...where) : undefined
      const rows = await db.select().from(outboxEvents).where(cond).orderBy(desc(outboxEvents.seq)).limit(q.pageSize).offset((q.page - 1) * q.pageSize)
      const total = (await first(db.select({ n: count() }).from(outboxEvents).where(cond)))!.n
      const names = await namesOf(rows)
      return { items: rows.map((r) => summary(r, names)), total, page: q.page, pageSize: q.pageSize }
    },

    async get(id: string) {
      return detail(await requireEvent(id))
    },

    /** Queues a delivered or dead event again, with a fresh round of attempts. */
    async redeliver(id: string) {
      const row = await requireEvent(id)
      if (row.state === 'pending') throw new EventAlreadyQueuedError(id)
      // Guarded by its state: of two redeliveries at once, the second finds it queued already.
      const updated = await first(db.update(outboxEvents)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: new Date().toISOString(), deliveredAt: null, claimedBy: null })
        .where(and(eq(outboxEvents.seq, row.seq), ne(outboxEvents.state, 'pending'))).returning())
      if (!updated) throw new EventAlreadyQueuedError(id)
      return detail(updated)
    },

    /**
     * The calling integration's events after a cursor, oldest first. For an integration without a
     * webhook, asking for events after a cursor acknowledges the events up to it. A cursor beyond the
     * newest event was never handed out: taking it would skip (and acknowledge) every event up to it,
     * so it is refused before anything is read or acknowledged.
     */
    async poll(tokenId: number, after: number, limit: number) {
      const integration = await first(db.select().from(integrations).where(and(eq(integrations.tokenId, tokenId), isNull(integrations.deletedAt))))
      if (!integration) throw new NotAnIntegrationError()
      if (after > await newestSeq()) {
        throw withDetails(new CursorAheadError(String(after)), [{ field: 'after', message: `游标 ${after} 超出了已有的最新事件` }])
      }
      if (!integration.webhookUrl && after > 0) {
        await db.update(outboxEvents).set({ state: 'delivered', deliveredAt: new Date().toISOString() })
          .where(and(eq(outboxEvents.integrationId, integration.id), eq(outboxEvents.state, 'pending'), lte(outboxEvents.seq, after)))
      }
      const rows = await db.select().from(outboxEvents)
        .where(and(eq(outboxEvents.integrationId, integration.id), gt(outboxEvents.seq, after)))
        .orderBy(asc(outboxEvents.seq)).limit(limit)
      const last = rows.at(-1)?.seq ?? after
      return { items: rows.map((r) => ({ cursor: String(r.seq), ...toEnvelope(r) })), nextCursor: String(last), hasMore: rows.length === limit && rows.length > 0 && await hasAfter(integration.id, last) }
    },
  }

  /**
   * The newest seq of all integrations' events: the counter (the last seq handed out to a committed
   * event; integrations.outbox-writer.ts), or on a database whose events predate the counter, their
   * largest seq. Every event written later gets a larger one, so a cursor up to it skips none.
   */
  async function newestSeq(): Promise<number> {
    const [row] = await db.all<{ seq: number | string }>(sql`select coalesce(
      (select ${outboxCounter.seq} from ${outboxCounter} where ${outboxCounter.id} = 1), (select max(${outboxEvents.seq}) from ${outboxEvents}), 0) as seq`)
    return Number(row.seq)
  }

  async function hasAfter(integrationId: number, seq: number) {
    return !!await first(db.select({ seq: outboxEvents.seq }).from(outboxEvents).where(and(eq(outboxEvents.integrationId, integrationId), gt(outboxEvents.seq, seq))).limit(1))
  }
}

export type EventLog = ReturnType<typeof createEventLog>
