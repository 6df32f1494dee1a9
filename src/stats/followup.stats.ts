// After the reply (H2, C4, C5): satisfaction, the share rated, redoing and promises kept, per unit
// and per month. One cohort for the replies: every round replied to in the period (a redone ticket's
// earlier rounds are in ticket_rounds), with its rating if it has one.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/client.ts'
import { resolvePeriod, share, type Period } from './format.ts'
import type { Scope } from './scope.ts'

const REPLIED_ROUNDS = `
  WITH rounds AS (
    SELECT t.id AS ticket_id, t.round, t.unit_id, t.replied_at, 0 AS redone FROM tickets t WHERE t.replied_at IS NOT NULL
    UNION ALL
    SELECT r.ticket_id, r.round, r.unit_id, r.replied_at, 1 FROM ticket_rounds r WHERE r.replied_at IS NOT NULL
  ),
  cohort AS (
    SELECT rounds.unit_id, rounds.redone, rt.rating, strftime('%Y-%m', rounds.replied_at, '+8 hours') AS month
    FROM rounds LEFT JOIN ticket_ratings rt ON rt.ticket_id = rounds.ticket_id AND rt.round = rounds.round
    WHERE rounds.replied_at >= @fromUtc AND rounds.replied_at < @toUtc AND (@unitId IS NULL OR rounds.unit_id = @unitId)
  )`

const REPLY_FIGURES = `COUNT(*) AS replied, SUM(rating IS NOT NULL) AS rated, SUM(rating = 'satisfied') AS satisfied,
  SUM(rating = 'basically_satisfied') AS basicallySatisfied, SUM(rating = 'unsatisfied') AS unsatisfied, SUM(redone) AS redone`

// Promises due in the period: kept on time, fulfilled late, or still open past the deadline (isPromiseOverdue).
const PROMISE_FIGURES = `COUNT(*) AS promisesDue,
  SUM(state = 'fulfilled' AND fulfilled_at <= due_at) AS promisesKeptOnTime,
  SUM(state = 'fulfilled' AND fulfilled_at > due_at) AS promisesFulfilledLate,
  SUM(state = 'open' AND due_at < @now) AS promisesOverdue`
const PROMISES_DUE = `FROM ticket_promises WHERE due_at >= @fromUtc AND due_at < @toUtc AND due_at < @now AND (@unitId IS NULL OR unit_id = @unitId)`

const SQL = {
  byUnit: `${REPLIED_ROUNDS} SELECT unit_id AS unitId, ${REPLY_FIGURES} FROM cohort GROUP BY unit_id`,
  byMonth: `${REPLIED_ROUNDS} SELECT month, ${REPLY_FIGURES} FROM cohort GROUP BY month ORDER BY month`,
  promisesByUnit: `SELECT unit_id AS unitId, ${PROMISE_FIGURES} ${PROMISES_DUE} GROUP BY unit_id`,
  promisesByMonth: `SELECT strftime('%Y-%m', due_at, '+8 hours') AS month, ${PROMISE_FIGURES} ${PROMISES_DUE} GROUP BY month ORDER BY month`,
  openNow: `SELECT unit_id AS unitId, SUM(state = 'open') AS openNow, SUM(state = 'open' AND due_at < @now) AS overdueNow
    FROM ticket_promises WHERE (@unitId IS NULL OR unit_id = @unitId) GROUP BY unit_id`,
  units: `SELECT id, code, name, active FROM units WHERE (@unitId IS NULL OR id = @unitId) ORDER BY code`,
}

interface ReplyRow { replied: number; rated: number; satisfied: number; basicallySatisfied: number; unsatisfied: number; redone: number }
interface PromiseRow { promisesDue: number; promisesKeptOnTime: number; promisesFulfilledLate: number; promisesOverdue: number }

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

export function createFollowupStats(db: Db) {
  const cache = new Map<string, Statement>()
  const all = <T>(sql: string, params: object) => {
    let st = cache.get(sql)
    if (!st) { st = db.$client.prepare(sql); cache.set(sql, st) }
    return st.all(params) as T[]
  }

  return {
    /** Per unit and per month of the period, with the promises open and overdue now. */
    figures(q: { from?: string; to?: string }, scope: Scope, now: Date) {
      const period: Period = resolvePeriod(q, now)
      const params = { fromUtc: period.fromUtc, toUtc: period.toUtc, unitId: scope.unitId, now: now.toISOString() }
      const replies = new Map(all<ReplyRow & { unitId: number }>(SQL.byUnit, params).map((r) => [r.unitId, r]))
      const promises = new Map(all<PromiseRow & { unitId: number }>(SQL.promisesByUnit, params).map((r) => [r.unitId, r]))
      const openNow = new Map(all<{ unitId: number; openNow: number; overdueNow: number }>(SQL.openNow, params).map((r) => [r.unitId, r]))
      const units = all<{ id: number; code: string; name: string; active: number }>(SQL.units, params)
        .filter((u) => u.active || replies.has(u.id) || promises.has(u.id) || openNow.has(u.id))
      const replyMonths = new Map(all<ReplyRow & { month: string }>(SQL.byMonth, params).map((r) => [r.month, r]))
      const promiseMonths = new Map(all<PromiseRow & { month: string }>(SQL.promisesByMonth, params).map((r) => [r.month, r]))
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
