import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import { recordIndexChange } from '../db/change-log.ts'
import type { Actor } from '../auth/auth.service.ts'
import { withDetails } from '../plugins/errors.ts'
import { calendarYears } from './calendar.table.ts'
import { toInstant } from '../common/instants.ts'
import { CalendarInvalidDateError, CalendarInvalidError, CalendarYearNotLoadedError } from './calendar.errors.ts'
import { buildPackageSchedules } from './package-schedule.ts'
import { validateYearSchedule, type NamedDay, type YearScheduleInput } from './schedule-input.ts'
import {
  dayInfo, isIsoDate, nthWorkingDayAfter, statutoryHolidays, workingDaysBetween,
  type ScheduleLookup, type YearSchedule,
} from './working-days.ts'
import { endOfShanghaiDay, shanghaiDate } from '../common/time.ts'

/** The part of a pino/Fastify logger the calendar uses. */
export interface CalendarLog {
  info(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface CalendarServiceDeps {
  db: Db
  log: CalendarLog
  /** Defaults to the chinese-days package; tests may pass their own. */
  packageSchedules?: ReadonlyMap<number, YearSchedule>
}

export type CalendarSource = 'table' | 'package' | 'none'
/** What a listener returns is ignored; a promise is awaited. */
type ChangeListener = (years: number[]) => unknown

interface TableSchedule extends YearSchedule { sourceUrl: string; updatedAt: string; updatedBy: number | null }

const toList = (days: ReadonlyMap<string, string>): NamedDay[] =>
  [...days].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date))

function mapDiff(before: ReadonlyMap<string, string> | undefined, after: ReadonlyMap<string, string> | undefined) {
  const b = before ?? new Map<string, string>()
  const a = after ?? new Map<string, string>()
  return {
    added: [...a.keys()].filter((d) => !b.has(d)).sort(),
    removed: [...b.keys()].filter((d) => !a.has(d)).sort(),
    renamed: [...a].filter(([d, n]) => b.has(d) && b.get(d) !== n).map(([d]) => d),
  }
}

/** An instant the service already holds (a Date, or ISO text from its own tables). */
function storedInstant(value: string | Date, what: string): Date {
  const instant = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(instant.getTime())) throw new CalendarInvalidDateError(`${what}=${String(value)}`)
  return instant
}

