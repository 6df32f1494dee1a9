import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { eventDeliveries, outboxEvents } from './integrations.table.ts'
import { verifySignature } from './integrations.webhook.ts'
import { answerFromLibrary, answerTicket, closeTicket, openTicket, startReceiver, type Receiver } from './integrations.testkit.ts'

// The receiver listens on loopback, which only an allowlisted deployment may reach.
const WEBHOOK = { maxAttempts: 3, baseDelayMs: 1000, timeoutMs: 2000, leaseMs: 34_000, pollIntervalMs: 0, allowedHosts: ['127.0.0.1'] }
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000)

describe('webhook delivery to a real receiver', () => {
  let t: TestApp
  let receiver: Receiver
  beforeEach(async () => {
    t = await createTestApp({ webhook: WEBHOOK })
    receiver = await startReceiver()
  })
  afterEach(async () => {
    await t.close()
    await receiver.close()
  })

  async function register(webhookUrl: string | null = receiver.url) {
    const res = await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '区政府网站公开信箱', ...(webhookUrl ? { webhookUrl } : {}) } })
    const body = res.json()
    return { id: body.id as number, tokenId: body.token.id as number, token: body.credentials.token as string, secret: body.credentials.secret as string }
  }
  const services = () => t.app.services
  const dispatch = (now?: Date) => services().integrations.dispatchDue(now)
  const getEvent = async (id: string) => (await t.call({ method: 'GET', url: `/api/v1/integration-events/${id}` })).json()

  it('delivers again after the replica stops leading and is elected again', async () => {
    const integ = await register()
    await services().integrations.stop() // deposed
    await services().integrations.start() // elected again
    await openTicket(services(), { registeredBy: integ.tokenId, externalId: 'MB-REELECTED' })
    expect(await dispatch()).toMatchObject({ attempted: 1, delivered: 1 })
    expect(receiver.received.map((r) => r.json.externalId)).toEqual(['MB-REELECTED'])
  })

  it('leaves the outcome of a claim another dispatcher took over (its lease ran out) to that dispatcher', async () => {
    const integ = await register()
    await openTicket(services(), { registeredBy: integ.tokenId, externalId: 'MB-TAKEN-OVER' })
    receiver.respondWith((n) => (n === 1 ? 'hang' : 200))
    const first = dispatch()
    await receiver.waitFor(1)
    // Meanwhile another replica took the event over: its claim, a later attempt.
    await services().db.update(outboxEvents).set({ claimedBy: 'another-replica', attempts: 2 })
    receiver.release()
    await first
    const [event] = await services().db.select().from(outboxEvents)
    expect(event).toMatchObject({ state: 'pending', claimedBy: 'another-replica', attempts: 2 })
  })

  it('delivers a signed event the receiver can verify, with the ticket and the answer', async () => {
    const integ = await register()
    const { ticket } = await openTicket(services(), { registeredBy: integ.tokenId, externalId: 'MB-2025-0042' })
    await answerTicket(services(), ticket.id, '灵活就业人员可在户籍地或居住地社保经办机构办理参保登记。')

    expect(await dispatch()).toMatchObject({ attempted: 2, delivered: 2 })
    expect(receiver.received.map((r) => r.json.type)).toEqual(['ticket.created', 'ticket.answered'])
    for (const r of receiver.received) {
      const ok = verifySignature({ secret: integ.secret, signature: r.headers['x-signature'] as string, timestamp: r.headers['x-timestamp'] as string, body: r.body })
      expect(ok).toBe(true)
      expect(r.headers['x-event-id']).toBe(r.json.id)
      expect(r.headers['x-event-type']).toBe(r.json.type)
      expect(verifySignature({ secret: 'whsec_wrong', signature: r.headers['x-signature'] as string, timestamp: r.headers['x-timestamp'] as string, body: r.body })).toBe(false)
    }
    const answered = receiver.received[1].json
    expect(answered).toMatchObject({
      externalId: 'MB-2025-0042',
      data: {
        answer: '灵活就业人员可在户籍地或居住地社保经办机构办理参保登记。',
        // No unit was named: the office holds the ticket and answers it.
        ticket: { number: ticket.number, status: 'answered', dueAt: '2025-10-16T15:59:59.000Z', unit: { code: 'zwb', name: '区政府办公室' } },
      },
    })
    const detail = await getEvent(answered.id)
    expect(detail).toMatchObject({ state: 'delivered', attempts: 1, deliveries: [{ attempt: 1, outcome: 'delivered', statusCode: 200, url: receiver.url }] })
    expect(await dispatch(later(60))).toMatchObject({ attempted: 0 })
    expect(receiver.received).toHaveLength(2)
  })

  it("sends the entry's answer when a letter is answered from the library", async () => {
    const integ = await register()
    const { entry } = await answerFromLibrary(services(), { registeredBy: integ.tokenId, externalId: 'MB-7' })
    await answerFromLibrary(services(), {
      registeredBy: integ.tokenId, externalId: 'MB-8',
      entry: { id: 99, externalId: 'E-99', question: '标准问', answer: '入库时的答复口径' },
    })
    await dispatch()
    expect(receiver.received.map((r) => r.json)).toMatchObject([
      { type: 'consultation.answered', externalId: 'MB-7', data: { ticket: null, entry: { id: entry.id, question: '灵活就业人员怎样参加职工养老保险？' }, answer: '持身份证到社保经办机构办理灵活就业参保登记，按月缴费。' } },
      { type: 'consultation.answered', externalId: 'MB-8', data: { entry: { id: 99, externalId: 'E-99' }, answer: '入库时的答复口径', automatically: true } },
    ])
  })

  it('writes no event when the change rolls back, and none for consultations an integration did not submit', async () => {
    const integ = await register()
    const { consultation, ticket } = await openTicket(services(), { registeredBy: integ.tokenId })
    await expect(closeTicket(services(), ticket.id, { fail: true })).rejects.toThrow('the change failed')
    const agent = await t.token('agent')
    const me = (await t.call({ method: 'GET', url: '/api/v1/me', token: agent })).json()
    await openTicket(services(), { registeredBy: me.id })
    await openTicket(services(), { registeredBy: null })
    const rows = await services().db.select().from(outboxEvents)
    expect(rows.map((r) => [r.type, r.consultationId])).toEqual([['ticket.created', consultation.id]])
  })

  it('retries while the receiver is down, then delivers, logging every attempt', async () => {
    const integ = await register()
    receiver.respondWith((n) => (n <= 2 ? 503 : 200))
    const { consultation } = await openTicket(services(), { registeredBy: integ.tokenId })
    const [event] = await services().db.select().from(outboxEvents).where(eq(outboxEvents.consultationId, consultation.id))

    expect(await dispatch()).toMatchObject({ attempted: 1, failed: 1 })
    const afterFirst = await getEvent(event.id)
    expect(afterFirst).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('HTTP 503') })
    // The next attempt waits for the backoff: nothing is due right away.
    expect(await dispatch()).toMatchObject({ attempted: 0 })
    expect(Date.parse(afterFirst.nextAttemptAt)).toBeGreaterThan(Date.now())

    expect(await dispatch(later(60))).toMatchObject({ attempted: 1, failed: 1 })
    expect(await dispatch(later(120))).toMatchObject({ attempted: 1, delivered: 1 })
    const detail = await getEvent(event.id)
    expect(detail.state).toBe('delivered')
    expect(detail.deliveries.map((d: { outcome: string; statusCode: number }) => [d.outcome, d.statusCode])).toEqual([['failed', 503], ['failed', 503], ['delivered', 200]])
    expect(new Set(receiver.received.map((r) => r.json.id))).toEqual(new Set([event.id]))
    expect(receiver.received.map((r) => r.headers['x-delivery-attempt'])).toEqual(['1', '2', '3'])
  })

  it('parks an event as dead after the last attempt, and an admin redelivers it', async () => {
    const closed = await startReceiver()
    await closed.close() // nothing listens on this port any more: connection refused
    const integ = await register(closed.url)
    await openTicket(services(), { registeredBy: integ.tokenId })
    for (let i = 0; i < WEBHOOK.maxAttempts; i++) await dispatch(later(60 * i))
    const list = (await t.call({ method: 'GET', url: '/api/v1/integration-events?state=dead' })).json()
    expect(list.total).toBe(1)
    const dead = await getEvent(list.items[0].id)
    // Said for the office in Chinese, the system's code kept beside it for whoever fixes the receiver.
    expect(dead).toMatchObject({ state: 'dead', attempts: 3, lastError: '连接失败：对方服务器拒绝连接（对方服务未运行，或地址、端口有误）（ECONNREFUSED）' })
    expect(dead.deliveries.map((d: { error: string }) => d.error)).toEqual(Array(3).fill(dead.lastError))
    expect(dead.deliveries).toHaveLength(3)
    expect(await dispatch(later(24 * 60))).toMatchObject({ attempted: 0 })

    await t.call({ method: 'PATCH', url: `/api/v1/integrations/${integ.id}`, payload: { webhookUrl: receiver.url } })
    const redo = await t.call({ method: 'POST', url: `/api/v1/integration-events/${dead.id}/redeliver` })
    expect(redo.statusCode).toBe(200)
    expect(redo.json()).toMatchObject({ state: 'pending', attempts: 0 })
    const again = await t.call({ method: 'POST', url: `/api/v1/integration-events/${dead.id}/redeliver` })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('INTEGRATION_EVENT_QUEUED')

    expect(await dispatch()).toMatchObject({ delivered: 1 })
    const done = await getEvent(dead.id)
    expect(done.state).toBe('delivered')
    expect(done.deliveries.map((d: { attempt: number; outcome: string }) => `${d.attempt}:${d.outcome}`)).toEqual(['1:failed', '2:failed', '3:failed', '4:delivered'])

    // A delivered event can be sent again too; the receiver sees the same event id twice.
    await t.call({ method: 'POST', url: `/api/v1/integration-events/${dead.id}/redeliver` })
    await dispatch()
    expect(receiver.received.map((r) => r.json.id)).toEqual([dead.id, dead.id])
  })

  it('counts a receiver that does not answer in time as a failed attempt', async () => {
    await t.close()
    t = await createTestApp({ webhook: { ...WEBHOOK, timeoutMs: 200 } })
    const integ = await register()
    receiver.respondWith(() => 'hang')
    await openTicket(services(), { registeredBy: integ.tokenId })
    expect(await dispatch()).toMatchObject({ attempted: 1, failed: 1 })
    const [row] = await services().db.select().from(outboxEvents)
    expect(row.lastError).toContain('超时')
    receiver.release()
  })

  it('lists events filtered by state and type', async () => {
    const integ = await register()
    const { ticket } = await openTicket(services(), { registeredBy: integ.tokenId })
    await answerTicket(services(), ticket.id, '答复')
    await dispatch()
    await closeTicket(services(), ticket.id)
    const all = (await t.call({ method: 'GET', url: '/api/v1/integration-events' })).json()
    expect(all.items.map((e: { type: string }) => e.type)).toEqual(['ticket.closed', 'ticket.replied', 'ticket.answered', 'ticket.created'])
    const pending = (await t.call({ method: 'GET', url: '/api/v1/integration-events?state=pending' })).json()
    expect(pending.items.map((e: { type: string }) => e.type)).toEqual(['ticket.closed', 'ticket.replied'])
    const answered = (await t.call({ method: 'GET', url: `/api/v1/integration-events?type=ticket.answered&integrationId=${integ.id}` })).json()
    expect(answered).toMatchObject({ total: 1, items: [{ state: 'delivered', integration: { id: integ.id, name: '区政府网站公开信箱' } }] })
  })

  it('signs with the new secret as soon as it is rotated', async () => {
    const integ = await register()
    const rotated = (await t.call({ method: 'POST', url: `/api/v1/integrations/${integ.id}/rotate-secret` })).json().credentials.secret
    await openTicket(services(), { registeredBy: integ.tokenId })
    await dispatch()
    const [r] = receiver.received
    const check = (secret: string) => verifySignature({ secret, signature: r.headers['x-signature'] as string, timestamp: r.headers['x-timestamp'] as string, body: r.body })
    expect(check(rotated)).toBe(true)
    expect(check(integ.secret)).toBe(false)
  })

  it('holds deliveries while an integration is paused and sends them when it is resumed', async () => {
    const integ = await register()
    await t.call({ method: 'PATCH', url: `/api/v1/integrations/${integ.id}`, payload: { active: false } })
    await openTicket(services(), { registeredBy: integ.tokenId })
    expect(await dispatch()).toMatchObject({ attempted: 0 })
    await t.call({ method: 'PATCH', url: `/api/v1/integrations/${integ.id}`, payload: { active: true } })
    expect(await dispatch()).toMatchObject({ delivered: 1 })
  })

  it('waits for a delivery in flight when the service stops', async () => {
    const integ = await register()
    receiver.respondWith(() => 'hang')
    await openTicket(services(), { registeredBy: integ.tokenId })
    const round = dispatch()
    await receiver.waitFor(1)
    const stopped = services().stop()
    receiver.release()
    await stopped
    const [row] = await services().db.select().from(outboxEvents)
    expect(row.state).toBe('delivered')
    expect(await round).toMatchObject({ delivered: 1 })
    expect(await dispatch()).toMatchObject({ attempted: 0 })
  })

  it('delivers from the background loop when it runs', async () => {
    await t.close()
    t = await createTestApp({ webhook: { ...WEBHOOK, pollIntervalMs: 20 } })
    const integ = await register()
    await openTicket(services(), { registeredBy: integ.tokenId })
    await receiver.waitFor(1)
    expect(receiver.received[0].json.type).toBe('ticket.created')
  })

  it('lets an integration poll its own events in order with a cursor', async () => {
    const mailbox = await register(null)
    const other = await register()
    const a = await openTicket(services(), { registeredBy: mailbox.tokenId, externalId: 'MB-1' })
    await openTicket(services(), { registeredBy: other.tokenId, externalId: 'OTHER-1' })
    await answerTicket(services(), a.ticket.id, '答复一')
    await openTicket(services(), { registeredBy: mailbox.tokenId, externalId: 'MB-2' })

    const poll = async (query: string) => (await t.call({ method: 'GET', url: `/api/v1/events${query}`, token: mailbox.token })).json()
    const first = await poll('?limit=2')
    expect(first.items.map((e: { type: string; externalId: string }) => `${e.type} ${e.externalId}`)).toEqual(['ticket.created MB-1', 'ticket.answered MB-1'])
    expect(first.hasMore).toBe(true)
    expect(first.items[1].data.answer).toBe('答复一')
    const second = await poll(`?after=${first.nextCursor}&limit=2`)
    expect(second.items.map((e: { externalId: string }) => e.externalId)).toEqual(['MB-2'])
    expect(second.hasMore).toBe(false)
    const empty = await poll(`?after=${second.nextCursor}`)
    expect(empty).toEqual({ items: [], nextCursor: second.nextCursor, hasMore: false })
    // Asking past a cursor acknowledges what came before it, for an integration that only polls.
    const states = await services().db.select({ state: outboxEvents.state }).from(outboxEvents).where(eq(outboxEvents.integrationId, mailbox.id))
    expect(states.map((s) => s.state)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(await services().db.select().from(eventDeliveries)).toHaveLength(0)
    const bad = await t.call({ method: 'GET', url: '/api/v1/events?after=abc', token: mailbox.token })
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'after' }] })
  })

  it('refuses a cursor beyond the newest event and acknowledges nothing with it (D20)', async () => {
    const mailbox = await register(null)
    const other = await register()
    const poll = (after: number | string) => t.call({ method: 'GET', url: `/api/v1/events?after=${after}`, token: mailbox.token })
    const refused = async (after: number | string) => {
      const res = await poll(after)
      expect(res.statusCode, String(after)).toBe(400)
      expect(res.json()).toMatchObject({ code: 'INTEGRATION_CURSOR_AHEAD', message: expect.stringContaining(`游标 ${after} `), details: [{ field: 'after' }] })
    }
    // No event at all yet: only the start is a cursor.
    expect((await poll(0)).json()).toEqual({ items: [], nextCursor: '0', hasMore: false })
    await refused(1)

    await openTicket(services(), { registeredBy: mailbox.tokenId, externalId: 'MB-1' })
    await openTicket(services(), { registeredBy: other.tokenId, externalId: 'OTHER-1' })
    const seqs = (await services().db.select({ seq: outboxEvents.seq }).from(outboxEvents)).map((r) => r.seq).sort((a, b) => a - b)
    const newest = seqs.at(-1)!
    await refused(99999)
    await refused(newest + 1)
    const states = await services().db.select({ state: outboxEvents.state }).from(outboxEvents).where(eq(outboxEvents.integrationId, mailbox.id))
    expect(states.map((s) => s.state)).toEqual(['pending'])

    // The newest event of all (another integration's) is a cursor nothing of this integration's lies beyond.
    expect((await poll(newest)).json()).toEqual({ items: [], nextCursor: String(newest), hasMore: false })
    await openTicket(services(), { registeredBy: mailbox.tokenId, externalId: 'MB-2' })
    expect((await poll(newest)).json().items.map((e: { externalId: string }) => e.externalId)).toEqual(['MB-2'])
  })
})
