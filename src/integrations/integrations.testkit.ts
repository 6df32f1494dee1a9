// Shared by the integrations tests: a real webhook receiver on loopback, and mailbox letters made
// through the services (the intake, the tickets and kb services), so every domain event is the one
// the owning module emits.
import Fastify from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import type { Actor } from '../auth/auth.service.ts'
import type { Services } from '../services.ts'
import { testConfig, type Config } from '../config.ts'
import { consultationById } from '../consultations/consultations.queries.ts'
import type { TicketStatus } from '../tickets/tickets.types.ts'
import { ADMIN_TOKEN } from '../../test/app.testkit.ts'

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

/** A unit, made if missing: by default the office every ticket goes to when no unit is named. */
export async function ensureUnit(services: Services, code = services.config.dispatchUnitCode, name = '区政府办公室') {
  return await services.units.unitByCode(code) ?? await services.units.createUnit({ code, name })
}

const admin = async (services: Services): Promise<Actor> => await services.auth.authenticate(ADMIN_TOKEN)

/** Who submits: the token `registeredBy` as an integration, or the administrator for none. */
async function submitter(services: Services, registeredBy: number | null): Promise<Actor> {
  return registeredBy === null ? admin(services) : { tokenId: registeredBy, role: 'integration', name: '接入系统', unitId: null, reviewStep: null }
}

/** A time of receipt whose deadline (five working days on the calendar) is `dueAt`. */
function receivedFor(services: Services, dueAt: string): string {
  for (let back = 5; back < 40; back++) {
    const receivedAt = new Date(Date.parse(dueAt) - back * 86_400_000 - 14 * 3600_000).toISOString()
    if (services.calendar.dueAt(receivedAt, 5).dueAt === dueAt) return receivedAt
  }
  throw new Error(`no day of receipt gives the deadline ${dueAt}`)
}

/**
 * A mailbox letter that opened a ticket, through the intake: no unit named, so the ticket waits
 * with the office (registered) and ticket.created is its one event. `registeredBy` is the
 * submitting token (an integration's, for mailbox letters). Received on Friday 10 October 2025 by
 * default, due on 16 October; `dueAt` picks the day of receipt that gives that deadline instead.
 * `status` moves it on: assigned to rsj, or answered and replied.
 */
export async function openTicket(services: Services, opts: { registeredBy: number | null; externalId?: string; dueAt?: string; receivedAt?: string; status?: TicketStatus }) {
  await ensureUnit(services)
  const n = ++seq
  const receivedAt = opts.receivedAt ?? (opts.dueAt ? receivedFor(services, opts.dueAt) : '2025-10-10T02:00:00.000Z')
  const { result } = await services.consultations.submit({
    channel: 'mailbox', question: '灵活就业人员如何缴纳养老保险？', receivedAt, openTicket: true, externalId: opts.externalId ?? `MB-${n}`,
  }, await submitter(services, opts.registeredBy))
  const ticket = { id: result.ticket!.id, number: result.ticket!.number }
  if (opts.status === 'assigned') {
    await ensureUnit(services, 'rsj', '区人力社保局')
    await services.tickets.assign(ticket.id, { unitCode: 'rsj' }, await admin(services))
  } else if (opts.status === 'answered' || opts.status === 'replied') {
    await answerTicket(services, ticket.id, '答复')
    if (opts.status === 'replied') await services.tickets.reply(ticket.id, { method: 'phone' }, await admin(services))
  }
  return { consultation: (await consultationById(services.db, result.consultation.id))!, ticket }
}

/** The office answers a ticket it holds: ticket.answered. */
export async function answerTicket(services: Services, ticketId: number, answer: string): Promise<void> {
  await services.tickets.answer(ticketId, { answer }, await admin(services))
}

/**
 * Tells the asker and closes the ticket: ticket.replied, then ticket.closed. `fail` throws after
 * them, inside one transaction, to roll the changes and their events back.
 */
export async function closeTicket(services: Services, ticketId: number, { fail = false } = {}): Promise<void> {
  await services.db.transaction(async () => {
    if (fail) await answerTicket(services, ticketId, '答复')
    await services.tickets.reply(ticketId, { method: 'phone' }, await admin(services))
    await services.tickets.close(ticketId, {}, await admin(services))
    if (fail) throw new Error('the change failed')
  })
}

/**
 * A mailbox letter answered at once from a published entry: the entry published through the kb,
 * the letter answered with it through the intake (consultation.answered). With `entry`, the letter
 * is taken by the office and the integration's event is one the test emits, saying that entry, as
 * an emitter may: the outbox must store what it is given, not read the entry again.
 */
export async function answerFromLibrary(services: Services, opts: { registeredBy: number; externalId: string; entry?: { id: number; externalId: string | null; question: string; answer: string } }) {
  await ensureUnit(services, 'rsj', '区人力社保局')
  const { entryIds: [entryId] } = await services.kb.importEntries({
    entries: [{ externalId: `E-${++seq}`, unitCode: 'rsj', question: '灵活就业人员怎样参加职工养老保险？', answer: '持身份证到社保经办机构办理灵活就业参保登记，按月缴费。', status: 'published' }],
  }, await admin(services))
  const given = opts.entry
  const { result } = await services.consultations.submit(
    { channel: 'mailbox', question: '我是自由职业者，养老保险怎么交？', answeredEntryId: entryId, ...(given ? {} : { externalId: opts.externalId }) },
    given ? await admin(services) : await submitter(services, opts.registeredBy),
  )
  if (given) {
    await services.db.transaction(async (tx) => {
      await services.events.emit(tx, {
        type: 'consultation.answered', consultationId: result.consultation.id, ticketId: null, submittedBy: opts.registeredBy, externalId: opts.externalId,
        payload: { ticket: null, entry: { id: given.id, externalId: given.externalId, question: given.question }, answer: given.answer, automatically: true },
      })
    })
  }
  return { consultation: (await consultationById(services.db, result.consultation.id))!, entry: { id: entryId } }
}
