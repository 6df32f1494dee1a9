// Trends by day, week (Monday first) or month, in Beijing time: consultations by channel, the share
// answered at once, tickets opened, replied and overdue, and each unit's on-time rate per period.
import type { Db } from '../db/client.ts'
import { CHANNELS, type Channel } from '../config.ts'
import { OPEN_TICKET_STATUSES } from '../tickets/tickets.lifecycle.ts'
import { addDays } from '../calendar/working-days.ts'
import { share, type Period } from './format.ts'
import { CHANNEL_LABELS } from '../consultations/consultations.labels.ts'
import { StatsPeriodInvalidError } from './stats.errors.ts'

export type Interval = 'day' | 'week' | 'month'

/** At most this many buckets: a year by day, ten years by month. */
export const MAX_BUCKETS = 400

const OPEN = OPEN_TICKET_STATUSES.map((s) => `'${s}'`).join(', ')

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

/** SQL for the bucket of a stored UTC instant column, as bucketOf on its Beijing date. */
export function bucketSql(column: string, interval: Interval): string {
  const day = `date(${column}, '+8 hours')`
  if (interval === 'day') return day
  if (interval === 'month') return `strftime('%Y-%m-01', ${column}, '+8 hours')`
  // 'weekday 0' moves forward to Sunday (or stays on one); six days back is that week's Monday.
  return `date(${column}, '+8 hours', 'weekday 0', '-6 days')`
}

/** Every bucket from the one holding `from` to the one holding `to`. */
export function bucketsBetween(from: string, to: string, interval: Interval): string[] {
  const out: string[] = []
  for (let b = bucketOf(from, interval); b <= to; ) {
    out.push(b)
    if (out.length > MAX_BUCKETS) throw new StatsPeriodInvalidError(`期间太长：按${interval === 'day' ? '日' : interval === 'week' ? '周' : '月'}最多 ${MAX_BUCKETS} 段，请缩短期间或改按月统计`)
    b = interval === 'day' ? addDays(b, 1) : interval === 'week' ? addDays(b, 7) : nextMonth(b)
  }
  return out
}

function nextMonth(first: string): string {
  const [y, m] = first.split('-').map(Number)
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
}

interface Params { fromUtc: string; toUtc: string; unitId: number | null; now: string }

export function createTrends(db: Db) {
  return {
    compute(period: Period, interval: Interval, unitId: number | null, now: string) {
      const buckets = bucketsBetween(period.from, period.to, interval)
      const index = new Map(buckets.map((b, i) => [b, i]))
      const zeros = () => buckets.map(() => 0)
      const p: Params = { fromUtc: period.fromUtc, toUtc: period.toUtc, unitId, now }
      const unitScope = (alias: string) => `(@unitId IS NULL OR ${alias}.unit_id = @unitId)`

      const consultations = db.$client.prepare(`
        SELECT ${bucketSql('c.received_at', interval)} AS bucket, c.channel, COUNT(*) AS total, SUM(c.outcome = 'answered') AS answered
        FROM consultations c
        WHERE c.received_at >= @fromUtc AND c.received_at < @toUtc
          AND (@unitId IS NULL
            OR EXISTS (SELECT 1 FROM tickets t WHERE t.consultation_id = c.id AND t.unit_id = @unitId)
            OR EXISTS (SELECT 1 FROM entries e WHERE e.id = c.answered_entry_id AND e.unit_id = @unitId))
        GROUP BY 1, 2`).all(p) as { bucket: string; channel: Channel; total: number; answered: number }[]

      const count = (column: string, extra = '') => db.$client.prepare(`
        SELECT ${bucketSql(`t.${column}`, interval)} AS bucket, COUNT(*) AS n FROM tickets t
        WHERE t.${column} >= @fromUtc AND t.${column} < @toUtc AND ${unitScope('t')} ${extra} GROUP BY 1`).all(p) as { bucket: string; n: number }[]

      // Overdue, by the period its deadline fell in: replied after it, or still open with it passed.
      const overdue = count('due_at', `AND ((t.replied_at IS NOT NULL AND t.replied_at > t.due_at) OR (t.replied_at IS NULL AND t.status IN (${OPEN}) AND t.due_at < @now))`)

      // On time per unit, over tickets received in each period whose outcome is known (as statsUnits).
      const onTime = db.$client.prepare(`
        SELECT ${bucketSql('t.received_at', interval)} AS bucket, u.code, u.name,
          SUM(t.replied_at IS NOT NULL AND t.replied_at <= t.due_at) AS onTime,
          SUM(t.replied_at IS NOT NULL OR (t.status IN (${OPEN}) AND t.due_at < @now)) AS known
        FROM tickets t JOIN units u ON u.id = t.unit_id
        WHERE t.received_at >= @fromUtc AND t.received_at < @toUtc AND ${unitScope('t')}
        GROUP BY 1, 2, 3 ORDER BY u.code`).all(p) as { bucket: string; code: string; name: string; onTime: number; known: number }[]

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
        tickets: { opened: series(count('received_at')), replied: series(count('replied_at')), overdue: series(overdue) },
        units: [...units.values()].map((u) => ({ unit: u.unit, onTimeRate: buckets.map((_, i) => share(u.onTime[i], u.known[i])) })),
      }
    },
  }
}
