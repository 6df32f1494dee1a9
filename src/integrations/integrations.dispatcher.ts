// Pushes outbox events to webhooks: claim (with a lease) → POST → record the outcome.
// At least once: a claim that is never acknowledged (the process died) expires and is retried.
import { randomUUID } from 'node:crypto'
import { and, asc, count, eq, inArray, isNotNull, isNull, lte, ne } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import { eventDeliveries, integrations, outboxEvents } from './integrations.table.ts'
import { backoffMs, toEnvelope, webhookHeaders } from './integrations.webhook.ts'
import { createAddressPolicy, withoutCredentials } from './integrations.address.ts'
import { createWebhookTransport, type WebhookTransport } from './integrations.transport.ts'

type OutboxRow = typeof outboxEvents.$inferSelect
interface Target { id: number; webhookUrl: string; secret: string }
interface Claim { event: OutboxRow; deliveryId: number; attempt: number; attemptsInRound: number }
interface PostResult { ok: boolean; statusCode: number | null; error: string | null; durationMs: number }
export interface DispatchSummary { attempted: number; delivered: number; failed: number; dead: number }

export interface DispatcherDeps {
  db: Db
  webhook: Config['webhook']
  log: FastifyBaseLogger
  random?: () => number
  /** How a POST is sent; by default over node:http(s) under the webhook address policy. */
  transport?: WebhookTransport
}

/** Events posted to one integration in one round; the rest wait for the next round. */
const BATCH_PER_INTEGRATION = 50

export const INTERRUPTED_ERROR = '投递过程中服务中断，未收到接收方的确认'

