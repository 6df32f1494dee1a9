import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'

const schedule2027 = {
  holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-02', name: '元旦' }, { date: '2027-01-03', name: '元旦' }],
  workdays: [],
  sourceUrl: 'https://www.gov.cn/zhengce/zhengceku/2027-notice.htm',
}

describe('calendar API', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  it('explains a due date: 2025-09-30 → 2025-10-14 with the days skipped', async () => {
    const res = await t.call({ method: 'GET', url: `/api/v1/calendar/due?from=${encodeURIComponent('2025-09-30T10:00:00+08:00')}&days=5` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ dueAt: '2025-10-14T15:59:59.000Z', provisional: false, receivedDate: '2025-09-30', dueDate: '2025-10-14' })
    expect(body.countedDays).toEqual(['2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13', '2025-10-14'])
    expect(body.skipped).toContainEqual({ date: '2025-10-06', reason: '中秋节' })
    expect(body.skipped).toContainEqual({ date: '2025-10-12', reason: '周末' })
  })

  it('uses the configured number of working days when none is given, for every role', async () => {
    const t3 = await createTestApp({ dueWorkingDays: { question: 3, suggestion: 5 } })
    try {
      const token = await t3.token('integration')
      const res = await t3.call({ method: 'GET', url: `/api/v1/calendar/due?from=${encodeURIComponent('2025-09-30T10:00:00+08:00')}`, token })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ workingDays: 3, dueAt: '2025-10-11T15:59:59.000Z' })
    } finally { await t3.close() }
  })

  it('says when a deadline is provisional because 2027 has no schedule', async () => {
    // 元旦 is a statutory holiday even before the notice: 29–31 December and 4–5 January count.
    const res = await t.call({ method: 'GET', url: `/api/v1/calendar/due?from=${encodeURIComponent('2026-12-28T10:00:00+08:00')}&days=5` })
    expect(res.json()).toMatchObject({ provisional: true, dueAt: '2027-01-05T15:59:59.000Z' })
  })

  it('names the bad query field', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/calendar/due?from=tomorrow&days=0' })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect(res.json().details.map((d: { field: string }) => d.field).sort()).toEqual(['days', 'from'])
  })

  it('shows where a year’s schedule comes from: the package, the table, or nowhere', async () => {
    const pkg = (await t.call({ method: 'GET', url: '/api/v1/calendar/2025' })).json()
    expect(pkg).toMatchObject({ year: 2025, source: 'package', provisional: false, sourceUrl: null, packageHasYear: true })
    expect(pkg.workdays).toContainEqual({ date: '2025-10-11', name: '国庆节' })
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/2027' })).json()).toMatchObject({ source: 'none', provisional: true, workdays: [] })
    // Unpublished, it lists the statutory holidays its deadlines skip for now.
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/2027' })).json().holidays.slice(0, 2)).toEqual([{ date: '2027-01-01', name: '元旦' }, { date: '2027-02-05', name: '春节' }])

    const put = await t.call({ method: 'PUT', url: '/api/v1/calendar/2027', payload: schedule2027 })
    expect(put.statusCode).toBe(200)
    expect(put.json()).toMatchObject({ source: 'table', changed: true, sourceUrl: schedule2027.sourceUrl, changes: { holidaysAdded: ['2027-01-01', '2027-01-02', '2027-01-03'] } })
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/2027' })).json()).toMatchObject({ source: 'table', provisional: false, holidays: schedule2027.holidays })
    const list = (await t.call({ method: 'GET', url: '/api/v1/calendar' })).json().items
    expect(list.at(-1)).toMatchObject({ year: 2027, source: 'table', packageHasYear: false })
    expect(list[0]).toMatchObject({ year: 2004, source: 'package' })
  })

  it('moves a due date after a PUT and restores it after a DELETE, telling the listeners each time', async () => {
    const told: number[][] = []
    t.app.services.calendar.onChange((years) => told.push(years))
    // Received Thursday 4 February 2027. Unpublished, only the statutory 春节 (除夕 to 初三, 5–8 February)
    // and the weekend are off: Tuesday 9 and Wednesday 10 count. The notice (here: 5–11 February off,
    // Sunday 14 worked) moves it to Sunday 14.
    const due = async () => (await t.call({ method: 'GET', url: `/api/v1/calendar/due?from=${encodeURIComponent('2027-02-04T10:00:00+08:00')}&days=2` })).json()
    expect(await due()).toMatchObject({ dueAt: '2027-02-10T15:59:59.000Z', provisional: true })

    const springFestival = Array.from({ length: 7 }, (_, i) => ({ date: `2027-02-${String(5 + i).padStart(2, '0')}`, name: '春节' }))
    await t.call({ method: 'PUT', url: '/api/v1/calendar/2027', payload: { ...schedule2027, holidays: [...schedule2027.holidays, ...springFestival], workdays: [{ date: '2027-02-14', name: '春节' }] } })
    expect(await due()).toMatchObject({ dueAt: '2027-02-14T15:59:59.000Z', provisional: false })

    const del = await t.call({ method: 'DELETE', url: '/api/v1/calendar/2027' })
    expect(del.statusCode).toBe(200)
    expect(del.json()).toMatchObject({ source: 'none', changed: true })
    expect(await due()).toMatchObject({ dueAt: '2027-02-10T15:59:59.000Z', provisional: true })
    expect(told).toEqual([[2027], [2027]])
  })

  it('refuses a schedule that breaks the rules, naming each field', async () => {
    const res = await t.call({
      method: 'PUT', url: '/api/v1/calendar/2027',
      payload: {
        holidays: [{ date: '2026-12-31', name: '元旦' }, { date: '2027-01-02', name: '元旦' }],
        workdays: [{ date: '2027-01-04', name: '元旦' }, { date: '2027-01-02', name: '元旦' }],
        sourceUrl: schedule2027.sourceUrl,
      },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('CALENDAR_INVALID')
    expect(res.json().details.map((d: { field: string }) => d.field)).toEqual(['holidays.0.date', 'workdays.0.date', 'workdays.1.date'])
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/2027' })).json().source).toBe('none')
  })

  it('validates the body shape, the URL and the year', async () => {
    const bad = await t.call({ method: 'PUT', url: '/api/v1/calendar/2027', payload: { holidays: [{ date: '2027-02-30', name: ' ' }], workdays: [], sourceUrl: 'ftp://x', extra: 1 } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details.map((d: { field: string }) => d.field).sort()).toEqual(['extra', 'holidays.0.date', 'holidays.0.name', 'sourceUrl'])
    const year = await t.call({ method: 'PUT', url: '/api/v1/calendar/1999', payload: schedule2027 })
    expect(year.statusCode).toBe(400)
    expect(year.json().details[0].field).toBe('year')
  })

  it('answers 404 when deleting a year no administrator loaded', async () => {
    const res = await t.call({ method: 'DELETE', url: '/api/v1/calendar/2025' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('CALENDAR_YEAR_NOT_LOADED')
  })

  it('lets only an administrator change the calendar', async () => {
    const agent = await t.token('agent')
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/2025', token: agent })).statusCode).toBe(200)
    const res = await t.call({ method: 'PUT', url: '/api/v1/calendar/2027', token: agent, payload: schedule2027 })
    expect(res.statusCode).toBe(403)
    expect((await t.call({ method: 'DELETE', url: '/api/v1/calendar/2027', token: agent })).statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: '/api/v1/calendar/due?days=5', token: null })).statusCode).toBe(401)
  })
})
