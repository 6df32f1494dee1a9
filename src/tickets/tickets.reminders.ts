// Which reminder a ticket is owed (ticket.due_soon, ticket.overdue), and the same rule for the
// promises made in answers. Integrations run the ticket reminders on their schedule; the tickets
// service marks each sent and emits it (remindDeadline).

/** What reminders need of services.calendar. */
export interface WorkingCalendar {
  isWorkingDay(date: string): boolean
  workingDaysBetween(from: string | Date, to: string | Date): number
}

/** "Due soon": the deadline falls today or on the next working day. */
export const DUE_SOON_WORKING_DAYS = 1
export type ReminderKind = 'due_soon' | 'overdue' | null

/** Which reminder a ticket is owed now, if any. Pure: the caller supplies the working-day count. */
export function reminderFor(t: { dueAt: string; dueSoonNotifiedAt: string | null; overdueNotifiedAt: string | null }, nowIso: string, remainingWorkingDays: () => number): ReminderKind {
  if (t.dueAt < nowIso) return t.overdueNotifiedAt ? null : 'overdue'
  if (t.dueSoonNotifiedAt) return null
  return remainingWorkingDays() <= DUE_SOON_WORKING_DAYS ? 'due_soon' : null
}

/** A reminder the tickets service records and emits, with the working days it reports. */
export type DeadlineReminder = { kind: 'due_soon'; remainingWorkingDays: number } | { kind: 'overdue'; overdueWorkingDays: number }
