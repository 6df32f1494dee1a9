// After the reply (H2, C4, C5): satisfaction, the share rated, redoing and promises kept, per unit
// and per month. The counts are the tickets module's (tickets.figures.ts); the rates and the units'
// names are added here.
import type { Db } from '../db/client.ts'
import type { PromiseRow, ReplyRow, TicketFigures } from '../tickets/tickets.figures.ts'
import { allUnits } from '../units/units.queries.ts'
import { resolvePeriod, share, type Period } from './format.ts'
import type { Scope } from './scope.ts'

const ZERO_REPLIES: ReplyRow = { replied: 0, rated: 0, satisfied: 0, basicallySatisfied: 0, unsatisfied: 0, redone: 0 }
const ZERO_PROMISES: PromiseRow = { promisesDue: 0, promisesKeptOnTime: 0, promisesFulfilledLate: 0, promisesOverdue: 0 }

/** The figures and their rates: satisfaction over rated; rated and redone over replied; kept over promises whose outcome is known. */
export function followupFigures(r: ReplyRow, p: PromiseRow) {
  return {
    replied: r.replied, rated: r.rated,
    satisfied: r.satisfied, basicallySatisfied: r.basicallySatisfied, unsatisfied: r.unsatisfied,
    satisfactionRate: share(r.satisfied + r.basicallySatisfied, r.rated),
    ratedShare: share(r.rated, r.replied),
    redone: r.redone, redoRate: share(r.redone, r.replied),
    promisesDue: p.promisesDue, promisesKeptOnTime: p.promisesKeptOnTime, promisesFulfilledLate: p.promisesFulfilledLate, promisesOverdue: p.promisesOverdue,
    promisesKeptOnTimeRate: share(p.promisesKeptOnTime, p.promisesDue),
  }
}

export function createFollowupStats(db: Db, tickets: TicketFigures) {
  return {
    /** Per unit and per month of the period, with the promises open and overdue now. */
    async figures(q: { from?: string; to?: string }, scope: Scope, now: Date) {
      const period: Period = resolvePeriod(q, now)
      const params = { fromUtc: period.fromUtc, toUtc: period.toUtc, unitId: scope.unitId, now: now.toISOString() }
      const replies = new Map((await tickets.repliesByUnit(params)).map((r) => [r.unitId, r]))
      const promises = new Map((await tickets.promisesByUnit(params)).map((r) => [r.unitId, r]))
      const openNow = new Map((await tickets.promisesOpenNow(params)).map((r) => [r.unitId, r]))
      const units = (await allUnits(db))
        .filter((u) => (scope.unitId === null || u.id === scope.unitId) && (u.active || replies.has(u.id) || promises.has(u.id) || openNow.has(u.id)))
      const replyMonths = new Map((await tickets.repliesByMonth(params)).map((r) => [r.month, r]))
      const promiseMonths = new Map((await tickets.promisesByMonth(params)).map((r) => [r.month, r]))
      const months = [...new Set([...replyMonths.keys(), ...promiseMonths.keys()])].sort()
      const total = (rows: Iterable<ReplyRow>) => [...rows].reduce((a, r) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof ReplyRow] + (r[k as keyof ReplyRow] ?? 0)])) as unknown as ReplyRow, { ...ZERO_REPLIES })
      const totalP = (rows: Iterable<PromiseRow>) => [...rows].reduce((a, r) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof PromiseRow] + (r[k as keyof PromiseRow] ?? 0)])) as unknown as PromiseRow, { ...ZERO_PROMISES })
      return {
        period: { from: period.from, to: period.to },
        total: followupFigures(total(replies.values()), totalP(promises.values())),
        items: units.map((u) => ({
          unit: { code: u.code, name: u.name },
          ...followupFigures(replies.get(u.id) ?? ZERO_REPLIES, promises.get(u.id) ?? ZERO_PROMISES),
          promisesOpenNow: openNow.get(u.id)?.openNow ?? 0,
          promisesOverdueNow: openNow.get(u.id)?.overdueNow ?? 0,
        })),
        months: months.map((month) => ({ month, ...followupFigures(replyMonths.get(month) ?? ZERO_REPLIES, promiseMonths.get(month) ?? ZERO_PROMISES) })),
      }
    },
  }
}