export function createCalendarService({ db, log, packageSchedules = buildPackageSchedules() }: CalendarServiceDeps) {
  const listeners: ChangeListener[] = []
  // The table is tiny and changes a few times a year; it is read at start-up (load()) and again
  // after each change made through this service, so recomputing every open ticket costs no
  // queries per day, and every computation below stays synchronous (a SQL function calls one).
  let table: Map<number, TableSchedule> | undefined

  async function loadTable(): Promise<void> {
    const rows = await db.select().from(calendarYears)
    table = new Map(rows.map((r) => [r.year, {
      year: r.year,
      holidays: new Map(r.holidays.map((d) => [d.date, d.name])),
      workdays: new Map(r.workdays.map((d) => [d.date, d.name])),
      sourceUrl: r.sourceUrl, updatedAt: r.updatedAt, updatedBy: r.updatedBy,
    }]))
  }
  const tableSchedules = () => {
    if (!table) throw new Error('calendar: the calendar_years table is not loaded yet (await calendar.load() first)')
    return table
  }
  const lookup: ScheduleLookup = (year) => tableSchedules().get(year) ?? packageSchedules.get(year)

  function yearView(year: number) {
    const fromTable = tableSchedules().get(year)
    const schedule = fromTable ?? packageSchedules.get(year)
    const source: CalendarSource = fromTable ? 'table' : schedule ? 'package' : 'none'
    return {
      year,
      source,
      provisional: source === 'none',
      sourceUrl: fromTable?.sourceUrl ?? null,
      updatedAt: fromTable?.updatedAt ?? null,
      packageHasYear: packageSchedules.has(year),
      // Unpublished: the statutory holidays its deadlines skip for now.
      holidays: schedule ? toList(schedule.holidays) : statutoryHolidays(year),
      workdays: schedule ? toList(schedule.workdays) : [],
    }
  }

  /** Reloads the table, logs what changed in the effective schedule, and tells the listeners. */
  async function afterChange(year: number, before: YearSchedule | undefined, action: string, actor: Actor | null) {
    await loadTable()
    const after = lookup(year)
    const holidays = mapDiff(before?.holidays, after?.holidays)
    const workdays = mapDiff(before?.workdays, after?.workdays)
    const changes = {
      holidaysAdded: holidays.added, holidaysRemoved: holidays.removed,
      workdaysAdded: workdays.added, workdaysRemoved: workdays.removed,
      renamed: [...holidays.renamed, ...workdays.renamed].sort(),
    }
    // A renamed day changes the reasons shown, never a deadline: listeners are told only of
    // days that became worked or not, or of a year that gained or lost its schedule.
    const changed = [holidays, workdays].some((d) => d.added.length + d.removed.length > 0) || (before === undefined) !== (after === undefined)
    log.info({ year, action, actorTokenId: actor?.tokenId ?? null, actorName: actor?.name ?? null, source: yearView(year).source, changed, ...changes }, 'calendar changed')
    if (changed) {
      for (const listener of listeners) {
        // The change is committed: one failing listener must not hide it from the others.
        try { await listener([year]) } catch (err) { log.error({ err, year }, 'calendar change listener failed') }
      }
    }
    return { ...yearView(year), changed, changes }
  }

  /**
   * A change of the table, in one transaction (a savepoint of the request's) with the deadlines it
   * moves (the listeners), recorded for the other processes: they reload the table and nothing more,
   * as the deadlines were recomputed here, once.
   */
  function changing<T>(change: () => Promise<T>): Promise<T> {
    return db.transaction(async () => {
      const result = await change()
      recordIndexChange(db, 'calendar')
      return result
    })
  }

  function due(instant: Date, workingDays: number) {
    if (!Number.isInteger(workingDays) || workingDays < 1) throw new CalendarInvalidDateError(`workingDays=${workingDays}`)
    const receivedDate = shanghaiDate(instant)
    const due = nthWorkingDayAfter(receivedDate, workingDays, lookup)
    return {
      dueAt: endOfShanghaiDay(due.date), provisional: due.provisional, skipped: due.skipped,
      receivedAt: instant.toISOString(), receivedDate, workingDays, dueDate: due.date, countedDays: due.counted,
    }
  }

  return {
    /**
     * End (23:59:59 Asia/Shanghai, as ISO UTC) of the Nth working day after the day of receipt.
     * `provisional` is true when any day scanned lies in a year with no published schedule.
     * `receivedAt` is one the service holds (a Date, or ISO text from a table).
     */
    dueAt(receivedAt: string | Date, workingDays: number) {
      const { dueAt, provisional, skipped } = due(storedInstant(receivedAt, 'receivedAt'), workingDays)
      return { dueAt, provisional, skipped }
    },

    /**
     * dueAt with the working days counted, for the explanation endpoint. Text is what a client sent
     * (GET /calendar/due?from=), so it is read by the one date-time parser, range included.
     */
    explainDue(receivedAt: string | Date, workingDays: number, field = 'from') {
      return due(typeof receivedAt === 'string' ? toInstant(receivedAt, field) : receivedAt, workingDays)
    },

    /** Whole working days elapsed between two instants' Asia/Shanghai dates (negative if `to` is earlier). */
    workingDaysBetween(from: string | Date, to: string | Date) {
      return workingDaysBetween(shanghaiDate(storedInstant(from, 'from')), shanghaiDate(storedInstant(to, 'to')), lookup)
    },

    isWorkingDay(date: string) {
      if (!isIsoDate(date)) throw new CalendarInvalidDateError(date)
      return dayInfo(date, lookup).working
    },

    /** Whether a date is worked, why, and whether that rests on a published schedule. */
    dayInfo(date: string) {
      if (!isIsoDate(date)) throw new CalendarInvalidDateError(date)
      return dayInfo(date, lookup)
    },

    /**
     * Called after commit with the years whose effective schedule changed; a listener that returns
     * a promise is awaited before the next is told. Returns an unsubscribe.
     */
    onChange(listener: ChangeListener) {
      listeners.push(listener)
      return () => { const i = listeners.indexOf(listener); if (i >= 0) listeners.splice(i, 1) }
    },

    /** Reads the table: once before the first computation (services.ts does it at start-up). */
    load: loadTable,

    /** Re-reads the table: after another process changed it (db/change-log.ts), or after a seed or a script wrote it. */
    reload: loadTable,

    /** Every year with a schedule, and where it comes from. */
    listYears() {
      const years = new Set([...packageSchedules.keys(), ...tableSchedules().keys()])
      return [...years].sort((a, b) => a - b).map((year) => {
        const { holidays: _h, workdays: _w, ...summary } = yearView(year)
        return summary
      })
    },

    /** The schedule in force for a year: the table's, else the package's, else none (weekdays only). */
    getYear: yearView,

    /** Loads (or replaces) a year's schedule from an administrator; it overrides the package. */
    async putYear(year: number, input: YearScheduleInput, actor: Actor | null) {
      const problems = validateYearSchedule(year, input)
      if (problems.length > 0) throw withDetails(new CalendarInvalidError(year), problems)
      return await changing(async () => {
        const before = lookup(year)
        const values = {
          holidays: [...input.holidays].sort((a, b) => a.date.localeCompare(b.date)),
          workdays: [...input.workdays].sort((a, b) => a.date.localeCompare(b.date)),
          sourceUrl: input.sourceUrl,
          updatedBy: actor?.tokenId ?? null,
          updatedAt: new Date().toISOString(),
        }
        await db.insert(calendarYears).values({ year, ...values }).onConflictDoUpdate({ target: calendarYears.year, set: values })
        return await afterChange(year, before, 'put', actor)
      })
    },

    /** Drops an administrator's schedule, so the package (or weekdays alone) applies again. */
    deleteYear(year: number, actor: Actor | null) {
      return changing(async () => {
        const before = lookup(year)
        const deleted = await first(db.delete(calendarYears).where(eq(calendarYears.year, year)).returning({ year: calendarYears.year }))
        if (!deleted) throw new CalendarYearNotLoadedError(year)
        return await afterChange(year, before, 'delete', actor)
      })
    },
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>
