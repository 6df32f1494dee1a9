// The tickets' figures for supervision (src/stats): aggregates over this module's own tables, so the
// rules they count by (open, overdue, on time, a redone round) stay where they are defined.
// Statistics adds the units' names, the rates and the presentation.
//
// Every query takes its period and scope as named parameters: @fromUtc and @toUtc (ISO UTC, from
// inclusive, to exclusive), @unitId (NULL for every unit) and, where "now" matters, @now. The texts
// run on SQLite and PostgreSQL alike (see consultations.figures.ts); the month of a time is the one
// piece spelt per engine (localMonth).
import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { dialectOf, localMonth, type Engine } from '../db/dialect.ts'
import { countIf, figureRows } from '../consultations/consultations.figures.ts'
import type { FigureText } from '../db/query.ts'
import { OPEN_TICKET_STATUSES } from './tickets.lifecycle.ts'

export interface PeriodParams { fromUtc: string; toUtc: string; unitId: number | null }
export type NowParams = PeriodParams & { now: string }
/** A period's SQL bucket of a time column (a Shanghai day, week or month), written by the caller. */
export type Bucket = (column: SQL) => SQL

/** Months are Beijing's (UTC+8, all year). */
const BEIJING_HOURS = 8

// Open = the asker has not been told yet (fixed literals, safe to inline).
const OPEN = `status IN (${OPEN_TICKET_STATUSES.map((s) => `'${s}'`).join(', ')})`

/** Consultations that became tickets held now by @unitId (by any unit when it is NULL): a subquery. */
export const TICKETED_CONSULTATIONS_SQL = `(SELECT consultation_id FROM tickets WHERE CAST(@unitId AS INTEGER) IS NULL OR unit_id = @unitId)`
/** Consultations whose ticket @unitId holds now: a subquery. */
export const CONSULTATIONS_HELD_BY_UNIT_SQL = `(SELECT consultation_id FROM tickets WHERE unit_id = @unitId)`

/** The ticket is held by @unitId, or @unitId is NULL (every unit). */
const IN_SCOPE = (column: string) => `(CAST(@unitId AS INTEGER) IS NULL OR ${column} = @unitId)`

const FIGURES = {
  // Per unit, over the tickets received in the period that the unit holds now. Working days to
  // answer run from receipt to the reply to the asker: stored with the reply (working_days_taken,
  // calendar.workingDaysBetween), so the figure reads a column on either engine.
  // P90 is the nearest rank: the smallest value whose rank r satisfies r ≥ 0.9·n (r·10 ≥ n·9).
  units: `
    WITH t AS MATERIALIZED (
      SELECT t.id, t.unit_id, t.status, t.due_at, t.answered_at, t.replied_at,
        CASE WHEN t.replied_at IS NOT NULL THEN t.working_days_taken END AS days
      FROM tickets t
      WHERE t.received_at >= @fromUtc AND t.received_at < @toUtc AND ${IN_SCOPE('t.unit_id')}
    ),
    ranked AS (
      SELECT unit_id, days,
        ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY days) AS rn,
        COUNT(*) OVER (PARTITION BY unit_id) AS n
      FROM t WHERE days IS NOT NULL
    ),
    p90 AS (SELECT unit_id, MIN(days) AS p90 FROM ranked WHERE rn * 10 >= n * 9 GROUP BY unit_id)
    SELECT t.unit_id AS "unitId", COUNT(*) AS received,
      ${countIf('answered_at IS NOT NULL')} AS answered,
      ${countIf('replied_at IS NOT NULL')} AS replied,
      ${countIf('replied_at IS NOT NULL AND replied_at <= due_at')} AS "onTime",
      ${countIf(`replied_at IS NULL AND ${OPEN} AND due_at < @now`)} AS "overdueNow",
      ${countIf(`(replied_at IS NOT NULL AND replied_at > due_at) OR (replied_at IS NULL AND ${OPEN} AND due_at < @now)`)} AS "overdueEver",
      ROUND(AVG(days), 2) AS "avgWorkingDays", p90.p90 AS "p90WorkingDays"
    FROM t LEFT JOIN p90 ON p90.unit_id = t.unit_id GROUP BY t.unit_id, p90.p90`,

  // Tickets received in the period that a unit passed on (转办) or sent back (退回), by that unit.
  moves: `
    SELECT ev.from_unit_id AS "unitId",
      COUNT(DISTINCT CASE WHEN ev.action = 'reassign' THEN ev.ticket_id END) AS reassigned,
      COUNT(DISTINCT CASE WHEN ev.action = 'return' THEN ev.ticket_id END) AS returned
    FROM ticket_events ev JOIN tickets tt ON tt.id = ev.ticket_id
    WHERE ev.action IN ('reassign', 'return') AND ev.from_unit_id IS NOT NULL
      AND tt.received_at >= @fromUtc AND tt.received_at < @toUtc
      AND ${IN_SCOPE('ev.from_unit_id')}
    GROUP BY ev.from_unit_id`,
}

