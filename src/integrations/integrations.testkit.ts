// Shared by the integrations tests: a real webhook receiver on loopback, and consultations/tickets
// written straight to the tables (the way the tickets module writes them) with their domain events,
// built whole as the tickets module builds them.
import Fastify from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { eq } from 'drizzle-orm'
import type { DomainEvent, EventOf, EventPayloads } from '../common/events.ts'
import { ticketSnapshot } from '../tickets/tickets.actions.ts'
import type { Services } from '../services.ts'
import { testConfig, type Config } from '../config.ts'
import { consultations } from '../consultations/consultations.table.ts'
import { tickets } from '../tickets/tickets.table.ts'
import type { TicketStatus } from '../tickets/tickets.types.ts'
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

type TicketRow = typeof tickets.$inferSelect
type ConsultationRow = typeof consultations.$inferSelect
type Unit = { code: string; name: string }

/** A ticket event as the tickets module builds it: the ticket after the change, then the type's fields. */
export function ticketEvent<K extends 'ticket.created' | 'ticket.answered' | 'ticket.closed'>(
  type: K, t: TicketRow, c: ConsultationRow, unit: Unit, fields: Omit<EventPayloads[K], 'ticket'>,
): DomainEvent {
  return { type, consultationId: c.id, ticketId: t.id, submittedBy: c.registeredBy, externalId: c.externalId, payload: { ticket: ticketSnapshot(t, unit), ...fields } } as EventOf<K> as DomainEvent
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
    services.events.emit(tx, ticketEvent('ticket.created', t, c, unit, {}))
    return { consultation: c, ticket: t }
  })
}

function loadTicket(services: Services, ticketId: number) {
  const t = services.db.select().from(tickets).where(eq(tickets.id, ticketId)).get()!
  const c = services.db.select().from(consultations).where(eq(consultations.id, t.consultationId)).get()!
  return { c, unit: services.db.select().from(units).where(eq(units.id, t.unitId)).get()! }
}

/** Records a unit's answer on a ticket and emits ticket.answered, in one transaction. */
export function answerTicket(services: Services, ticketId: number, answer: string) {
  const { c, unit } = loadTicket(services, ticketId)
  services.db.transaction((tx) => {
    const t = tx.update(tickets).set({ status: 'answered', answer, answeredAt: new Date().toISOString() }).where(eq(tickets.id, ticketId)).returning().get()!
    services.events.emit(tx, ticketEvent('ticket.answered', t, c, unit, { answer, answeredAt: t.answeredAt!, revised: false, suggestionDecision: null, decisionReason: null }))
  })
}

/** Closes a ticket and emits ticket.closed; `fail` throws after the event, to roll both back. */
export function closeTicket(services: Services, ticketId: number, { fail = false } = {}) {
  const { c, unit } = loadTicket(services, ticketId)
  services.db.transaction((tx) => {
    const t = tx.update(tickets).set({ status: 'closed', closedAt: new Date().toISOString() }).where(eq(tickets.id, ticketId)).returning().get()!
    services.events.emit(tx, ticketEvent('ticket.closed', t, c, unit, { closedAt: t.closedAt!, suggestionDecision: null, decisionReason: null }))
    if (fail) throw new Error('the change failed')
  })
}

/**
 * A mailbox letter answered at once from a published entry, with its consultation.answered event
 * built from that entry as the intake builds it; `entry` replaces what the event says of the entry.
 */
export function answerFromLibrary(services: Services, opts: { registeredBy: number; externalId: string; entry?: { id: number; externalId: string | null; question: string; answer: string } }) {
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
    const served = opts.entry ?? { id: entry.id, externalId: entry.externalId, question: version.question, answer: version.answer }
    services.events.emit(tx, {
      type: 'consultation.answered', consultationId: c.id, ticketId: null, submittedBy: c.registeredBy, externalId: c.externalId,
      payload: { ticket: null, entry: { id: served.id, externalId: served.externalId, question: served.question }, answer: served.answer, automatically: true },
    })
    return { consultation: c, entry }
  })
}
