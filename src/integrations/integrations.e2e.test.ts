// A mailbox letter through the real intake and ticket routes, out to a real receiver. It needs the
// consultations and tickets module wired into services; until then (on this branch alone) it is skipped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { verifySignature } from './integrations.webhook.ts'
import { loopbackWebhook, startReceiver, type Receiver } from './integrations.testkit.ts'

const probe = await createTestApp()
const ticketsWired = 'consultations' in probe.app.services && 'tickets' in probe.app.services
await probe.close()

describe.skipIf(!ticketsWired)('a mailbox letter end to end', () => {
  let t: TestApp
  let receiver: Receiver
  let mailbox: { id: number; token: string; secret: string }
  beforeEach(async () => {
    t = await createTestApp({ webhook: loopbackWebhook() })
    receiver = await startReceiver()
    for (const u of [{ code: 'zwb', name: '区政府办公室' }, { code: 'rsj', name: '区人力社保局' }]) {
      await t.call({ method: 'POST', url: '/api/v1/units', payload: u })
    }
    const reg = (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '区政府网站公开信箱', webhookUrl: receiver.url } })).json()
    mailbox = { id: reg.id, token: reg.credentials.token, secret: reg.credentials.secret }
  })
  afterEach(async () => {
    await t.close()
    await receiver.close()
  })

  const letter = { channel: 'mailbox', question: '请问灵活就业人员如何参加职工养老保险？在哪里办理？', externalId: 'MB-2025-0042' }
  const submit = (token: string, payload: Record<string, unknown>, key: string) =>
    t.call({ method: 'POST', url: '/api/v1/consultations', payload, token, headers: { 'idempotency-key': key } })

  it('answers the letter with a ticket number, then pushes every step of the ticket, signed', async () => {
    const first = await submit(mailbox.token, letter, 'letter-42')
    expect(first.statusCode).toBe(201)
    const { consultation, ticket } = first.json()
    expect(consultation).toMatchObject({ outcome: 'ticketed', externalId: 'MB-2025-0042' })
    expect(ticket.number).toMatch(/^ZX\d{8}-\d{4}$/)
    const again = await submit(mailbox.token, letter, 'letter-42-retry')
    expect(again.json().consultation.id).toBe(consultation.id)

    const zwb = await t.token('unit', { unitCode: 'zwb' })
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    if (ticket.unit.code !== 'rsj') {
      expect((await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/assign`, token: zwb, payload: { unitCode: 'rsj' } })).statusCode).toBe(200)
    }
    const answer = '灵活就业人员可持身份证到户籍地或居住地社保经办机构办理参保登记，按月或按季缴费。'
    expect((await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/answer`, token: rsj, payload: { answer } })).statusCode).toBe(200)
    expect((await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/reply`, token: mailbox.token, payload: { method: 'mailbox' } })).statusCode).toBe(200)
    // A letter typed in by an agent is nobody's integration event.
    await submit(await t.token('agent'), { channel: 'hotline', question: '医保断缴后怎么补缴？' }, 'agent-1')

    await t.app.services.integrations.dispatchDue()
    const got = receiver.received.map((r) => r.json)
    expect(got.map((e) => e.type)).toEqual([
      'ticket.created', ...(ticket.unit.code !== 'rsj' ? ['ticket.assigned'] : []), 'ticket.answered', 'ticket.replied',
    ])
    expect(new Set(got.map((e) => e.externalId))).toEqual(new Set(['MB-2025-0042']))
    expect(got[0].data.ticket).toMatchObject({ number: ticket.number, dueAt: ticket.dueAt })
    expect(got.find((e) => e.type === 'ticket.answered')!.data).toMatchObject({ answer, ticket: { status: 'answered', unit: { code: 'rsj' } } })
    for (const r of receiver.received) {
      expect(verifySignature({ secret: mailbox.secret, signature: r.headers['x-signature'] as string, timestamp: r.headers['x-timestamp'] as string, body: r.body })).toBe(true)
    }

    const polled = (await t.call({ method: 'GET', url: '/api/v1/events', token: mailbox.token })).json()
    expect(polled.items.map((e: { id: string }) => e.id)).toEqual(got.map((e) => e.id))
  }, 120_000) // a time limit for a shared machine: the whole flow runs through the real routes
})
