// Readable ticket numbers. The day in them is the Shanghai day of receipt (common/time.ts).

/** ZX20251009-0001: the day of receipt and that day's sequence number (four digits, more past 9,999). */
export function formatTicketNumber(day: string, seq: number): string {
  return `ZX${day.replaceAll('-', '')}-${String(seq).padStart(4, '0')}`
}