// After the reply (H2, C4, C5). One cohort for the replies: every round replied to in the period (a
// redone ticket's earlier rounds are in ticket_rounds), with its rating if it has one.
const repliedRounds = (engine: Engine): (string | SQL)[] => [`
  WITH rounds AS (
    SELECT t.id AS ticket_id, t.round, t.unit_id, t.replied_at, 0 AS redone FROM tickets t WHERE t.replied_at IS NOT NULL
    UNION ALL
    SELECT r.ticket_id, r.round, r.unit_id, r.replied_at, 1 FROM ticket_rounds r WHERE r.replied_at IS NOT NULL
  ),
  cohort AS (
    SELECT rounds.unit_id, rounds.redone, rt.rating, `, localMonth(engine, sql.raw('rounds.replied_at'), BEIJING_HOURS), ` AS month
    FROM rounds LEFT JOIN ticket_ratings rt ON rt.ticket_id = rounds.ticket_id AND rt.round = rounds.round
    WHERE rounds.replied_at >= @fromUtc AND rounds.replied_at < @toUtc AND ${IN_SCOPE('rounds.unit_id')}
  )`]

const REPLY_FIGURES = `COUNT(*) AS replied, ${countIf('rating IS NOT NULL')} AS rated, ${countIf(`rating = 'satisfied'`)} AS satisfied,
  ${countIf(`rating = 'basically_satisfied'`)} AS "basicallySatisfied", ${countIf(`rating = 'unsatisfied'`)} AS unsatisfied, SUM(redone) AS redone`

// Promises due in the period: kept on time, fulfilled late, or still open past the deadline (isPromiseOverdue).
const PROMISE_FIGURES = `COUNT(*) AS "promisesDue",
  ${countIf(`state = 'fulfilled' AND fulfilled_at <= due_at`)} AS "promisesKeptOnTime",
  ${countIf(`state = 'fulfilled' AND fulfilled_at > due_at`)} AS "promisesFulfilledLate",
  ${countIf(`state = 'open' AND due_at < @now`)} AS "promisesOverdue"`
const PROMISES_DUE = `FROM ticket_promises WHERE due_at >= @fromUtc AND due_at < @toUtc AND due_at < @now AND ${IN_SCOPE('unit_id')}`

const afterReply = (engine: Engine) => ({
  byUnit: [...repliedRounds(engine), ` SELECT unit_id AS "unitId", ${REPLY_FIGURES} FROM cohort GROUP BY unit_id`],
  byMonth: [...repliedRounds(engine), ` SELECT month, ${REPLY_FIGURES} FROM cohort GROUP BY month ORDER BY month`],
  promisesByUnit: `SELECT unit_id AS "unitId", ${PROMISE_FIGURES} ${PROMISES_DUE} GROUP BY unit_id`,
  promisesByMonth: ['SELECT ', localMonth(engine, sql.raw('due_at'), BEIJING_HOURS), ` AS month, ${PROMISE_FIGURES} ${PROMISES_DUE} GROUP BY 1 ORDER BY 1`],
  openNow: `SELECT unit_id AS "unitId", ${countIf(`state = 'open'`)} AS "openNow", ${countIf(`state = 'open' AND due_at < @now`)} AS "overdueNow"
    FROM ticket_promises WHERE ${IN_SCOPE('unit_id')} GROUP BY unit_id`,
}) satisfies Record<string, FigureText>

