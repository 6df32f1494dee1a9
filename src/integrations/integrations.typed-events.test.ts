// Every event type, through the real routes and reminders: the payload its emitter built is what the
// outbox stores, what the webhook posts and what polling returns, byte for byte after JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asc, eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { DOMAIN_EVENT_TYPES, type DomainEvent } from '../common/events.ts'
import { setUpLibrary } from '../kb/kb.testkit.ts'
import { shanghaiDate } from '../common/time.ts'
import { outboxEvents } from './integrations.table.ts'
import { loopbackWebhook, startReceiver, type Receiver } from './integrations.testkit.ts'

describe('typed events: emitted, stored, sent', () => {
  let t: TestApp
  let receiver: Receiver
  let mailbox: { token: string; tokenId: number }
  const emitted: DomainEvent[] = []

  beforeAll(async () => {
    t = await createTestApp({ webhook: loopbackWebhook() })
    receiver = await startReceiver()
    const lib = await setUpLibrary(t)
    await lib.post('/units', { code: 'zwb', name: '区政府办公室' })
    const reg = (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '区政府网站公开信箱', webhookUrl: receiver.url } })).json()
    mailbox = { token: reg.credentials.token, tokenId: reg.token.id }
    t.app.services.events.on((_tx, e) => { if (e.submittedBy === mailbox.tokenId) emitted.push(e) })

    const post = async (url: string, payload: object, token?: string) => {
      const res = await t.call({ method: 'POST', url: `/api/v1${url}`, payload, token })
      if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
      return res.json()
    }
    const phone = '13812345678'
    const asker = { name: '王五', phone }

    // consultation.answered: a letter the agent answers from a published entry.
    const entry = await lib.entry({ answer: `可向区就业服务中心申请，咨询电话另见通知。` })
    await lib.publish(entry.id)
    await post('/consultations', { channel: 'mailbox', question: `创业补贴怎么申请？电话${phone}`, asker, answeredEntryId: entry.id, externalId: 'MB-A' }, mailbox.token)

    // The ticket's whole life, with a rating that reopens it and promises with their reminders.
    const { ticket } = await post('/consultations', { channel: 'mailbox', question: `路灯坏了，我的电话${phone}`, asker, externalId: 'MB-T', openTicket: true }, mailbox.token)
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    if (ticket.unit.code !== 'rsj') await post(`/tickets/${ticket.id}/assign`, { unitCode: 'rsj', note: `请联系${phone}` })
    const answered = await post(`/tickets/${ticket.id}/answer`, { answer: `已安排，回电${phone}`, promises: [{ content: `十个工作日内回访${phone}`, workingDays: 10 }] }, rsj)
    await post(`/tickets/${ticket.id}/reply`, { method: 'mailbox' }, mailbox.token)
    await post(`/tickets/${ticket.id}/rating`, { rating: 'unsatisfied', comment: `请再联系${phone}` }, mailbox.token)

    const { calendar, integrations, promises, db } = t.app.services
    const [open] = (await db.select().from(outboxEvents).orderBy(asc(outboxEvents.seq))).filter((e) => e.type === 'ticket.redone').map((e) => e.payload as { ticket: { dueAt: string } })
    const nextWorkingDay = (from: string) => {
      let d = new Date(Date.parse(from) + 86_400_000)
      while (!calendar.isWorkingDay(shanghaiDate(d))) d = new Date(d.getTime() + 86_400_000)
      return d
    }
    // An hour before the deadline (a working day's evening), then on the next working day.
    await integrations.runReminders(new Date(Date.parse(open.ticket.dueAt) - 3600_000))
    await integrations.runReminders(nextWorkingDay(open.ticket.dueAt))
    const promiseDue: string = answered.promises[0].dueAt
    await promises.runReminders(new Date(Date.parse(promiseDue) - 3600_000))
    await promises.runReminders(nextWorkingDay(promiseDue))

    await post(`/tickets/${ticket.id}/answer`, { answer: '已修复。' }, rsj)
    await post(`/tickets/${ticket.id}/reply`, { method: 'phone' }, mailbox.token)
    await post(`/tickets/${ticket.id}/close`, {})
    await post(`/promises/${answered.promises[0].id}/fulfil`, { note: `已回访${phone}` }, rsj)

    for (;;) if ((await integrations.dispatchDue()).attempted === 0) break
  }, 120_000)
  afterAll(async () => {
    await t?.close()
    await receiver?.close()
  })

  it('covers every event type', () => {
    expect(new Set(emitted.map((e) => e.type))).toEqual(new Set(DOMAIN_EVENT_TYPES))
  })

  it('stores, posts and polls each payload exactly as it was emitted', async () => {
    const rows = await t.app.services.db.select().from(outboxEvents).orderBy(asc(outboxEvents.seq))
    const posted = receiver.received.map((r) => r.json)
    const polled = (await t.call({ method: 'GET', url: '/api/v1/events?limit=100', token: mailbox.token })).json().items
    expect(rows).toHaveLength(emitted.length)
    expect(posted).toHaveLength(emitted.length)
    const asJson = (v: unknown) => JSON.parse(JSON.stringify(v))
    emitted.forEach((event, i) => {
      const envelope = { type: event.type, consultationId: event.consultationId, externalId: event.externalId, data: asJson(event.payload) }
      expect(rows[i]).toMatchObject({ type: event.type, consultationId: event.consultationId, externalId: event.externalId, payload: envelope.data })
      expect(posted[i]).toMatchObject({ ...envelope, id: rows[i].id })
      expect(polled[i]).toMatchObject({ ...envelope, id: rows[i].id })
    })
  })

  it('masks the asker\'s details in every text, wherever the emitter took it from', () => {
    const all = JSON.stringify(emitted)
    expect(all).not.toContain('13812345678')
    expect(all).toContain('138****5678')
  })

  it('carries the ticket as it stands after each change', async () => {
    const statuses = emitted.filter((e) => e.payload.ticket !== null).map((e) => `${e.type}:${e.payload.ticket!.status}`)
    expect(statuses).toContain('ticket.answered:answered')
    expect(statuses).toContain('ticket.replied:replied')
    expect(statuses).toContain('ticket.redone:assigned')
    expect(statuses).toContain('ticket.closed:closed')
    const replied = emitted.find((e) => e.type === 'ticket.replied')
    const rowAnswer = (await t.app.services.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'ticket.answered')).orderBy(asc(outboxEvents.seq)))[0].payload
    expect(replied?.type === 'ticket.replied' && replied.payload.answer).toBe((rowAnswer as { answer: string }).answer)
  })
})
