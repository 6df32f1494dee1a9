// ticket.due_soon and ticket.overdue: evaluated on working days only, once per ticket per state.
import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import type { EventBus } from '../common/events.ts'
import { tickets } from '../consultations/consultations.table.ts'
import { OPEN_TICKET_STATUSES } from '../tickets/tickets.lifecycle.ts'
import { shanghaiDate } from '../common/time.ts'

/** What reminders need of services.calendar. */
export interface WorkingCalendar {
  isWorkingDay(date: string): boolean
  workingDaysBetween(from: string | Date, to: string | Date): number
}

/** "Due soon": the deadline falls today or on the next working day. */
export const DUE_SOON_WORKING_DAYS = 1
// No run of days off is longer than this, so no ticket due later can be due within one working day.
const HORIZON_MS = 31 * 86_400_000

export type ReminderKind = 'due_soon' | 'overdue' | null

/** Which reminder a ticket is owed now, if any. Pure: the caller supplies the working-day count. */
export function reminderFor(t: { dueAt: string; dueSoonNotifiedAt: string | null; overdueNotifiedAt: string | null }, nowIso: string, remainingWorkingDays: () => number): ReminderKind {
  if (t.dueAt < nowIso) return t.overdueNotifiedAt ? null : 'overdue'
  if (t.dueSoonNotifiedAt) return null
  return remainingWorkingDays() <= DUE_SOON_WORKING_DAYS ? 'due_soon' : null
}

export interface ReminderSummary { workingDay: boolean; dueSoon: number; overdue: number }

export function createReminders({ db, events, calendar }: { db: Db; events: EventBus; calendar: WorkingCalendar }) {
  function notify(ticketId: number, consultationId: number, kind: 'due_soon' | 'overdue', now: Date, payload: Record<string, unknown>): boolean {
    const nowIso = now.toISOString()
    return db.transaction((tx) => {
      // The guard makes "once per ticket per state" hold even if two runs overlap.
      const changed = kind === 'overdue'
        ? tx.update(tickets).set({ overdueNotifiedAt: nowIso }).where(and(eq(tickets.id, ticketId), isNull(tickets.overdueNotifiedAt))).run().changes
        : tx.update(tickets).set({ dueSoonNotifiedAt: nowIso }).where(and(eq(tickets.id, ticketId), isNull(tickets.dueSoonNotifiedAt))).run().changes
      if (changed === 0) return false
      events.emit(tx, { type: kind === 'overdue' ? 'ticket.overdue' : 'ticket.due_soon', consultationId, ticketId, payload })
      return true
    })
  }

  return {
    run(now: Date = new Date()): ReminderSummary {
      const summary: ReminderSummary = { workingDay: calendar.isWorkingDay(shanghaiDate(now)), dueSoon: 0, overdue: 0 }
      if (!summary.workingDay) return summary
      const nowIso = now.toISOString()
      const candidates = db.select({
        id: tickets.id, consultationId: tickets.consultationId, number: tickets.number, dueAt: tickets.dueAt,
        dueSoonNotifiedAt: tickets.dueSoonNotifiedAt, overdueNotifiedAt: tickets.overdueNotifiedAt,
      }).from(tickets).where(and(
        inArray(tickets.status, [...OPEN_TICKET_STATUSES]),
        lte(tickets.dueAt, new Date(now.getTime() + HORIZON_MS).toISOString()),
        or(isNull(tickets.dueSoonNotifiedAt), isNull(tickets.overdueNotifiedAt)),
      )).all()
      for (const t of candidates) {
        let remaining = 0
        const kind = reminderFor(t, nowIso, () => (remaining = calendar.workingDaysBetween(now, t.dueAt)))
        if (kind === 'overdue') {
          const payload = { number: t.number, dueAt: t.dueAt, overdueWorkingDays: calendar.workingDaysBetween(t.dueAt, now) }
          if (notify(t.id, t.consultationId, kind, now, payload)) summary.overdue++
        } else if (kind === 'due_soon') {
          if (notify(t.id, t.consultationId, kind, now, { number: t.number, dueAt: t.dueAt, remainingWorkingDays: remaining })) summary.dueSoon++
        }
      }
      return summary
    },
  }
}

export type Reminders = ReturnType<typeof createReminders>
