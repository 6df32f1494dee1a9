import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { loopbackWebhook, startReceiver, type Receiver } from '../integrations/integrations.testkit.ts'

// Rating, redoing and promises reach the mailbox's webhook like the other ticket events.

describe('after-the-reply events on a loopback webhook', () => {
  let t: TestApp
  let receiver: Receiver
  let mailbox: string
  beforeAll(async () => {
    t = await createTestApp({ webhook: loopbackWebhook() })
    receiver = await startReceiver()
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'zwb', name: '区政府办公室' } })
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'jsj', name: '区住房城乡建委' } })
    const reg = (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '区政府网站公开信箱', webhookUrl: receiver.url } })).json()
    mailbox = reg.credentials.token
  })
  afterAll(async () => {
    await t.close()
    await receiver.close()
  })

  it('pushes ticket.rated, ticket.redone and the promise events, masked and in order', async () => {
    const letter = { channel: 'mailbox', question: '小区路灯坏了很久，能修吗？我的电话13812345678', externalId: 'MB-2025-0100', unitCode: 'jsj', asker: { name: '王五', phone: '13812345678' } }
    const { ticket } = (await t.call({ method: 'POST', url: '/api/v1/consultations', payload: letter, token: mailbox })).json()
    const jsj = await t.token('unit', { unitCode: 'jsj' })
    const answered = await t.call({
      method: 'POST', url: `/api/v1/tickets/${ticket.id}/answer`, token: jsj,
      payload: { answer: '已安排维修。', promises: [{ content: '十个工作日内修复路灯', workingDays: 10 }] },
    })
    expect(answered.statusCode).toBe(200)
    await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/reply`, token: mailbox, payload: { method: 'mailbox' } })
    const rated = await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/rating`, token: mailbox, payload: { rating: 'unsatisfied', comment: '请回电13812345678' } })
    expect(rated.json()).toMatchObject({ redone: true, source: 'integration' })
    const promiseId = answered.json().promises[0].id
    expect((await t.call({ method: 'POST', url: `/api/v1/promises/${promiseId}/fulfil`, token: jsj, payload: { note: '已更换灯具' } })).statusCode).toBe(200)

    await t.app.services.integrations.dispatchDue()
    const got = receiver.received.map((r) => r.json)
    expect(got.map((e) => e.type)).toEqual([
      'ticket.created', 'ticket.assigned', 'ticket.answered', 'promise.made', 'ticket.replied', 'ticket.rated', 'ticket.redone', 'promise.fulfilled',
    ])
    const byType = Object.fromEntries(got.map((e) => [e.type, e.data]))
    expect(byType['ticket.rated']).toMatchObject({ round: 1, rating: 'unsatisfied', comment: '请回电138****5678', source: 'integration', changed: false })
    expect(byType['ticket.redone']).toMatchObject({ round: 2, trigger: 'rating', ticket: { status: 'assigned', unit: { code: 'jsj' } }, previousUnit: { code: 'jsj' } })
    expect((byType['ticket.redone'] as { reason: string }).reason).toContain('138****5678')
    expect(byType['promise.made']).toMatchObject({ promise: { id: promiseId, content: '十个工作日内修复路灯', state: 'open' } })
    expect(byType['promise.fulfilled']).toMatchObject({ promise: { id: promiseId, state: 'fulfilled', note: '已更换灯具', onTime: true } })
  })
})
