// Beijing time (Asia/Shanghai): the one module for calendar days, day ranges and the clock.
//
// China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for every
// date this service stores, independent of the host's TZ, and far cheaper than Intl for 100,000
// ledger rows. Instants are stored as ISO UTC text; a person's "day" is always a Shanghai day.
import { toInstant } from './instants.ts'

export const SHANGHAI_OFFSET_MS = 8 * 3600_000
const DAY_MS = 86_400_000
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/

/** Where "now" comes from. Services take one (default systemClock) so tests can set the time. */
export type Clock = () => Date
export const systemClock: Clock = () => new Date()
/** Now as ISO UTC text, the form every stored time takes. */
export const nowIso = (clock: Clock = systemClock) => clock().toISOString()

/**
 * Agents record calls after the fact, and a client clock a little ahead of ours is not "the
 * future": times up to this far ahead of the clock are accepted as now.
 */
export const CLOCK_SKEW_MS = 2 * 60_000

const instantMs = (at: string | Date) => (typeof at === 'string' ? Date.parse(at) : at.getTime())

/** The Shanghai calendar day of an instant, 'YYYY-MM-DD'; '' for no time or an unreadable one. */
export function shanghaiDate(at: string | Date | null | undefined): string {
  if (!at) return ''
  const ms = instantMs(at)
  return Number.isNaN(ms) ? '' : new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)
}

/** '2025-10-09T06:03:00.000Z' → '2025-10-09 14:03' (Shanghai wall-clock time); '' for no time. */
export function shanghaiDateTime(at: string | Date | null | undefined): string {
  if (!at) return ''
  const ms = instantMs(at)
  return Number.isNaN(ms) ? '' : new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * An instant as a person reads it in a Chinese message, in Beijing time: '2026-12-07T08:05:31.569Z'
 * → '2026年12月7日 16:05'; '' for no time or an unreadable one. Messages never show stored ISO text.
 */
export function chineseDateTime(at: string | Date | null | undefined): string {
  const text = shanghaiDateTime(at)
  if (!text) return ''
  const [y, m, d] = text.slice(0, 10).split('-')
  return `${y}年${Number(m)}月${Number(d)}日 ${text.slice(11)}`
}

/** 00:00 in Shanghai on a day, as ISO UTC: '2025-10-01' → '2025-09-30T16:00:00.000Z'. */
export function startOfShanghaiDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - SHANGHAI_OFFSET_MS).toISOString()
}

/** 23:59:59 in Shanghai on a day, as ISO UTC: the deadline of a day. */
export function endOfShanghaiDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - 1000 - SHANGHAI_OFFSET_MS).toISOString()
}

/** The instant the next Shanghai day starts, as ISO UTC: the exclusive end of a day. */
const startOfNextShanghaiDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS - SHANGHAI_OFFSET_MS).toISOString()

/** UTC bounds of a range: from inclusive, to exclusive; either may be open. */
export interface UtcRange { fromUtc?: string; toUtc?: string }

/**
 * Shanghai days `from` … `to`, both included, as the UTC range they cover. Callers check that the
 * texts are dates (schemas or isIsoDate) and that `from` is not after `to`.
 */
export function shanghaiDays(from?: string, to?: string): UtcRange {
  return { fromUtc: from ? startOfShanghaiDay(from) : undefined, toUtc: to ? startOfNextShanghaiDay(to) : undefined }
}

/**
 * One end of a list filter: a Shanghai day (`to` inclusive: up to the next day's start) or an exact
 * time (read by the one date-time parser; `to` inclusive too), as ISO UTC. `end` picks the end.
 */
export function rangeBound(value: string | undefined, end: boolean, field = end ? 'to' : 'from'): string | undefined {
  if (!value) return undefined
  if (DAY_RE.test(value)) return end ? startOfNextShanghaiDay(value) : startOfShanghaiDay(value)
  const instant = toInstant(value, field)
  return end ? new Date(instant.getTime() + 1).toISOString() : instant.toISOString()
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

/** A wait said as a person would: 45 秒, 约 3 分钟, 约 2 小时 (rounded up, never "0"). */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds))
  if (s < 120) return `${s} 秒`
  if (s < 7200) return `约 ${Math.ceil(s / 60)} 分钟`
  return `约 ${Math.ceil(s / 3600)} 小时`
}
