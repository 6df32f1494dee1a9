// Dates and labels as the office reads them: Asia/Shanghai local time, Chinese names.
import type { Channel } from '../config.ts'
import type { ConsultationKind, TicketStatus } from '../consultations/consultations.table.ts'
import { addDays, isIsoDate, shanghaiDate as dateOf, startOfShanghaiDay } from '../calendar/working-days.ts'
import { StatsPeriodInvalidError } from './stats.errors.ts'

// Asia/Shanghai has been UTC+8 without daylight saving since 1991, so a fixed offset is exact for
// every date this service stores, and it is far cheaper than Intl for 100,000 ledger rows.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000

/** '2025-10-09T06:03:00.000Z' → '2025-10-09 14:03' (Asia/Shanghai). */
export function shanghaiDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return ''
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/** '2025-10-09T17:00:00.000Z' → '2025-10-10' (Asia/Shanghai); '' for no time. */
export function shanghaiDate(iso: string | Date | null | undefined): string {
  if (!iso) return ''
  const instant = typeof iso === 'string' ? new Date(iso) : iso
  return Number.isNaN(instant.getTime()) ? '' : dateOf(instant)
}

/** A period of whole Shanghai days, both ends included, and the UTC range [fromUtc, toUtc) it covers. */
export interface Period { from: string; to: string; fromUtc: string; toUtc: string }

/**
 * `from` and `to` are Shanghai dates, both included. Without `from` the period starts on the first
 * day of `to`'s month; without `to` it ends today. So no parameters means "this month so far".
 */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date): Period {
  const to = q.to ?? shanghaiDate(now)
  const from = q.from ?? `${to.slice(0, 7)}-01`
  for (const [name, d] of [['from', from], ['to', to]] as const) {
    if (!isIsoDate(d)) throw new StatsPeriodInvalidError(`${name}=${d} 不是有效日期`)
  }
  if (from > to) throw new StatsPeriodInvalidError(`开始日期 ${from} 晚于结束日期 ${to}`)
  return { from, to, fromUtc: startOfShanghaiDay(from), toUtc: startOfShanghaiDay(addDays(to, 1)) }
}

/** The Shanghai dates a month covers: '2025-10' → { from: '2025-10-01', to: '2025-10-31' }. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number)
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return resolvePeriod({ from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }, new Date())
}

export const CHANNEL_LABELS: Record<Channel, string> = {
  hotline: '12345热线',
  phone: '部门电话',
  mailbox: '公开信箱',
  window: '综合咨询窗口',
  portal: '政务公开专区',
}

export const KIND_LABELS: Record<ConsultationKind, string> = { question: '咨询', suggestion: '建议' }

export const STATUS_LABELS: Record<TicketStatus, string> = {
  registered: '已登记',
  assigned: '已交办',
  answered: '已答复',
  replied: '已回复',
  closed: '已办结',
}

// The tickets module's reply methods (ReplyMethodSchema).
const REPLY_METHOD_LABELS: Record<string, string> = {
  phone: '电话',
  sms: '短信',
  email: '电子邮件',
  mailbox: '网站信箱',
  letter: '信函',
  in_person: '当面',
  other: '其他',
}

/** Known reply-method codes in Chinese; free text (already Chinese) passes through. */
export function replyMethodLabel(method: string | null | undefined): string {
  if (!method) return ''
  return REPLY_METHOD_LABELS[method] ?? method
}

/** A share rounded to four decimals, or null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null
}

/** The same instant `months` calendar months earlier, the day clamped to the month's end (31 March − 1 → 28/29 February). */
export function monthsBefore(now: Date, months: number): Date {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth() - months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  const d = new Date(now)
  d.setUTCFullYear(y, m, Math.min(now.getUTCDate(), lastDay))
  return d
}
