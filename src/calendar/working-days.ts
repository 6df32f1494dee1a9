// Working-day arithmetic on Asia/Shanghai calendar dates. Pure: the schedules come in as a lookup.
// The lunar statutory holidays of years without a schedule are data (scripts/lunar-holidays.ts).
// Instants become Shanghai days in common/time.ts; from there on everything here is whole days.
import lunarHolidays from './data/lunar-holidays.json' with { type: 'json' }

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

/** One year's official schedule: named days off and named make-up working days (调休). */
export interface YearSchedule {
  year: number
  /** Days off, keyed by 'YYYY-MM-DD'; may include weekend days inside a holiday period. */
  holidays: ReadonlyMap<string, string>
  /** Weekend days that are worked, keyed by 'YYYY-MM-DD'. */
  workdays: ReadonlyMap<string, string>
}

/** The schedule in force for a year, or undefined when no schedule has been published for it. */
export type ScheduleLookup = (year: number) => YearSchedule | undefined

export interface DayInfo {
  date: string
  working: boolean
  /** Why a day is not worked (周末 or the holiday's name), or why a weekend day is (调休). */
  reason: string | null
  /** True when the year has no published schedule and only the weekday decided. */
  provisional: boolean
}

export interface DueDate {
  /** The Nth working day after the day of receipt, 'YYYY-MM-DD'. */
  date: string
  provisional: boolean
  /** Non-working days passed over, in order. */
  skipped: { date: string; reason: string }[]
  /** The working days counted, in order (the last is `date`). */
  counted: string[]
}

export const WEEKEND_REASON = '周末'

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(date: string): boolean {
  return DATE_RE.test(date) && fromDayNumber(toDayNumber(date)) === date
}

// Dates are walked as day numbers (days since 1970-01-01) with integer civil-calendar arithmetic
// (H. Hinnant's days_from_civil): parsing and printing through Date was most of the cost of a loop.
function toDayNumber(date: string): number {
  const m = Number(date.slice(5, 7))
  const y = Number(date.slice(0, 4)) - (m <= 2 ? 1 : 0)
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + Number(date.slice(8, 10)) - 1
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468
}

function fromDayNumber(n: number): string {
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0)
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`
}

export const addDays = (date: string, n: number) => fromDayNumber(toDayNumber(date) + n)
export const yearOf = (date: string) => Number(date.slice(0, 4))
/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOf = (date: string) => (((toDayNumber(date) + 4) % 7) + 7) % 7
export const isWeekend = (date: string) => { const d = weekdayOf(date); return d === 0 || d === 6 }

/** The days of the fixed-date statutory holidays, by month and day. */
const FIXED_STATUTORY = new Map([['01-01', '元旦'], ['05-01', '劳动节'], ['05-02', '劳动节'], ['10-01', '国庆节'], ['10-02', '国庆节'], ['10-03', '国庆节']])
const LUNAR_STATUTORY = new Map(Object.values(lunarHolidays as Record<string, string[][]>).flat().map(([date, name]) => [date, name] as const))

/**
 * The statutory holiday a date is, by 全国年节及纪念日放假办法 (as revised in 2024, from 2025 on): 元旦,
 * 春节 (除夕 to 初三), 清明节, 劳动节 (1–2 May), 端午节, 中秋节, 国庆节 (1–3 October). Only for years with
 * no published schedule: a notice moves and extends these days, and adds make-up working days.
 */
export function statutoryHoliday(date: string): string | undefined {
  return FIXED_STATUTORY.get(date.slice(5)) ?? LUNAR_STATUTORY.get(date)
}

/** A year's statutory holidays in date order (what a year with no published schedule keeps off). */
export function statutoryHolidays(year: number): { date: string; name: string }[] {
  const out: { date: string; name: string }[] = []
  for (let d = `${year}-01-01`; yearOf(d) === year; d = addDays(d, 1)) {
    const name = statutoryHoliday(d)
    if (name) out.push({ date: d, name })
  }
  return out
}

/**
 * Whether a date is worked, and why; a table or package schedule beats the weekday. In a year with
 * none, the statutory holidays and weekends are off, provisionally.
 */
export function dayInfo(date: string, lookup: ScheduleLookup): DayInfo {
  const schedule = lookup(yearOf(date))
  if (!schedule) {
    const statutory = statutoryHoliday(date)
    if (statutory) return { date, working: false, reason: `${statutory}（法定假日）`, provisional: true }
    const weekend = isWeekend(date)
    return { date, working: !weekend, reason: weekend ? WEEKEND_REASON : null, provisional: true }
  }
  const workday = schedule.workdays.get(date)
  if (workday !== undefined) return { date, working: true, reason: `${workday}调休上班`, provisional: false }
  const holiday = schedule.holidays.get(date)
  if (holiday !== undefined) return { date, working: false, reason: holiday, provisional: false }
  const weekend = isWeekend(date)
  return { date, working: !weekend, reason: weekend ? WEEKEND_REASON : null, provisional: false }
}

// No schedule has ever had more than a dozen days off in a row; this only stops a corrupt lookup
// (every day off) from looping for ever.
const MAX_SCAN_DAYS = 3660

/**
 * The Nth working day after `receivedDate`. The day of receipt never counts, whether or not it is
 * worked, so a receipt on a Saturday or a holiday counts from the next day, like any other.
 */
export function nthWorkingDayAfter(receivedDate: string, workingDays: number, lookup: ScheduleLookup): DueDate {
  if (!Number.isInteger(workingDays) || workingDays < 1) throw new RangeError(`workingDays must be a positive integer, got ${workingDays}`)
  const skipped: DueDate['skipped'] = []
  const counted: string[] = []
  let provisional = false
  let date = receivedDate
  for (let day = toDayNumber(receivedDate) + 1, scanned = 0; counted.length < workingDays; day++, scanned++) {
    if (scanned > MAX_SCAN_DAYS) throw new RangeError(`no ${workingDays} working days within ${MAX_SCAN_DAYS} days of ${receivedDate}`)
    date = fromDayNumber(day)
    const info = dayInfo(date, lookup)
    provisional ||= info.provisional
    if (info.working) counted.push(date)
    else skipped.push({ date, reason: info.reason ?? WEEKEND_REASON })
  }
  return { date, provisional, skipped, counted }
}

/**
 * Whole working days elapsed from one date to another: the working days d with from < d ≤ to.
 * Negative when `to` is before `from` (a deadline already passed). By construction,
 * workingDaysBetween(received, nthWorkingDayAfter(received, n)) === n.
 */
export function workingDaysBetween(from: string, to: string, lookup: ScheduleLookup): number {
  if (to < from) return -workingDaysBetween(to, from, lookup)
  let n = 0
  for (let day = toDayNumber(from) + 1, end = toDayNumber(to); day <= end; day++) {
    if (dayInfo(fromDayNumber(day), lookup).working) n++
  }
  return n
}
