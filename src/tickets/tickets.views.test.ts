import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { createCalendarService } from '../calendar/calendar.service.ts'
import { remainingByDueAt, remainingWorkingDays } from './tickets.views.ts'

describe('remaining working days for a page of tickets', () => {
  const db = openDatabase(':memory:')
  const calendar = createCalendarService({ db, log: { info() {}, error() {} } })
  const now = '2025-10-10T03:00:00.000Z'
  beforeAll(async () => {
    await migrateDatabase(db)
    await calendar.load()
  })
  // #17: SQLite-only, closing the connection: the database has no engine-neutral close yet.
  afterAll(() => db.$client.close())

  it('equals the row-by-row count for deadlines before, on and after today, across 国庆 and 春节', () => {
    const dueAts = [
      '2025-01-27T15:59:59.000Z', '2025-02-07T15:59:59.000Z', '2025-09-30T15:59:59.000Z', '2025-10-09T15:59:59.000Z',
      '2025-10-10T15:59:59.000Z', '2025-10-11T15:59:59.000Z', '2025-10-14T15:59:59.000Z', '2026-02-27T15:59:59.000Z',
      '2025-10-14T15:59:59.000Z',
    ]
    const page = remainingByDueAt(calendar, dueAts, now)
    for (const dueAt of dueAts) expect(page.get(dueAt), dueAt).toBe(remainingWorkingDays(calendar, { status: 'assigned', dueAt }, now))
    // Friday 10 October: due today is 0; Saturday the 11th is a make-up working day.
    expect(page.get('2025-10-10T15:59:59.000Z')).toBe(0)
    expect(page.get('2025-10-11T15:59:59.000Z')).toBe(1)
    expect(page.get('2025-10-09T15:59:59.000Z')).toBe(-1)
    // 30 September was the last working day before the holiday, and 9 October the first after it.
    expect(page.get('2025-09-30T15:59:59.000Z')).toBe(-2)
  })

  it('gives null once the asker has been answered', () => {
    expect(remainingWorkingDays(calendar, { status: 'replied', dueAt: '2025-10-14T15:59:59.000Z' }, now)).toBeNull()
  })
})
