import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

// Deadlines on the official calendar (C3): the 5th working day after the day of receipt, to
// 23:59:59 Asia/Shanghai (15:59:59 UTC), skipping holidays and counting make-up working days.

let k: Kit
const open = async (receivedAt: string, extra: Record<string, unknown> = {}) => {
  const res = await k.submit({ channel: 'hotline', question: '退休人员医保待遇怎么计算？', unitCode: 'ybj', receivedAt, ...extra })
  expect(res.status).toBe(201)
  return res.body.ticket as { id: number; dueAt: string; dueAtProvisional: boolean; number: string }
}

describe('ticket deadlines', () => {
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  it('runs across 国庆 and counts the make-up Saturday: received 2025-09-30, due 2025-10-14', async () => {
    expect(await open('2025-09-30T02:00:00Z')).toMatchObject({ dueAt: '2025-10-14T15:59:59.000Z', dueAtProvisional: false })
  })

  it('runs across 春节 and counts the make-up Sunday: received 2025-01-24, due 2025-02-07', async () => {
    // 26 Jan (Sun, 调休) and 27 Jan count; 28 Jan–4 Feb are off; 5, 6 and 7 Feb count.
    expect((await open('2025-01-24T02:00:00Z')).dueAt).toBe('2025-02-07T15:59:59.000Z')
  })

  it('runs across the 2026 春节 break of nine days', async () => {
    expect((await open('2026-02-13T02:00:00Z')).dueAt).toBe('2026-02-27T15:59:59.000Z')
  })

  it('starts counting after a receipt on a Sunday', async () => {
    expect((await open('2025-06-08T02:00:00Z')).dueAt).toBe('2025-06-13T15:59:59.000Z')
  })

  it('starts counting after a receipt on a public holiday', async () => {
    expect((await open('2025-10-03T02:00:00Z')).dueAt).toBe('2025-10-14T15:59:59.000Z')
  })

  it('takes the day of receipt in Beijing time: 23:30 on 30 September is still the 30th', async () => {
    const late = await open('2025-09-30T15:30:00Z')
    expect(late.dueAt).toBe('2025-10-14T15:59:59.000Z')
    expect(late.number).toMatch(/^ZX20250930-\d{4}$/)
    // Half an hour later it is 1 October in Beijing: a holiday, so the count starts on the 9th.
    const next = await open('2025-09-30T16:30:00Z')
    expect(next.number).toMatch(/^ZX20251001-\d{4}$/)
    expect(next.dueAt).toBe('2025-10-14T15:59:59.000Z')
  })

  it('does not restart the deadline on reassignment or return', async () => {
    const t = await open('2025-09-30T02:00:00Z')
    await k.act(t.id, 'reassign', { unitCode: 'rsj', reason: '属人社局职责' }, k.tokens.agent)
    await k.act(t.id, 'return', { reason: '亦非本局职责' }, k.tokens.rsj)
    const res = await k.act(t.id, 'assign', { unitCode: 'jw' }, k.tokens.zwb)
    expect(res.body).toMatchObject({ dueAt: '2025-10-14T15:59:59.000Z', reassignCount: 1, returnCount: 1 })
  })

  it('shows five working days remaining on the day of receipt', async () => {
    const t = await open(new Date().toISOString())
    expect((await k.ticket(t.id)).body).toMatchObject({ remainingWorkingDays: 5, overdue: false })
  })
})

