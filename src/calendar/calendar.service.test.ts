import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addDays, isWeekend } from './working-days.ts'
import { calendarOnFreshDb, officialDays, readHolidayCn } from './calendar.testkit.ts'
import type { CalendarService } from './calendar.service.ts'
import { calendarYears } from './calendar.table.ts'
import type { Db } from '../db/client.ts'

const URL_2025 = 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'
const admin = { tokenId: 1, role: 'admin' as const, name: '管理员', unitId: null, reviewStep: null }

let calendar: CalendarService
let close: () => Promise<void>
let db: Db
let logged: { obj: object; msg: string }[]
beforeEach(async () => {
  logged = []
  const log = { info: (obj: object, msg: string) => logged.push({ obj, msg }), error: (obj: object, msg: string) => logged.push({ obj, msg }) }
  ;({ calendar, close, db } = await calendarOnFreshDb(log))
})
afterEach(async () => { await close() })

/** holiday-cn's days of a year as a table schedule. */
function tableInputFromHolidayCn(year: number) {
  const file = readHolidayCn(year)
  const inYear = file.days.filter((d) => d.date.startsWith(String(year)))
  return {
    holidays: inYear.filter((d) => d.isOffDay).map(({ date, name }) => ({ date, name })),
    workdays: inYear.filter((d) => !d.isOffDay).map(({ date, name }) => ({ date, name })),
    sourceUrl: file.papers[0],
  }
}

function disagreementsWithOfficial(from: number, to: number) {
  const official = officialDays(from, to)
  const out: string[] = []
  for (let date = `${from}-01-01`; date <= `${to}-12-31`; date = addDays(date, 1)) {
    const o = official.get(date)
    const expected = o ? !o.isOffDay : !isWeekend(date)
    if (calendar.isWorkingDay(date) !== expected) out.push(date)
  }
  return out
}

describe('isWorkingDay against the official schedules', () => {
  it('agrees on every day of 2020–2026: weekdays minus days off, plus make-up working days', () => {
    expect(disagreementsWithOfficial(2020, 2026)).toEqual([])
    // Spot checks that the comparison itself has teeth.
    expect(calendar.isWorkingDay('2025-10-11')).toBe(true) // Saturday, 调休
    expect(calendar.isWorkingDay('2025-10-08')).toBe(false) // Wednesday, 国庆节
    expect(calendar.isWorkingDay('2020-01-31')).toBe(false) // 2020 春节 extension
  })

  it('gives every official weekday off a reason the notice names', () => {
    for (const [date, o] of officialDays(2020, 2026)) {
      if (!o.isOffDay || isWeekend(date)) continue
      // holiday-cn writes merged periods as 国庆节、中秋节; we give one of the two names.
      expect(o.name.split('、'), date).toContain(calendar.dayInfo(date).reason)
    }
  })

  it('still agrees on every day of 2025 when the year is loaded into the table from the notice', async () => {
    await calendar.putYear(2025, tableInputFromHolidayCn(2025), admin)
    expect(calendar.getYear(2025).source).toBe('table')
    expect(disagreementsWithOfficial(2025, 2025)).toEqual([])
  })

  it('finds no published schedule for 2027 in the holiday-cn data or the package', () => {
    expect(readHolidayCn(2027).days).toEqual([])
    expect(calendar.getYear(2027)).toMatchObject({ source: 'none', provisional: true })
    expect(calendar.getYear(2027).holidays).toHaveLength(13)
  })
})

