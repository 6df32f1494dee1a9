// What the tickets keep in step with the working calendar: the deadlines of open tickets and of the
// open promises given in working days, and the working days each reply took (tickets.working_days_taken, which the statistics read).
//
// The working days taken are stored rather than counted in SQL: the calendar's arithmetic is
// TypeScript (calendar/working-days.ts), and SQLite could call it as a user-defined function but
// PostgreSQL cannot. A second copy of the rules in PL/pgSQL would be a twin to keep in step; a
// column filled by the one implementation is not. A correction of the calendar still reaches the
// figures: recomputeDeadlines, which the calendar calls after each change, recounts the replies
// whose span touches the changed years.
import type { Db } from '../db/client.ts'
import type { CalendarPort } from './tickets.dependencies.ts'
import type { TicketsRepository } from './tickets.repository.ts'
import { createFollowupRepository } from './followup.repository.ts'
import { chineseDateTime } from '../common/time.ts'

/** Replied tickets recounted per transaction. */
const WORKING_DAYS_BATCH = 500

export interface CalendarFollowersDeps {
  db: Db
  repo: TicketsRepository
  calendar: CalendarPort
  /** The current time, as ISO UTC. */
  now: () => string
}

export function createCalendarFollowers({ db, repo, calendar, now }: CalendarFollowersDeps) {
  const followups = createFollowupRepository()
  /**
   * Stores the working days taken by replied tickets (receipt to reply, by the calendar as it is
   * now): `missing`, those that have none yet (tickets replied before the column existed: run at
   * start-up); `years`, those whose span may cross one of these calendar years (after a change;
   * every replied ticket when empty). In batches, each its own transaction. Returns how many changed.
   */
  async function fillWorkingDaysTaken({ missing = false, years = [] }: { missing?: boolean; years?: number[] } = {}): Promise<number> {
    // A span crosses year Y when it starts before Y ends and ends after Y begins (Beijing time,
    // with a day's margin either side: the bounds only narrow the scan).
    const bounds = years.length && !missing ? {
      repliedFrom: `${Math.min(...years) - 1}-12-30T00:00:00.000Z`,
      receivedTo: `${Math.max(...years) + 1}-01-02T00:00:00.000Z`,
    } : {}
    let changed = 0
    for (let afterId = 0; ;) {
      const batch = await repo.repliedSpans(db, { afterId, limit: WORKING_DAYS_BATCH, missing, ...bounds })
      if (batch.length === 0) return changed
      await db.transaction(async (tx) => {
        for (const t of batch) {
          const days = calendar.workingDaysBetween(t.receivedAt, t.repliedAt!)
          if (days !== t.workingDaysTaken) changed += await repo.setWorkingDaysTaken(tx, t.id, t.repliedAt!, days)
        }
      })
      afterId = batch[batch.length - 1].id
    }
  }

  /**
   * The deadlines of open promises given in working days (承诺事项), from the time each was made, as
   * the tickets' own: the reminders and the on-time figures read dueAt. A promise given as a date
   * keeps it; a fulfilled one keeps the deadline it was kept or missed against.
   */
  function recomputePromises(years: number[]) {
    return db.transaction(async (tx) => {
      const open = await followups.openWorkingDayPromises(tx)
      let changed = 0
      const at = now()
      for (const { promise: p, ticketStatus } of open) {
        const due = calendar.dueAt(p.createdAt, p.workingDays!)
        if (due.dueAt === p.dueAt && due.provisional === p.dueAtProvisional) continue
        // Guarded: a fulfilment committed meanwhile keeps the deadline it was measured against.
        if (!await followups.redatePromise(tx, p, due)) continue
        changed++
        const why = years.length ? `（${years.join('、')} 年工作日历变更）` : '（工作日历变更）'
        const provisional = due.provisional ? '，仍为暂定' : p.dueAtProvisional ? '，不再是暂定' : ''
        const what = due.dueAt === p.dueAt ? `完成时限 ${chineseDateTime(due.dueAt)} 不变` : `完成时限由 ${chineseDateTime(p.dueAt)} 调整为 ${chineseDateTime(due.dueAt)}`
        await repo.appendEvent(tx, { ticketId: p.ticketId, at, actorTokenId: null, action: 'due_recomputed', fromStatus: ticketStatus, toStatus: ticketStatus, note: `承诺事项“${p.content}”${what}${provisional}${why}` })
      }
      return { checked: open.length, changed }
    })
  }

  return {
    fillWorkingDaysTaken,

    /**
     * After the working calendar changed: recomputes the deadline of every open ticket from its
     * time of receipt (never from now: a deadline does not restart), logging each change, then the
     * open promises given in working days (recomputePromises), then the working days taken by the replies whose span touches the changed years.
     */
    async recomputeDeadlines(years: number[] = []) {
      const deadlines = await db.transaction(async (tx) => {
        const open = await repo.openTickets(tx)
        let changed = 0
        const at = now()
        for (const t of open) {
          // A redone ticket's deadline counts from its reopening (重办), not from the first receipt.
          const due = calendar.dueAt(t.reopenedAt ?? t.receivedAt, t.workingDays)
          if (due.dueAt === t.dueAt && due.provisional === t.dueAtProvisional) continue
          // Only while the ticket is still open with the deadline read: a reply committed meanwhile keeps its own.
          const updated = await repo.updateIf(tx, t.id, repo.stillAs({ status: t.status, round: t.round, dueAt: t.dueAt }),
            { dueAt: due.dueAt, dueAtProvisional: due.provisional, dueSoonNotifiedAt: null, overdueNotifiedAt: null })
          if (!updated) continue
          changed++
          const why = years.length ? `（${years.join('、')} 年工作日历变更）` : '（工作日历变更）'
          const provisional = due.provisional ? '，仍为暂定' : t.dueAtProvisional ? '，不再是暂定' : ''
          // A provisional deadline the published calendar confirms keeps its day: say so, not "from X to X".
          const what = due.dueAt === t.dueAt ? `办理时限 ${chineseDateTime(due.dueAt)} 不变` : `办理时限由 ${chineseDateTime(t.dueAt)} 调整为 ${chineseDateTime(due.dueAt)}`
          await repo.appendEvent(tx, { ticketId: t.id, at, actorTokenId: null, action: 'due_recomputed', fromStatus: t.status, toStatus: t.status, note: `${what}${provisional}${why}` })
        }
        return { checked: open.length, changed }
      })
      return { ...deadlines, promises: await recomputePromises(years), workingDaysTaken: await fillWorkingDaysTaken({ years }) }
    },
  }
}
