// Each route that took a client's date-time, with the values that gave a 500 (or a wrong answer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'

const REFUSED = ['2016-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '9999-01-01T00:00:00Z']

describe('date-times a client sends', () => {
  let k: Kit
  let ticketId: number
  beforeAll(async () => {
    k = await createKit()
    const opened = await k.submit({ channel: 'hotline', question: '小区门口的共享单车停放点能不能调整位置？', receivedAt: '2025-09-30T02:00:00Z' })
    ticketId = opened.body.ticket.id
  })
  afterAll(async () => { await k.close() })

  const expectRefused = (res: { statusCode: number; json(): any }, field: string) => {
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.code).toBe('VALIDATION_FAILED')
    expect(body.details).toContainEqual({ field, message: expect.stringContaining('2000-01-01 至 2100-12-31（北京时间）') })
  }
  const q = (v: string) => encodeURIComponent(v)

  it.each(REFUSED)('POST /consultations refuses receivedAt=%s with 400 instead of 500 or a 1900 receipt', async (value) => {
    expectRefused(await k.call({ method: 'POST', url: '/api/v1/consultations', token: k.tokens.agent, payload: { channel: 'hotline', question: '问一个问题', receivedAt: value } }), 'receivedAt')
  })

  it.each(REFUSED)('GET /consultations refuses from=%s with 400', async (value) => {
    expectRefused(await k.call({ method: 'GET', url: `/api/v1/consultations?from=${q(value)}` }), 'from')
  })

  it.each(REFUSED)('GET /tickets refuses %s as from and as to with 400', async (value) => {
    expectRefused(await k.call({ method: 'GET', url: `/api/v1/tickets?from=${q(value)}` }), 'from')
    expectRefused(await k.call({ method: 'GET', url: `/api/v1/tickets?to=${q(value)}` }), 'to')
  })

  it.each(REFUSED)('GET /audit refuses from=%s with 400', async (value) => {
    expectRefused(await k.call({ method: 'GET', url: `/api/v1/audit?from=${q(value)}` }), 'from')
  })

  it.each(REFUSED)('POST /tickets/:id/reply refuses repliedAt=%s with 400', async (value) => {
    expectRefused(await k.call({ method: 'POST', url: `/api/v1/tickets/${ticketId}/reply`, token: k.tokens.agent, payload: { method: 'phone', repliedAt: value } }), 'repliedAt')
  })

  it.each(REFUSED)('GET /calendar/due refuses from=%s instead of answering with a year 0999 or a 500', async (value) => {
    expectRefused(await k.call({ method: 'GET', url: `/api/v1/calendar/due?from=${q(value)}` }), 'from')
  })

  it('still takes date-times inside the range, and days for list filters', async () => {
    expect((await k.call({ method: 'GET', url: `/api/v1/calendar/due?from=${q('2100-12-20T09:00:00+08:00')}` })).json()).toMatchObject({ receivedDate: '2100-12-20' })
    const list = await k.call({ method: 'GET', url: `/api/v1/tickets?from=2025-09-30&to=${q('2025-09-30T02:00:00Z')}` })
    expect(list.json().items.map((t: { id: number }) => t.id)).toEqual([ticketId])
  })
})
