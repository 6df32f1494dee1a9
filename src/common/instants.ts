// The one parser for every date-time a client sends (a receipt time, a reply time, a list filter).
// `new Date(text)` accepts what it should not and fails late: a leap second gives an Invalid Date
// whose toISOString() throws (a 500), and years 0000–0099 are silently moved to 1900–1999. Here the
// text is read field by field, every field is checked, and the instant must lie in a stated range.
// @fastify/error directly, not plugins/errors.ts: that module imports this one for its messages.
import createError from '@fastify/error'

const SHANGHAI_OFFSET = '+08:00'
/** The first and last day an instant may fall on, in Beijing time. */
export const INSTANT_RANGE = { firstDay: '2000-01-01', lastDay: '2100-12-31' } as const
const MIN_MS = Date.parse(`${INSTANT_RANGE.firstDay}T00:00:00${SHANGHAI_OFFSET}`)
const MAX_MS = Date.parse(`${INSTANT_RANGE.lastDay}T23:59:59.999${SHANGHAI_OFFSET}`)

export const INSTANT_EXAMPLE = '2025-03-03T09:00:00+08:00'
/** What a person is told when a date-time is refused, after the field name. */
export const INSTANT_RULE = `应为 ${INSTANT_RANGE.firstDay} 至 ${INSTANT_RANGE.lastDay}（北京时间）之间的有效时间，含时区，如 ${INSTANT_EXAMPLE}`

export const InvalidDateTimeError = createError('DATE_TIME_INVALID', '%s', 400)

// RFC 3339 date-time: the separator may be T, t or a space; the offset is required.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/

const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
const daysInMonth = (y: number, m: number) => (m === 2 ? (isLeapYear(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31)

export type InstantProblem = 'format' | 'range'

/**
 * Reads an RFC 3339 date-time with its offset: a real calendar date and time of day (no second 60),
 * within INSTANT_RANGE. Fractions beyond milliseconds are cut off.
 */
export function parseInstant(text: string): { instant: Date } | { problem: InstantProblem } {
  const m = DATE_TIME.exec(text)
  if (!m) return { problem: 'format' }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3))
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { problem: 'format' }
  if (hour > 23 || minute > 59 || second > 59) return { problem: 'format' }
  let offsetMinutes = 0
  if (!m[8]) {
    const [oh, om] = [Number(m[10]), Number(m[11])]
    if (oh > 23 || om > 59) return { problem: 'format' }
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om)
  }
  // Checked before Date.UTC, which reads years 0–99 as 1900–1999; an offset moves a day at most.
  if (year < 1999 || year > 2101) return { problem: 'range' }
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000
  if (at < MIN_MS || at > MAX_MS) return { problem: 'range' }
  return { instant: new Date(at) }
}

/** For the validators: true when parseInstant accepts the text. */
export const isInstantText = (text: string) => 'instant' in parseInstant(text)

/**
 * The instant a client sent in `field`, or a 400 naming the field. Schemas already refuse such
 * text (their date-time format is parseInstant too); this guards callers that are not routes.
 */
export function toInstant(text: string, field: string): Date {
  const parsed = parseInstant(text)
  if ('instant' in parsed) return parsed.instant
  const why = parsed.problem === 'range' ? `超出允许范围，${INSTANT_RULE}` : INSTANT_RULE
  throw Object.assign(new InvalidDateTimeError(`${field}=${text.slice(0, 40)} ${why}`), { details: [{ field, message: `${field} ${why}` }] })
}

/** toInstant as canonical ISO UTC text (what the database stores and compares). */
export const toIsoInstant = (text: string, field: string) => toInstant(text, field).toISOString()