export function createDispatcher({
  db, webhook, log, random = Math.random,
  transport = createWebhookTransport({ policy: createAddressPolicy(webhook.allowedHosts), timeoutMs: webhook.timeoutMs }),
}: DispatcherDeps) {
  const instanceId = randomUUID()
  const inFlight = new Set<Promise<unknown>>()
  let stopping = false
  // A claim outlives the longest possible attempt (config.ts checks), so only a dead holder lets it lapse.
  const leaseMs = webhook.leaseMs

  async function targets(now: string): Promise<Target[]> {
    const due = (await db.selectDistinct({ id: outboxEvents.integrationId }).from(outboxEvents)
      .where(and(eq(outboxEvents.state, 'pending'), lte(outboxEvents.nextAttemptAt, now)))).map((r) => r.id)
    if (due.length === 0) return []
    return await db.select({ id: integrations.id, webhookUrl: integrations.webhookUrl, secret: integrations.secret }).from(integrations)
      .where(and(inArray(integrations.id, due), eq(integrations.active, true), isNull(integrations.deletedAt), isNotNull(integrations.webhookUrl))) as Target[]
  }

  /** Claims the integration's next due event, in a short transaction of its own (committed before the POST). */
  function claimNext(target: Target, now: Date): Promise<Claim | undefined> {
    const nowIso = now.toISOString()
    return db.transaction(async (tx) => {
      const event = await first(tx.select().from(outboxEvents)
        .where(and(eq(outboxEvents.integrationId, target.id), eq(outboxEvents.state, 'pending'), lte(outboxEvents.nextAttemptAt, nowIso)))
        .orderBy(asc(outboxEvents.seq)).limit(1))
      if (!event) return undefined
      // Guarded: only while it is still as read (pending, due, not claimed since). Another
      // dispatcher on the same database that claimed it first wins; this one leaves the
      // integration for the next round rather than post a later event before it.
      const claimed = await tx.update(outboxEvents).set({
        attempts: event.attempts + 1,
        // From the claim, not the round's start: a round of slow POSTs must not claim with a lease already run out.
        nextAttemptAt: new Date(Math.max(now.getTime(), Date.now()) + leaseMs).toISOString(),
        claimedBy: instanceId,
      }).where(and(eq(outboxEvents.seq, event.seq), eq(outboxEvents.state, 'pending'), eq(outboxEvents.attempts, event.attempts), eq(outboxEvents.nextAttemptAt, event.nextAttemptAt)))
        .returning({ seq: outboxEvents.seq })
      if (claimed.length === 0) return undefined
      // An attempt left in flight by a holder that died is over: say so in the log.
      await tx.update(eventDeliveries).set({ outcome: 'interrupted', error: INTERRUPTED_ERROR })
        .where(and(eq(eventDeliveries.eventId, event.id), eq(eventDeliveries.outcome, 'in_flight')))
      const attempt = (await first(tx.select({ n: count() }).from(eventDeliveries).where(eq(eventDeliveries.eventId, event.id))))!.n + 1
      const [delivery] = await tx.insert(eventDeliveries).values({ eventId: event.id, attempt, at: nowIso, url: withoutCredentials(target.webhookUrl), durationMs: 0 })
        .returning({ id: eventDeliveries.id })
      return { event, deliveryId: delivery.id, attempt, attemptsInRound: event.attempts + 1 }
    })
  }

  async function post(target: Target, claim: Claim): Promise<PostResult> {
    const body = JSON.stringify(toEnvelope(claim.event))
    const timestamp = String(Math.floor(Date.now() / 1000))
    const started = performance.now()
    const outcome = await transport.post(target.webhookUrl, webhookHeaders(target.secret, claim.event, body, timestamp, claim.attempt), body)
    return { ...outcome, durationMs: Math.round(performance.now() - started) }
  }

  /** Records the outcome, in a transaction of its own after the POST; returns the event's new state. */
  function acknowledge(claim: Claim, result: PostResult, now: Date): Promise<'delivered' | 'pending' | 'dead'> {
    const nowIso = now.toISOString()
    // Fenced: a claim another dispatcher has taken over since (its lease ran out) is not ours to settle.
    const heldByUs = and(eq(outboxEvents.claimedBy, instanceId), eq(outboxEvents.attempts, claim.attemptsInRound))
    return db.transaction(async (tx) => {
      await tx.update(eventDeliveries).set({
        outcome: result.ok ? 'delivered' : 'failed', statusCode: result.statusCode, error: result.error, durationMs: result.durationMs,
      }).where(eq(eventDeliveries.id, claim.deliveryId))
      if (result.ok) {
        await tx.update(outboxEvents).set({ state: 'delivered', deliveredAt: nowIso, lastError: null, claimedBy: null }).where(and(eq(outboxEvents.seq, claim.event.seq), heldByUs))
        return 'delivered' as const
      }
      const dead = claim.attemptsInRound >= webhook.maxAttempts
      await tx.update(outboxEvents).set({
        state: dead ? 'dead' : 'pending',
        nextAttemptAt: new Date(now.getTime() + (dead ? 0 : backoffMs(claim.attemptsInRound, webhook.baseDelayMs, random))).toISOString(),
        lastError: result.error,
        claimedBy: null,
      }).where(and(eq(outboxEvents.seq, claim.event.seq), heldByUs))
      return dead ? 'dead' as const : 'pending' as const
    })
  }

  async function dispatchTo(target: Target, now: Date, summary: DispatchSummary) {
    for (let i = 0; i < BATCH_PER_INTEGRATION && !stopping; i++) {
      // No transaction is open during the POST: the claim has committed, the outcome is a new one.
      const claim = await claimNext(target, now)
      if (!claim) return
      summary.attempted++
      const result = await post(target, claim)
      const state = await acknowledge(claim, result, now)
      if (state === 'delivered') { summary.delivered++; continue }
      summary.failed++
      if (state === 'dead') summary.dead++
      log.warn({ eventId: claim.event.id, attempt: claim.attempt, state, error: result.error }, 'webhook delivery failed')
      // The receiver is failing: its other events wait for the next round instead of piling on.
      return
    }
  }

  return {
    instanceId,

    /**
     * Posts every due event once (per integration in order, integrations side by side). `now` is the
     * clock for what is due and for the next attempt; tests pass a later one instead of waiting.
     */
    async dispatchDue(now: Date = new Date()): Promise<DispatchSummary> {
      const summary: DispatchSummary = { attempted: 0, delivered: 0, failed: 0, dead: 0 }
      if (stopping) return summary
      // Integrations side by side: each claim and each outcome is a transaction of its own.
      const run = targets(now.toISOString()).then((due) => Promise.all(due.map((t) => dispatchTo(t, now, summary))))
      inFlight.add(run)
      try { await run } finally { inFlight.delete(run) }
      return summary
    },

    /**
     * After a restart, claims held by an earlier process will never be acknowledged: make those
     * events due now rather than when their lease runs out. That holds with one process (SQLite).
     * With several replicas (`expiredOnly`), the dispatcher that claimed an event may still be
     * posting it when a new leader starts: only claims whose lease has run out are released.
     */
    async recoverInterrupted(now: Date = new Date(), { expiredOnly = false }: { expiredOnly?: boolean } = {}): Promise<number> {
      const nowIso = now.toISOString()
      const recovered = await db.update(outboxEvents).set({ nextAttemptAt: nowIso, claimedBy: null })
        .where(and(eq(outboxEvents.state, 'pending'), isNotNull(outboxEvents.claimedBy), ne(outboxEvents.claimedBy, instanceId),
          expiredOnly ? lte(outboxEvents.nextAttemptAt, nowIso) : undefined))
        .returning({ seq: outboxEvents.seq })
      return recovered.length
    },

    /** Takes work again after stop(): a replica deposed as leader and elected again. */
    resume() { stopping = false },

    /** Refuses new work and waits for the POSTs in flight to be recorded. */
    async stop() {
      stopping = true
      await Promise.allSettled([...inFlight])
      transport.close()
    },
  }
}

export type Dispatcher = ReturnType<typeof createDispatcher>
