// When ticket.due_soon and ticket.overdue are owed: evaluated on working days only, once per ticket
// per state. The tickets module marks each sent and emits it (tickets.service.ts remindDeadline).
// Which reminder a ticket is owed is the tickets module's rule (tickets.reminders.ts); this runs it on the schedule.
import type { Db } from '../db/client.ts'
import { reminderCandidates } from '../tickets/tickets.queries.ts'
import { reminderFor, type DeadlineReminder, type WorkingCalendar } from '../tickets/tickets.reminders.ts'
import { shanghaiDate } from '../common/time.ts'

// No run of days off is longer than this, so no ticket due later can be due within one working day.
const HORIZON_MS = 31 * 86_400_000

export interface ReminderSummary { workingDay: boolean; dueSoon: number; overdue: number }

/** What reminders need of the tickets module, which marks a reminder sent and emits its event. */
export interface TicketDeadlines {
  /** False when the reminder had been sent already: once per ticket per state, even if two runs overlap. */
  remindDeadline(ticketId: number, reminder: DeadlineReminder, at: Date): Promise<boolean>
}

export function createReminders({ db, tickets: deadlines, calendar }: { db: Db; tickets: TicketDeadlines; calendar: WorkingCalendar }) {
  return {
    async run(now: Date = new Date()): Promise<ReminderSummary> {
      const summary: ReminderSummary = { workingDay: calendar.isWorkingDay(shanghaiDate(now)), dueSoon: 0, overdue: 0 }
      if (!summary.workingDay) return summary
      const nowIso = now.toISOString()
      const candidates = await reminderCandidates(db, new Date(now.getTime() + HORIZON_MS).toISOString())
      // One after another, each reminder marked and emitted in a transaction of its own.
      for (const t of candidates) {
        let remaining = 0
        const kind = reminderFor(t, nowIso, () => (remaining = calendar.workingDaysBetween(now, t.dueAt)))
        if (kind === 'overdue') {
          if (await deadlines.remindDeadline(t.id, { kind, overdueWorkingDays: calendar.workingDaysBetween(t.dueAt, now) }, now)) summary.overdue++
        } else if (kind === 'due_soon') {
          if (await deadlines.remindDeadline(t.id, { kind, remainingWorkingDays: remaining }, now)) summary.dueSoon++
        }
      }
      return summary
    },
  }
}

export type Reminders = ReturnType<typeof createReminders>