describe('dueAt', () => {
  it('runs over 国庆 and 中秋 to the worked Saturday: 2025-09-30 → 2025-10-14', () => {
    const due = calendar.dueAt('2025-09-30T10:00:00+08:00', 5)
    expect(due.dueAt).toBe('2025-10-14T15:59:59.000Z')
    expect(due.provisional).toBe(false)
    expect(due.skipped).toEqual([
      ...['01', '02', '03', '04', '05'].map((d) => ({ date: `2025-10-${d}`, reason: '国庆节' })),
      { date: '2025-10-06', reason: '中秋节' },
      { date: '2025-10-07', reason: '国庆节' }, { date: '2025-10-08', reason: '国庆节' },
      { date: '2025-10-12', reason: '周末' },
    ])
  })

  it('counts the worked Sunday before 春节 when received late in January 2025', () => {
    // Fri 24 received; Sat 25 off; Sun 26 worked (1); Mon 27 (2); 28 Jan–4 Feb off; 5, 6, 7 Feb.
    const due = calendar.dueAt('2025-01-24T09:00:00+08:00', 5)
    expect(due.dueAt).toBe('2025-02-07T15:59:59.000Z')
    expect(due.skipped.map((s) => s.date)).toEqual(['2025-01-25', ...['28', '29', '30', '31'].map((d) => `2025-01-${d}`), '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04'])
    expect(due.skipped.filter((s) => s.reason === '春节')).toHaveLength(8)
  })

  it('counts both worked Saturdays around 春节 2026', () => {
    expect(calendar.dueAt('2026-02-13T09:00:00+08:00', 5).dueAt).toBe('2026-02-27T15:59:59.000Z')
    expect(calendar.dueAt('2026-02-27T09:00:00+08:00', 5).dueAt).toBe('2026-03-05T15:59:59.000Z')
  })

  it('counts from the next day when received on a Saturday', () => {
    const due = calendar.dueAt('2025-03-08T11:00:00+08:00', 5)
    expect(due.dueAt).toBe('2025-03-14T15:59:59.000Z')
    expect(due.skipped).toEqual([{ date: '2025-03-09', reason: '周末' }])
  })

  it('does not count the day of receipt when it is a worked Saturday', () => {
    expect(calendar.dueAt('2025-10-11T11:00:00+08:00', 5).dueAt).toBe('2025-10-17T15:59:59.000Z')
  })

  it('counts from the next day when received on a holiday', () => {
    expect(calendar.dueAt('2025-10-03T20:00:00+08:00', 5).dueAt).toBe('2025-10-14T15:59:59.000Z')
  })

  it('takes the day of receipt in Beijing time, not UTC', () => {
    // 00:30 on 30 September in Beijing is still 29 September in UTC.
    expect(calendar.dueAt('2025-09-29T16:30:00Z', 5).dueAt).toBe('2025-10-14T15:59:59.000Z')
    expect(calendar.dueAt(new Date('2025-09-29T15:30:00Z'), 5).dueAt).toBe('2025-10-13T15:59:59.000Z')
  })

  it('marks a deadline that runs into 2027, which has no schedule, as provisional', () => {
    const due = calendar.dueAt('2026-12-28T10:00:00+08:00', 5)
    expect(due).toMatchObject({ dueAt: '2027-01-05T15:59:59.000Z', provisional: true })
    expect(due.skipped).toEqual([{ date: '2027-01-01', reason: '元旦（法定假日）' }, { date: '2027-01-02', reason: '周末' }, { date: '2027-01-03', reason: '周末' }])
    expect(calendar.dueAt('2026-12-01T10:00:00+08:00', 5).provisional).toBe(false)
  })

  it('stops being provisional once an administrator loads 2027', async () => {
    await calendar.putYear(2027, { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [], sourceUrl: 'https://www.gov.cn/2027.htm' }, admin)
    const due = calendar.dueAt('2026-12-28T10:00:00+08:00', 5)
    expect(due).toMatchObject({ dueAt: '2027-01-05T15:59:59.000Z', provisional: false })
    expect(due.skipped[0]).toEqual({ date: '2027-01-01', reason: '元旦' })
  })

  it('moves a due date when the table overrides the package, and back when the override is deleted', async () => {
    const changes: number[][] = []
    const seen: string[] = []
    calendar.onChange((years) => { changes.push(years); seen.push(calendar.dueAt('2025-09-30T10:00:00+08:00', 5).dueAt) })
    const input = tableInputFromHolidayCn(2025)
    // A mid-year change: 9 October becomes a day off too.
    input.holidays.push({ date: '2025-10-09', name: '国庆节' })
    const result = await calendar.putYear(2025, input, admin)
    expect(result).toMatchObject({ source: 'table', changed: true, changes: { holidaysAdded: ['2025-10-09'], holidaysRemoved: [], workdaysAdded: [], workdaysRemoved: [] } })
    // holiday-cn calls the whole period 国庆节、中秋节; the package names 6 October 中秋节 and the rest 国庆节.
    expect(result.changes.renamed).toContain('2025-10-01')
    expect(calendar.dueAt('2025-09-30T10:00:00+08:00', 5).dueAt).toBe('2025-10-15T15:59:59.000Z')

    await calendar.deleteYear(2025, admin)
    expect(calendar.dueAt('2025-09-30T10:00:00+08:00', 5).dueAt).toBe('2025-10-14T15:59:59.000Z')
    // Listeners run after the change and already see it.
    expect(changes).toEqual([[2025], [2025]])
    expect(seen).toEqual(['2025-10-15T15:59:59.000Z', '2025-10-14T15:59:59.000Z'])
    expect(logged.filter((l) => l.msg === 'calendar changed')).toHaveLength(2)
  })

  it('does not notify when a load only renames days or repeats the schedule', async () => {
    const changes: number[][] = []
    calendar.onChange((years) => changes.push(years))
    const first = await calendar.putYear(2025, tableInputFromHolidayCn(2025), admin)
    expect(first.changes.renamed.length).toBeGreaterThan(0)
    expect(first.changed).toBe(false)
    expect((await calendar.putYear(2025, tableInputFromHolidayCn(2025), admin)).changed).toBe(false)
    expect(changes).toEqual([])
  })

  it('keeps telling the other listeners when one throws, and logs the failure', async () => {
    const told: number[][] = []
    calendar.onChange(() => { throw new Error('boom') })
    calendar.onChange((years) => told.push(years))
    await calendar.putYear(2027, { holidays: [{ date: '2027-01-01', name: '元旦' }], workdays: [], sourceUrl: 'https://www.gov.cn/2027.htm' }, admin)
    expect(told).toEqual([[2027]])
    expect(logged.some((l) => l.msg === 'calendar change listener failed')).toBe(true)
  })

  it('sees a year written straight into the table once reloaded', async () => {
    calendar.dueAt('2026-12-28T10:00:00+08:00', 5)
    await db.insert(calendarYears).values({ year: 2027, holidays: [{ date: '2027-01-04', name: '元旦' }], workdays: [], sourceUrl: 'https://example.gov.cn/' })
    expect(calendar.dueAt('2026-12-28T10:00:00+08:00', 5).provisional).toBe(true)
    await calendar.reload()
    expect(calendar.dueAt('2026-12-28T10:00:00+08:00', 5)).toMatchObject({ provisional: false, dueAt: '2027-01-05T15:59:59.000Z' })
  })

  it('refuses an unreadable time or a non-positive number of days', () => {
    expect(() => calendar.dueAt('yesterday', 5)).toThrow(expect.objectContaining({ code: 'CALENDAR_INVALID_DATE' }))
    expect(() => calendar.dueAt('2025-09-30T10:00:00+08:00', 0)).toThrow(expect.objectContaining({ code: 'CALENDAR_INVALID_DATE' }))
    expect(() => calendar.isWorkingDay('2025-02-30')).toThrow(expect.objectContaining({ code: 'CALENDAR_INVALID_DATE' }))
  })
})

describe('workingDaysBetween', () => {
  it('gives 5 from receipt to the due time, and counts down to negative once overdue', () => {
    const received = '2025-09-30T10:00:00+08:00'
    const { dueAt } = calendar.dueAt(received, 5)
    expect(calendar.workingDaysBetween(received, dueAt)).toBe(5)
    // After the 9th: the 10th, the 11th (a worked Saturday), the 13th and the 14th.
    expect(calendar.workingDaysBetween('2025-10-09T09:00:00+08:00', dueAt)).toBe(4)
    expect(calendar.workingDaysBetween('2025-10-16T09:00:00+08:00', dueAt)).toBe(-2)
  })
})
