// When ticket.due_soon and ticket.overdue are owed: evaluated on working days only, once per ticket
// per state. The tickets module marks each sent and emits it (tickets.service.ts remindDeadline).
import { and, inArray, isNull, lte, or } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
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

export type DeadlineReminder = { kind: 'due_soon'; remainingWorkingDays: number } | { kind: 'overdue'; overdueWorkingDays: number }

/** What reminders need of the tickets module, which marks a reminder sent and emits its event. */
export interface TicketDeadlines {
  /** False when the reminder had been sent already: once per ticket per state, even if two runs overlap. */
  remindDeadline(ticketId: number, reminder: DeadlineReminder, at: Date): boolean
}

export function createReminders({ db, tickets: deadlines, calendar }: { db: Db; tickets: TicketDeadlines; calendar: WorkingCalendar }) {
  return {
    run(now: Date = new Date()): ReminderSummary {
      const summary: ReminderSummary = { workingDay: calendar.isWorkingDay(shanghaiDate(now)), dueSoon: 0, overdue: 0 }
      if (!summary.workingDay) return summary
      const nowIso = now.toISOString()
      const candidates = db.select({
        id: tickets.id, dueAt: tickets.dueAt,
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
          if (deadlines.remindDeadline(t.id, { kind, overdueWorkingDays: calendar.workingDaysBetween(t.dueAt, now) }, now)) summary.overdue++
        } else if (kind === 'due_soon') {
          if (deadlines.remindDeadline(t.id, { kind, remainingWorkingDays: remaining }, now)) summary.dueSoon++
        }
      }
      return summary
    },
  }
}

export type Reminders = ReturnType<typeof createReminders>
