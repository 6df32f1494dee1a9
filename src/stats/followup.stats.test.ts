import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'

// The office's figures after the reply: satisfaction, the share rated, redoing and promises kept.

let k: Kit
const at = (iso: string) => vi.setSystemTime(new Date(iso))

async function replied(answer: Record<string, unknown> = {}) {
  const res = await k.submit({ channel: 'hotline', question: '失业保险金怎么领？', unitCode: 'rsj' })
  const id = res.body.ticket.id as number
  await k.act(id, 'answer', { answer: '到就业服务窗口申领。', ...answer }, k.tokens.rsj)
  await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)
  return id
}
const rate = (id: number, rating: string) => k.call({ method: 'POST', url: `/api/v1/tickets/${id}/rating`, payload: { rating }, token: k.tokens.agent })

describe('after-the-reply statistics', () => {
  beforeAll(async () => {
    k = await createKit()
    vi.useFakeTimers({ now: new Date('2025-09-26T02:00:00Z'), toFake: ['Date'] })
    const t1 = await replied({ promises: [{ content: '三个工作日内上门核实', workingDays: 3 }, { content: '10 月 20 日前完成维修', dueOn: '2025-10-20' }] })
    await rate(t1, 'satisfied')
    const t2 = await replied()
    await rate(t2, 'unsatisfied') // reopens: round 1 is redone
    await k.act(t2, 'answer', { answer: '补充答复。' }, k.tokens.rsj)
    await k.act(t2, 'reply', { method: 'phone' }, k.tokens.agent)
    await rate(t2, 'basically_satisfied')
    await replied() // not rated
    at('2025-09-29T02:00:00Z')
    const promiseId = (await k.ticket(t1)).body.promises[0].id
    await k.call({ method: 'POST', url: `/api/v1/promises/${promiseId}/fulfil`, payload: { note: '已上门核实' }, token: k.tokens.rsj })
    at('2025-10-22T02:00:00Z')
  })
  afterAll(async () => {
    vi.useRealTimers()
    await k.close()
  })

  it('counts every replied round, its rating and whether it was redone, and the promises due', async () => {
    const res = await k.call({ method: 'GET', url: '/api/v1/stats/after-reply?from=2025-09-01&to=2025-10-31' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    const rsj = body.items.find((i: { unit: { code: string } }) => i.unit.code === 'rsj')
    expect(rsj).toMatchObject({
      replied: 4, rated: 3, satisfied: 1, basicallySatisfied: 1, unsatisfied: 1,
      satisfactionRate: 0.6667, ratedShare: 0.75, redone: 1, redoRate: 0.25,
      promisesDue: 2, promisesKeptOnTime: 1, promisesFulfilledLate: 0, promisesOverdue: 1, promisesKeptOnTimeRate: 0.5,
      promisesOpenNow: 1, promisesOverdueNow: 1,
    })
    expect(body.items.find((i: { unit: { code: string } }) => i.unit.code === 'ybj')).toMatchObject({ replied: 0, satisfactionRate: null })
    expect(body.total).toMatchObject({ replied: 4, rated: 3 })
    expect(body.months).toEqual([
      expect.objectContaining({ month: '2025-09', replied: 4, rated: 3, promisesDue: 1, promisesKeptOnTime: 1 }),
      expect.objectContaining({ month: '2025-10', replied: 0, promisesDue: 1, promisesOverdue: 1 }),
    ])
  })

  it('keeps a unit to its own figures', async () => {
    const own = await k.call({ method: 'GET', url: '/api/v1/stats/after-reply?from=2025-09-01&to=2025-10-31', token: k.tokens.ybj })
    expect(own.json().items.map((i: { unit: { code: string } }) => i.unit.code)).toEqual(['ybj'])
    const other = await k.call({ method: 'GET', url: '/api/v1/stats/after-reply?unit=rsj', token: k.tokens.ybj })
    expect(other.json().code).toBe('STATS_UNIT_FORBIDDEN')
  })

  it('shows 满意度 and 是否重办 in the ledger export', async () => {
    const res = await k.call({ method: 'GET', url: '/api/v1/ledger/export?format=csv' })
    const lines = res.rawPayload.toString('utf8').trim().split('\r\n').map((l) => l.split(','))
    expect(lines[0].slice(-2)).toEqual(['满意度', '是否重办'])
    expect(lines.slice(1).map((l) => l.slice(-2))).toEqual([['满意', '否'], ['基本满意', '是'], ['', '否']])
  })
})
