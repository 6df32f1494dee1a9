// Trends by day, week (Monday first) or month, in Beijing time: consultations by channel, the share
// answered at once, tickets opened, replied and overdue, and each unit's on-time rate per period.
import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { dialectOf, localDate, localMonth, type Engine } from '../db/dialect.ts'
import { CHANNELS } from '../consultations/consultations.types.ts'
import type { ConsultationFigures } from '../consultations/consultations.figures.ts'
import type { TicketFigures } from '../tickets/tickets.figures.ts'
import { unitRefs } from '../units/units.queries.ts'
import { UNIT_SHARE } from './stats.repository.ts'
import { addDays } from '../calendar/working-days.ts'
import { share, type Period } from './format.ts'
import { CHANNEL_LABELS } from '../consultations/consultations.labels.ts'
import { StatsPeriodInvalidError } from './stats.errors.ts'
import { withDetails } from '../plugins/errors.ts'

export type Interval = 'day' | 'week' | 'month'

/** At most this many buckets: a year by day, ten years by month. */
export const MAX_BUCKETS = 400

/**
 * The bucket a Beijing date falls in: itself, the Monday of its week, or the first of its month.
 * The SQL twin is bucketSql; trends.test.ts checks that they agree.
 */
export function bucketOf(day: string, interval: Interval): string {
  if (interval === 'day') return day
  if (interval === 'month') return `${day.slice(0, 7)}-01`
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay() // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7))
}

/** Beijing is UTC+8 all year (no daylight saving since 1991). */
const BEIJING_HOURS = 8

/**
 * The Monday (Beijing time) of the week of an ISO instant, as 'YYYY-MM-DD'. Local to statistics:
 * src/db/dialect.ts has the day and the month, not the week. On SQLite, 'weekday 0' moves forward
 * to Sunday (or stays on one) and six days back is that week's Monday; PostgreSQL's
 * date_trunc('week') is the ISO week's Monday already.
 */
export function localWeekStart(engine: Engine, isoInstant: SQL): SQL<string> {
  return engine === 'postgresql'
    ? sql<string>`to_char(date_trunc('week', cast(${isoInstant} as timestamptz) at time zone 'UTC' + make_interval(hours => ${sql.raw(String(BEIJING_HOURS))})), 'YYYY-MM-DD')`
    : sql<string>`date(${isoInstant}, ${sql.raw(`'+${BEIJING_HOURS} hours'`)}, 'weekday 0', '-6 days')`
}

/** SQL for the bucket of a stored UTC instant, as bucketOf on its Beijing date. */
export function bucketSql(engine: Engine, instant: SQL, interval: Interval): SQL<string> {
  if (interval === 'day') return localDate(engine, instant, BEIJING_HOURS)
  if (interval === 'month') return sql<string>`(${localMonth(engine, instant, BEIJING_HOURS)} || '-01')`
  return localWeekStart(engine, instant)
}

/** Every bucket from the one holding `from` to the one holding `to`. */
export function bucketsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = []
  for (let b = bucketOf(from, interval); b <= to; ) {
    out.push(b)
    if (out.length > MAX_BUCKETS) throw withDetails(new StatsPeriodInvalidError(`期间太长：按${interval === 'day' ? '日' : interval === 'week' ? '周' : '月'}最多 ${MAX_BUCKETS} 段，请缩短期间或改按月统计`), [{ field: 'from', message: `期间最多 ${MAX_BUCKETS} 段` }])
    b = interval === 'day' ? addDays(b, 1) : interval === 'week' ? addDays(b, 7) : nextMonth(b)
  }
  return out
}

function nextMonth(first: string): string {
  const [y, m] = first.split('-').map(Number)
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
}

interface Params { fromUtc: string; toUtc: string; unitId: number | null; now: string }

/** Trends read the tickets' and consultations' figures (their owners' queries), bucketed by bucketSql. */
export function createTrends(db: Db, figures: { tickets: TicketFigures; consultations: ConsultationFigures }) {
  const engine = dialectOf(db)
  return {
    async compute(period: Period, interval: Interval, unitId: number | null, now: string) {
      const buckets = bucketsBetween(period.from, period.to, interval)
      const index = new Map(buckets.map((b, i) => [b, i]))
      const zeros = () => buckets.map(() => 0)
      const p: Params = { fromUtc: period.fromUtc, toUtc: period.toUtc, unitId, now }
      const bucket = (column: SQL) => bucketSql(engine, column, interval)
      const consultations = await figures.consultations.byBucketAndChannel(bucket, p, UNIT_SHARE)
      const count = (column: 'received_at' | 'replied_at' | 'due_at', overdue = false) => figures.tickets.countBy(bucket, column, p, overdue)
      const opened = await count('received_at')
      const replied = await count('replied_at')
      // Overdue, by the period its deadline fell in: replied after it, or still open with it passed.
      const overdue = await count('due_at', true)
      // On time per unit, over tickets received in each period whose outcome is known (as statsUnits).
      const refs = await unitRefs(db)
      const onTime = (await figures.tickets.onTimeBy(bucket, p))
        .map((r) => ({ ...r, ...(refs.get(r.unitId) ?? { code: '', name: '' }) }))
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

      const series = (rows: { bucket: string; n: number }[]) => {
        const out = zeros()
        for (const r of rows) { const i = index.get(r.bucket); if (i !== undefined) out[i] += r.n }
        return out
      }
      const channels = CHANNELS.map((channel) => {
        const counts = zeros()
        for (const r of consultations) if (r.channel === channel) { const i = index.get(r.bucket); if (i !== undefined) counts[i] += r.total }
        return { channel, label: CHANNEL_LABELS[channel], counts }
      })
      const total = zeros()
      const answered = zeros()
      for (const r of consultations) { const i = index.get(r.bucket); if (i !== undefined) { total[i] += r.total; answered[i] += r.answered } }
      const units = new Map<string, { unit: { code: string; name: string }; onTime: number[]; known: number[] }>()
      for (const r of onTime) {
        const u = units.get(r.code) ?? { unit: { code: r.code, name: r.name }, onTime: zeros(), known: zeros() }
        const i = index.get(r.bucket)
        if (i !== undefined) { u.onTime[i] += r.onTime; u.known[i] += r.known }
        units.set(r.code, u)
      }
      return {
        period: { from: period.from, to: period.to },
        interval,
        buckets,
        consultations: { total, channels, answeredAtOnceShare: buckets.map((_, i) => share(answered[i], total[i])) },
        tickets: { opened: series(opened), replied: series(replied), overdue: series(overdue) },
        units: [...units.values()].map((u) => ({ unit: u.unit, onTimeRate: buckets.map((_, i) => share(u.onTime[i], u.known[i])) })),
      }
    },
  }
}
