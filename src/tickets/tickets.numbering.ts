// Readable ticket numbers and Asia/Shanghai calendar days. China has kept UTC+8 without daylight
// saving since 1991, so a fixed offset is exact for every date this service will see.

const SHANGHAI_OFFSET_MS = 8 * 3600_000

/** The Asia/Shanghai calendar day of an instant, as YYYY-MM-DD. */
export function shanghaiDate(at: string | Date): string {
  const ms = (typeof at === 'string' ? Date.parse(at) : at.getTime()) + SHANGHAI_OFFSET_MS
  return new Date(ms).toISOString().slice(0, 10)
}

/** The instant a Shanghai day starts, as an ISO UTC string: 2025-10-01 → 2025-09-30T16:00:00.000Z. */
export function shanghaiDayStart(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00+08:00`)).toISOString()
}

/** ZX20251009-0001: the day of receipt and that day's sequence number (four digits, more past 9,999). */
export function formatTicketNumber(day: string, seq: number): string {
  return `ZX${day.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`
}
