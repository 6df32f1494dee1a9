// Shared by the integrations tests: a real webhook receiver on loopback, and consultations/tickets
// written straight to the tables (the way the tickets module writes them) with their domain events.
import Fastify from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { eq } from 'drizzle-orm'
import type { DomainEvent } from '../common/events.ts'
import type { Services } from '../services.ts'
import { testConfig, type Config } from '../config.ts'
import { consultations, tickets, type TicketStatus } from '../consultations/consultations.table.ts'
import { units } from '../units/units.table.ts'
import { entries, entryVersions } from '../kb/kb.table.ts'

export interface Received { headers: IncomingHttpHeaders; body: string; json: { id: string; type: string; externalId: string | null; data: Record<string, unknown> } }
/** A status code to answer with, or 'hang' to hold the request open until `release()`. */
export type Behaviour = (n: number) => number | 'hang'

/** Webhook settings that let deliveries reach the loopback receiver below, as an allowlisted deployment would. */
export function loopbackWebhook(overrides: Partial<Config['webhook']> = {}): Config['webhook'] {
  return { ...testConfig().webhook, allowedHosts: ['127.0.0.1'], ...overrides }
}

export async function startReceiver(behaviour: Behaviour = () => 200) {
  const app = Fastify({ logger: false, forceCloseConnections: true })
  // The signature is over the exact bytes sent, so keep the raw body.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body))
  const received: Received[] = []
  const waiters: (() => void)[] = []
  let releases: (() => void)[] = []
  let respond = behaviour
  app.post('/hook', async (req, reply) => {
    const body = req.body as string
    received.push({ headers: req.headers, body, json: JSON.parse(body) })
    for (const w of waiters.splice(0)) w()
    const answer = respond(received.length)
    if (answer === 'hang') await new Promise<void>((resolve) => releases.push(resolve))
    return reply.status(answer === 'hang' ? 200 : answer).send({ ok: answer === 'hang' || answer < 300 })
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    respondWith(b: Behaviour) { respond = b },
    /** Resolves once the receiver has seen `n` requests in all. */
    waitFor(n: number) {
      return new Promise<void>((resolve) => {
        const check = () => (received.length >= n ? resolve() : waiters.push(check))
        check()
      })
    },
    release() { for (const r of releases) r(); releases = [] },
    async close() { this.release(); await app.close() },
  }
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>

let seq = 0

/** A unit, for tickets to be assigned to. */
export function ensureUnit(services: Services, code = 'rsj', name = '区人力社保局') {
  const existing = services.db.select().from(units).where(eq(units.code, code)).get()
  return existing ?? services.db.insert(units).values({ code, name }).returning().get()
}

/**
 * A mailbox letter that opened a ticket, committed with its ticket.created event, as the tickets
 * module does it. `registeredBy` is the submitting token (an integration's, for mailbox letters).
 */
export function openTicket(services: Services, opts: { registeredBy: number | null; externalId?: string; dueAt?: string; receivedAt?: string; status?: TicketStatus }) {
  const unit = ensureUnit(services)
  const n = ++seq
  const receivedAt = opts.receivedAt ?? '2025-10-09T02:00:00.000Z'
  return services.db.transaction((tx) => {
    const c = tx.insert(consultations).values({
      channel: 'mailbox', question: '灵活就业人员如何缴纳养老保险？', receivedAt, outcome: 'ticketed',
      registeredBy: opts.registeredBy, externalId: opts.externalId ?? `MB-${n}`,
    }).returning().get()
    const t = tx.insert(tickets).values({
      number: `ZX20251009-${String(n).padStart(4, '0')}`, consultationId: c.id, unitId: unit.id, status: opts.status ?? 'registered',
      receivedAt, workingDays: 5, dueAt: opts.dueAt ?? '2025-10-16T15:59:59.000Z',
    }).returning().get()
    services.events.emit(tx, { type: 'ticket.created', consultationId: c.id, ticketId: t.id, payload: { number: t.number } })
    return { consultation: c, ticket: t }
  })
}

/** Records a unit's answer on a ticket and emits ticket.answered, in one transaction. */
export function answerTicket(services: Services, ticketId: number, answer: string) {
  services.db.transaction((tx) => {
    const t = tx.update(tickets).set({ status: 'answered', answer, answeredAt: new Date().toISOString() }).where(eq(tickets.id, ticketId)).returning().get()!
    services.events.emit(tx, { type: 'ticket.answered', consultationId: t.consultationId, ticketId, payload: { answer } })
  })
}

export function emit(services: Services, event: DomainEvent) {
  services.db.transaction((tx) => services.events.emit(tx, event))
}

/**
 * A mailbox letter answered at once from a published entry, with its consultation.answered event.
 * `payload` is what the intake puts in the event; an empty one makes the outbox read the entry itself.
 */
export function answerFromLibrary(services: Services, opts: { registeredBy: number; externalId: string; payload?: Record<string, unknown> }) {
  const unit = ensureUnit(services)
  return services.db.transaction((tx) => {
    const entry = tx.insert(entries).values({ externalId: `E-${++seq}`, unitId: unit.id, status: 'published' }).returning().get()
    const version = tx.insert(entryVersions).values({
      entryId: entry.id, version: 1, question: '灵活就业人员怎样参加职工养老保险？', answer: '持身份证到社保经办机构办理灵活就业参保登记，按月缴费。', state: 'published',
    }).returning().get()
    tx.update(entries).set({ publishedVersionId: version.id }).where(eq(entries.id, entry.id)).run()
    const c = tx.insert(consultations).values({
      channel: 'mailbox', question: '我是自由职业者，养老保险怎么交？', receivedAt: new Date().toISOString(), outcome: 'answered',
      answeredEntryId: entry.id, answeredAutomatically: true, registeredBy: opts.registeredBy, externalId: opts.externalId,
    }).returning().get()
    services.events.emit(tx, { type: 'consultation.answered', consultationId: c.id, payload: opts.payload ?? {} })
    return { consultation: c, entry }
  })
}
