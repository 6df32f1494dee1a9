// The consultations' figures for supervision (src/stats): aggregates over this module's own table.
// Statistics adds the labels, the shares and the presentation.
//
// Named parameters as in tickets.figures.ts: @fromUtc and @toUtc on the time of receipt, @unitId
// for one unit's share (NULL: every unit). A consultation counts for a unit when the unit holds its
// ticket or answered it with one of its entries; which those are, the tickets and kb modules say,
// as the subqueries the caller passes in (`UnitShare`).
//
// The texts run on SQLite and PostgreSQL alike: a sum of a condition is countIf's
// `SUM(CASE WHEN … THEN 1 ELSE 0 END)` (PostgreSQL does not sum booleans), a camelCase name is quoted
// (PostgreSQL folds the others to lower case), and a parameter that only meets NULL is cast
// (`CAST(@unitId AS INTEGER) IS NULL`: PostgreSQL must know a parameter's type).
import { sql, type SQL } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import type { Channel, ConsultationKind } from './consultations.types.ts'
import { namedSql, type FigureText } from '../db/query.ts'

/** Subqueries (SQL text, same named parameters) naming a unit's consultations and entries. */
export interface UnitShare {
  /** Ids of the consultations whose ticket @unitId holds. */
  heldConsultationIds: string
  /** Ids of @unitId's entries. */
  unitEntryIds: string
}

/** Every consultation (@unitId NULL), or those @unitId holds the ticket of or answered with its entry. */
const unitScope = (share: UnitShare) =>
  `(CAST(@unitId AS INTEGER) IS NULL OR c.id IN ${share.heldConsultationIds} OR c.answered_entry_id IN ${share.unitEntryIds})`

/** Match ids of consultations that became tickets: a subquery, for the matcher's misses not to count them twice. */
export const TICKETED_MATCH_IDS_SQL = `(SELECT match_id FROM consultations WHERE match_id IS NOT NULL AND outcome = 'ticketed')`

/**
 * Questions asked in the period that became tickets (`ticketed`: the ids of those consultations),
 * as rows (question, at, asker_name, asker_phone, asker_email): one side of the unanswered list.
 */
export const ticketedQuestionsSql = (ticketed: string) => `
  SELECT c.question, c.received_at AS at, c.asker_name, c.asker_phone, c.asker_email FROM consultations c
  WHERE c.kind = 'question' AND c.received_at >= @fromUtc AND c.received_at < @toUtc AND c.id IN ${ticketed}`

/** Consultations answered with each entry in the period: a subquery of (entry_id, hits). */
export const PERIOD_HITS_SQL = `(SELECT answered_entry_id AS entry_id, COUNT(*) AS hits FROM consultations
  WHERE answered_entry_id IS NOT NULL AND received_at >= @fromUtc AND received_at < @toUtc GROUP BY answered_entry_id)`

/** Entries any consultation was answered with: a subquery. */
export const ANSWERED_ENTRY_IDS_SQL = `(SELECT answered_entry_id FROM consultations WHERE answered_entry_id IS NOT NULL)`

export interface ChannelFigures { channel: Channel; kind: ConsultationKind; total: number; answered: number; automatic: number; ticketed: number }


/** How many rows of the group meet `cond` (SQL text): a sum of 1s and 0s, read alike by both engines. */
export const countIf = (cond: string) => `SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`


/** The rows of a figure's SQL text (namedSql), read through `db`: in the caller's transaction if there is one. */
export const figureRows = async <T>(db: Db, text: FigureText, params: object): Promise<T[]> => await db.all<T>(namedSql(text, params))

export function createConsultationFigures(db: Db) {
  const all = <T>(text: FigureText, params: object) => figureRows<T>(db, text, params)

  return {
    /** By channel and kind: received, answered at once (automatically or by an agent), ticketed. */
    byChannel: (p: { fromUtc: string; toUtc: string; unitId: number | null }, share: UnitShare) => all<ChannelFigures>(`
      SELECT c.channel, c.kind, COUNT(*) AS total,
        ${countIf(`c.outcome = 'answered'`)} AS answered,
        ${countIf(`c.outcome = 'answered' AND c.answered_automatically`)} AS automatic,
        ${countIf(`c.outcome = 'ticketed'`)} AS ticketed
      FROM consultations c
      WHERE c.received_at >= @fromUtc AND c.received_at < @toUtc AND ${unitScope(share)}
      GROUP BY c.channel, c.kind`, p),

    /** By the bucket of receipt (`bucket` writes it from the column) and channel: received, answered at once. */
    byBucketAndChannel: (bucket: (column: SQL) => SQL, p: { fromUtc: string; toUtc: string; unitId: number | null }, share: UnitShare) =>
      all<{ bucket: string; channel: Channel; total: number; answered: number }>([
        'SELECT ', bucket(sql.raw('c.received_at')), ` AS bucket, c.channel, COUNT(*) AS total, ${countIf(`c.outcome = 'answered'`)} AS answered
        FROM consultations c
        WHERE c.received_at >= @fromUtc AND c.received_at < @toUtc AND ${unitScope(share)}
        GROUP BY 1, 2`], p),
  }
}

export type ConsultationFigures = ReturnType<typeof createConsultationFigures>
