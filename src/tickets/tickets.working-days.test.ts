import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'
import { tickets } from './tickets.table.ts'

// The working days a reply took (receipt to the reply to the asker) are stored on the ticket, so
// the statistics read a column on SQLite and PostgreSQL alike; the calendar's own arithmetic fills
// it when the reply is recorded, at start-up for older replies, and again when the calendar changes.
// 2025 国庆: 1–8 October off, Saturday 11 October worked (调休).

let k: Kit
const taken = async (id: number) =>
  (await k.app.services.db.select({ days: tickets.workingDaysTaken }).from(tickets).where(eq(tickets.id, id)))[0].days

/** A ticket received on 30 September 2025 and replied to on Monday 13 October: 9, 10, 11 and 13 October count. */
async function repliedAcrossNationalDay() {
  const res = await k.submit({ channel: 'hotline', question: '退休人员医保待遇怎么计算？', unitCode: 'ybj', receivedAt: '2025-09-30T02:00:00Z' })
  expect(res.status).toBe(201)
  const id = res.body.ticket.id as number
  expect((await k.act(id, 'answer', { answer: '按退休时的缴费年限计算。' }, k.tokens.ybj)).status).toBe(200)
  expect((await k.act(id, 'reply', { method: 'phone', repliedAt: '2025-10-13T02:00:00Z' }, k.tokens.agent)).status).toBe(200)
  return id
}

describe('the working days a reply took', () => {
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  it('are stored with the reply, as the calendar counts them, and cleared when the ticket is redone', async () => {
    const id = await repliedAcrossNationalDay()
    expect(await taken(id)).toBe(4)
    expect(k.app.services.calendar.workingDaysBetween('2025-09-30T02:00:00Z', '2025-10-13T02:00:00Z')).toBe(4)
    await k.app.services.followup.redo(id, { reason: '答复不完整' }, k.admin)
    expect(await taken(id)).toBeNull()
  })

  it('are filled for tickets replied before they were stored, and only for those', async () => {
    const id = await repliedAcrossNationalDay()
    const other = await repliedAcrossNationalDay()
    await k.app.services.db.update(tickets).set({ workingDaysTaken: null }).where(eq(tickets.id, id))
    expect(await k.app.services.tickets.fillWorkingDaysTaken({ missing: true })).toBe(1)
    expect(await taken(id)).toBe(4)
    expect(await taken(other)).toBe(4)
    expect(await k.app.services.tickets.fillWorkingDaysTaken({ missing: true })).toBe(0)
  })

  it('follow a change of the calendar, and its undoing', async () => {
    const id = await repliedAcrossNationalDay()
    const { calendar } = k.app.services
    const year = calendar.getYear(2025)
    // 10 October becomes a day off too: three working days remain between receipt and reply.
    await calendar.putYear(2025, { holidays: [...year.holidays, { date: '2025-10-10', name: '国庆节' }], workdays: year.workdays, sourceUrl: 'https://www.gov.cn/test.htm' }, k.admin)
    expect(await taken(id)).toBe(3)
    await calendar.deleteYear(2025, k.admin)
    expect(await taken(id)).toBe(4)
  })
})