describe('ticket deadlines after a calendar change', () => {
  // Each test changes the calendar, so each gets its own app.
  beforeEach(async () => { k = await createKit() })
  afterEach(async () => {
    vi.useRealTimers()
    await k.close()
  })

  it('marks a deadline that runs into a year with no schedule as provisional, then settles it when the schedule is published', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-28T02:00:00Z'), toFake: ['Date'] })
    const ticket = await open('2026-12-28T02:00:00Z')
    // Weekdays and the statutory holidays: 29, 30, 31 Dec, then 4 and 5 Jan (1 Jan is 元旦 by law).
    expect(ticket).toMatchObject({ dueAt: '2027-01-05T15:59:59.000Z', dueAtProvisional: true })
    expect((await k.ticket(ticket.id)).body.history[0].note).toContain('暂按周一至周五')

    const put = await k.call({
      method: 'PUT', url: '/api/v1/calendar/2027',
      payload: { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [], sourceUrl: 'https://www.gov.cn/zhengce/content/2027-notice.htm' },
    })
    expect(put.statusCode).toBe(200)
    const after = (await k.ticket(ticket.id)).body
    expect(after).toMatchObject({ dueAt: '2027-01-05T15:59:59.000Z', dueAtProvisional: false })
    expect(after.history.at(-1)).toMatchObject({ action: 'due_recomputed', actor: null })
    expect(after.history.at(-1).note).toContain('不再是暂定')
    expect(after.history.at(-1).note).toContain('办理时限 2027年1月5日 23:59 不变，不再是暂定')
  })

  it('recomputes open tickets after a mid-year calendar change, leaving replied ones alone', async () => {
    const openTicket = await open('2025-09-30T02:00:00Z')
    const done = await open('2025-09-30T03:00:00Z')
    await k.act(done.id, 'answer', { answer: '答复' }, k.tokens.ybj)
    await k.act(done.id, 'reply', { method: 'phone', repliedAt: '2025-10-10T02:00:00Z' }, k.tokens.agent)

    const year = (await k.call({ method: 'GET', url: '/api/v1/calendar/2025' })).json()
    const put = await k.call({
      method: 'PUT', url: '/api/v1/calendar/2025',
      payload: { holidays: [...year.holidays, { date: '2025-10-13', name: '临时调整' }], workdays: year.workdays, sourceUrl: 'https://www.gov.cn/zhengce/content/2025-change.htm' },
    })
    expect(put.statusCode).toBe(200)

    const moved = (await k.ticket(openTicket.id)).body
    expect(moved.dueAt).toBe('2025-10-15T15:59:59.000Z')
    expect(moved.history.at(-1).note).toContain('2025年10月14日 23:59')
    expect((await k.ticket(done.id)).body.dueAt).toBe('2025-10-14T15:59:59.000Z')
  })

  it('recomputes promises given in working days with the tickets, and settles their provisional mark; a date stays', async () => {
    // Monday 7 December 2026: 43 working days on the statutory holidays alone end on 9 February 2027.
    vi.useFakeTimers({ now: new Date('2026-12-07T10:20:00Z'), toFake: ['Date'] })
    const ticket = await open('2026-12-07T10:20:00Z')
    expect((await k.act(ticket.id, 'answer', { answer: '已受理。', promises: [
      { content: '春节后上门核实', workingDays: 43 },
      { content: '年内书面告知', dueOn: '2026-12-31' },
    ] }, k.tokens.ybj)).status).toBe(200)
    const promises = async () => (await k.ticket(ticket.id)).body.promises as { content: string; dueAt: string; dueAtProvisional: boolean; remainingWorkingDays: number }[]
    expect((await promises()).map((p) => [p.dueAt, p.dueAtProvisional])).toEqual([['2027-02-09T15:59:59.000Z', true], ['2026-12-31T15:59:59.000Z', false]])

    const put = await k.call({
      method: 'PUT', url: '/api/v1/calendar/2027',
      payload: {
        holidays: [{ date: '2027-01-01', name: '元旦' }, ...[5, 6, 7, 8, 9, 10, 11].map((d) => ({ date: `2027-02-${String(d).padStart(2, '0')}`, name: '春节' }))],
        workdays: [{ date: '2027-02-20', name: '春节' }], sourceUrl: 'https://www.gov.cn/zhengce/content/2027-notice.htm',
      },
    })
    expect(put.statusCode).toBe(200)
    const [moved, dated] = await promises()
    expect(moved).toMatchObject({ dueAt: '2027-02-12T15:59:59.000Z', dueAtProvisional: false, remainingWorkingDays: 43 })
    expect(dated).toMatchObject({ dueAt: '2026-12-31T15:59:59.000Z', dueAtProvisional: false })
    const history = (await k.ticket(ticket.id)).body.history as { action: string; note: string }[]
    expect(history.at(-1)).toMatchObject({ action: 'due_recomputed' })
    expect(history.at(-1)!.note).toContain('承诺事项“春节后上门核实”完成时限由 2027年2月9日 23:59 调整为 2027年2月12日 23:59，不再是暂定')

    // Withdrawing the year makes it provisional again, on the statutory days.
    expect((await k.call({ method: 'DELETE', url: '/api/v1/calendar/2027' })).statusCode).toBe(200)
    expect((await promises())[0]).toMatchObject({ dueAt: '2027-02-09T15:59:59.000Z', dueAtProvisional: true })
  })
})
