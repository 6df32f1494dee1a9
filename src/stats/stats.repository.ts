// The figures, read through the queries the owning modules expose: tickets.figures.ts,
// consultations.figures.ts, kb.figures.ts, search.figures.ts and units.queries.ts. Each module counts
// over its own tables by its own rules; this file joins their answers (a unit's share of the
// consultations is the tickets it holds and the entries it owns) and names units and topics.
// Every query takes @unitId: NULL for all units.
import type { Db } from '../db/client.ts'
import { createConsultationFigures, figureRows, PERIOD_HITS_SQL, ANSWERED_ENTRY_IDS_SQL, TICKETED_MATCH_IDS_SQL, ticketedQuestionsSql } from '../consultations/consultations.figures.ts'
import { createKbFigures, UNIT_ENTRY_IDS_SQL, type EntryLine as KbEntryLine } from '../kb/kb.figures.ts'
import { noneFittedQuestionsSql } from '../search/search.figures.ts'
import { CONSULTATIONS_HELD_BY_UNIT_SQL, TICKETED_CONSULTATIONS_SQL, createTicketFigures } from '../tickets/tickets.figures.ts'
import { allTopics, allUnits, unitRefs } from '../units/units.queries.ts'

export interface PeriodParams { fromUtc: string; toUtc: string; unitId: number | null }

/** A unit's share of the consultations: those whose ticket it holds, and those answered with its entries. */
export const UNIT_SHARE = { heldConsultationIds: CONSULTATIONS_HELD_BY_UNIT_SQL, unitEntryIds: UNIT_ENTRY_IDS_SQL }

// D2: questions nobody could answer from the library. A none-fitted match that became a ticket is
// counted once, through its consultation. One asker of each wording is named, for de-identification:
// the same words rarely carry two names.
const UNMATCHED = `
  SELECT question, COUNT(*) AS count, MAX(at) AS "lastAskedAt",
    MAX(asker_name) AS "askerName", MAX(asker_phone) AS "askerPhone", MAX(asker_email) AS "askerEmail" FROM (
    ${noneFittedQuestionsSql(TICKETED_MATCH_IDS_SQL)}
    UNION ALL
    ${ticketedQuestionsSql(TICKETED_CONSULTATIONS_SQL)}
  ) AS asked
  GROUP BY question ORDER BY count DESC, "lastAskedAt" DESC LIMIT @cap`

export interface UnitFigures {
  id: number; code: string; name: string
  received: number; answered: number; replied: number; onTime: number
  overdueNow: number; overdueEver: number
  avgWorkingDays: number | null; p90WorkingDays: number | null
  reassigned: number; returned: number
}

export interface EntryLine { entryId: number; externalId: string | null; question: string | null; unitCode: string; unitName: string }

export function createStatsRepository(db: Db) {
  const tickets = createTicketFigures(db)
  const consultations = createConsultationFigures(db)
  const kb = createKbFigures(db)

  /** An entry line with its unit's code and name. */
  const named = async <T extends KbEntryLine>(rows: T[]): Promise<(Omit<T, 'unitId'> & { unitCode: string; unitName: string })[]> => {
    const units = await unitRefs(db)
    return rows.map(({ unitId, ...r }) => ({ ...r, unitCode: units.get(unitId)?.code ?? '', unitName: units.get(unitId)?.name ?? '' }))
  }

  return {
    /** The owners' figures as they are, for the trends (trends.ts). */
    figures: { tickets, consultations },

    consultations: (p: PeriodParams) => consultations.byChannel(p, UNIT_SHARE),

    /** Per unit, in code order: every active unit, and an inactive one that still has figures. */
    async units(p: PeriodParams & { now: string }): Promise<UnitFigures[]> {
      const figures = new Map((await tickets.units(p)).map((r) => [r.unitId, r]))
      const moves = new Map((await tickets.moves(p)).map((r) => [r.unitId, r]))
      return (await allUnits(db))
        .filter((u) => (p.unitId === null || u.id === p.unitId) && (u.active || figures.has(u.id) || moves.has(u.id)))
        .map((u) => {
          const f = figures.get(u.id)
          return {
            id: u.id, code: u.code, name: u.name,
            received: f?.received ?? 0, answered: f?.answered ?? 0, replied: f?.replied ?? 0, onTime: f?.onTime ?? 0,
            overdueNow: f?.overdueNow ?? 0, overdueEver: f?.overdueEver ?? 0,
            avgWorkingDays: f?.avgWorkingDays ?? null, p90WorkingDays: f?.p90WorkingDays ?? null,
            reassigned: moves.get(u.id)?.reassigned ?? 0, returned: moves.get(u.id)?.returned ?? 0,
          }
        })
    },

    unmatched: (p: PeriodParams & { cap: number }) =>
      figureRows<{ question: string; count: number; lastAskedAt: string; askerName: string | null; askerPhone: string | null; askerEmail: string | null }>(db, UNMATCHED, p),

    mostHit: async (p: PeriodParams & { limit: number }) => named(await kb.mostHit(p, PERIOD_HITS_SQL)),

    async neverHit(p: { unitId: number | null; limit: number }) {
      const { total, items } = await kb.neverHit(p, ANSWERED_ENTRY_IDS_SQL)
      return { total, items: await named(items) }
    },

    /** Per topic in the order created, then the published entries with no topic (topicId null). */
    async coverage(p: { unitId: number | null }) {
      const counts = new Map((await kb.coverage(p)).map((r) => [r.topicId, r]))
      const none = counts.get(null)
      return [
        ...(await allTopics(db)).map((t) => ({ topicId: t.id as number | null, code: t.code as string | null, name: t.name as string | null, required: t.required ? 1 : 0, published: counts.get(t.id)?.published ?? 0, inForce: counts.get(t.id)?.inForce ?? 0 })),
        { topicId: null, code: null, name: null, required: 0, published: none?.published ?? 0, inForce: none?.inForce ?? 0 },
      ]
    },

    expiredPolicies: async (p: { unitId: number | null; today: string }) => named(await kb.expiredPolicies(p)),

    async stale(p: { unitId: number | null; cutoff: string; limit: number }) {
      const { total, items } = await kb.stale(p)
      return { total, items: await named(items) }
    },
  }
}

export type StatsRepository = ReturnType<typeof createStatsRepository>