export interface UnitTicketFigures {
  unitId: number
  received: number; answered: number; replied: number; onTime: number
  overdueNow: number; overdueEver: number
  avgWorkingDays: number | null; p90WorkingDays: number | null
}
export interface UnitMoves { unitId: number; reassigned: number; returned: number }
export interface ReplyRow { replied: number; rated: number; satisfied: number; basicallySatisfied: number; unsatisfied: number; redone: number }
export interface PromiseRow { promisesDue: number; promisesKeptOnTime: number; promisesFulfilledLate: number; promisesOverdue: number }

export function createTicketFigures(db: Db) {
  const engine = dialectOf(db)
  const AFTER_REPLY = afterReply(engine)
  const all = <T>(text: FigureText, params: object) => figureRows<T>(db, text, params)
  const inPeriod = (column: string) => `t.${column} >= @fromUtc AND t.${column} < @toUtc AND ${IN_SCOPE('t.unit_id')}`

  return {
    /** Per unit holding tickets received in the period: received, answered, replied, on time, overdue, working days. */
    units: (p: NowParams) => all<UnitTicketFigures>(FIGURES.units, p),
    /** Per unit: tickets received in the period that it passed on or sent back. */
    moves: (p: PeriodParams) => all<UnitMoves>(FIGURES.moves, p),

    /** Tickets by the bucket of a time: received (opened), replied, or due (`overdue`: only those overdue). */
    countBy(bucket: Bucket, column: 'received_at' | 'replied_at' | 'due_at', p: NowParams, overdue = false) {
      // Overdue, by the period its deadline fell in: replied after it, or still open with it passed.
      const extra = overdue ? `AND ((t.replied_at IS NOT NULL AND t.replied_at > t.due_at) OR (t.replied_at IS NULL AND t.${OPEN} AND t.due_at < @now))` : ''
      return all<{ bucket: string; n: number }>(['SELECT ', bucket(sql.raw(`t.${column}`)), ` AS bucket, COUNT(*) AS n FROM tickets t WHERE ${inPeriod(column)} ${extra} GROUP BY 1`], p)
    },

    /** Per bucket of receipt and unit: replied on time, and tickets whose outcome is known (replied, or open past the deadline). */
    onTimeBy: (bucket: Bucket, p: NowParams) => all<{ bucket: string; unitId: number; onTime: number; known: number }>([
      'SELECT ', bucket(sql.raw('t.received_at')), ` AS bucket, t.unit_id AS "unitId",
        ${countIf('t.replied_at IS NOT NULL AND t.replied_at <= t.due_at')} AS "onTime",
        ${countIf(`t.replied_at IS NOT NULL OR (t.${OPEN} AND t.due_at < @now)`)} AS known
      FROM tickets t WHERE ${inPeriod('received_at')} GROUP BY 1, 2`], p),

    /** Replies in the period (every round), rated and redone, per unit and per month. */
    repliesByUnit: (p: PeriodParams) => all<ReplyRow & { unitId: number }>(AFTER_REPLY.byUnit, p),
    repliesByMonth: (p: PeriodParams) => all<ReplyRow & { month: string }>(AFTER_REPLY.byMonth, p),
    /** Promises due in the period, kept or not, per unit and per month. */
    promisesByUnit: (p: NowParams) => all<PromiseRow & { unitId: number }>(AFTER_REPLY.promisesByUnit, p),
    promisesByMonth: (p: NowParams) => all<PromiseRow & { month: string }>(AFTER_REPLY.promisesByMonth, p),
    /** Promises open and overdue now, per unit. */
    promisesOpenNow: (p: { unitId: number | null; now: string }) => all<{ unitId: number; openNow: number; overdueNow: number }>(AFTER_REPLY.openNow, p),
  }
}

export type TicketFigures = ReturnType<typeof createTicketFigures>
