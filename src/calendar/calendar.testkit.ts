// Shared by the calendar's tests: a service over a fresh migrated database, and the official schedules.
import { readFileSync } from 'node:fs'
import { testDatabaseUrl } from '../../test/pg.testkit.ts'
import { closeDatabase } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openConfiguredDatabase } from '../db/open.ts'
import { createCalendarService, type CalendarLog } from './calendar.service.ts'

/** In memory on SQLite; with DB_DIALECT=pg, a database of the test cluster. */
export async function calendarOnFreshDb(log: CalendarLog = { info() {}, error() {} }) {
  const db = openConfiguredDatabase({ databaseUrl: await testDatabaseUrl(), databasePath: ':memory:', databasePoolSize: 2 })
  await migrateDatabase(db)
  const calendar = createCalendarService({ db, log })
  await calendar.load()
  return { db, calendar, close: () => closeDatabase(db) }
}

// NateScarlet/holiday-cn (MIT), copied into the repository so the tests need nothing beside it.
const HOLIDAY_CN = new URL('../../test/fixtures/holiday-cn/', import.meta.url)

export interface OfficialDay { date: string; name: string; isOffDay: boolean }
export interface HolidayCnFile { year: number; papers: string[]; days: OfficialDay[] }

export function readHolidayCn(year: number): HolidayCnFile {
  return JSON.parse(readFileSync(new URL(`${year}.json`, HOLIDAY_CN), 'utf8')) as HolidayCnFile
}

/** Every listed day of the official schedules for the years given, by date (a file may hold a day of its neighbour year). */
export function officialDays(from: number, to: number): Map<string, OfficialDay> {
  const days = new Map<string, OfficialDay>()
  for (let year = from; year <= to; year++) for (const d of readHolidayCn(year).days) days.set(d.date, d)
  return days
}
