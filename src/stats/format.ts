// Periods and shares as the office reads them. Dates are Shanghai days (common/time.ts); the words
// for the codes are the owning modules' (consultations.labels.ts, tickets.labels.ts).
import { isIsoDate } from '../calendar/working-days.ts'
import { shanghaiDate, shanghaiDays } from '../common/time.ts'
import { StatsPeriodInvalidError } from './stats.errors.ts'
import { withDetails } from '../plugins/errors.ts'

/** A period of whole Shanghai days, both ends included, and the UTC range [fromUtc, toUtc) it covers. */
export interface Period { from: string; to: string; fromUtc: string; toUtc: string }

/** Refuses a text that is no date, or a period that ends before it starts. */
export function checkDays(q: { from?: string; to?: string }): void {
  for (const [name, d] of [['from', q.from], ['to', q.to]] as const) {
    if (d !== undefined && !isIsoDate(d)) throw withDetails(new StatsPeriodInvalidError(`${name}=${d} 不是有效日期`), [{ field: name, message: `${name} 应为有效日期，如 2025-10-09` }])
  }
  if (q.from && q.to && q.from > q.to) throw withDetails(new StatsPeriodInvalidError(`开始日期 ${q.from} 晚于结束日期 ${q.to}`), [{ field: 'to', message: `结束日期 ${q.to} 早于开始日期 ${q.from}` }])
}

/**
 * `from` and `to` are Shanghai dates, both included. Without `from` the period starts on the first
 * day of `to`'s month; without `to` it ends today. So no parameters means "this month so far".
 */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date): Period {
  const to = q.to ?? shanghaiDate(now)
  const from = q.from ?? `${to.slice(0, 7)}-01`
  checkDays({ from, to })
  const { fromUtc, toUtc } = shanghaiDays(from, to)
  return { from, to, fromUtc: fromUtc!, toUtc: toUtc! }
}

/** The Shanghai dates a month covers: '2025-10' → { from: '2025-10-01', to: '2025-10-31' }. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return resolvePeriod({ from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }, new Date())
}

/** A share rounded to four decimals, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null
}
