// The figures, computed by SQL over the real tables. Every query takes @unitId: NULL for all units.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/client.ts'
import { OPEN_TICKET_STATUSES } from '../tickets/tickets.lifecycle.ts'
import { inForceSqlText } from '../kb/kb.in-force.ts'

export interface PeriodParams { fromUtc: string; toUtc: string; unitId: number | null }

// The question an entry is shown by: its published version's, or its latest version's.
const ENTRY_QUESTION = `COALESCE(
  (SELECT v.question FROM entry_versions v WHERE v.id = e.published_version_id),
  (SELECT v.question FROM entry_versions v WHERE v.entry_id = e.id ORDER BY v.version DESC LIMIT 1))`

// In force: the kb module's rule (kb.in-force.ts), on the published version.
const ENTRY_IN_FORCE = inForceSqlText('e.published_version_id')

// Open = the asker has not been told yet: the tickets module's list (fixed literals, safe to inline).
const OPEN = `status IN (${OPEN_TICKET_STATUSES.map((s) => `'${s}'`).join(', ')})`

const SQL = {
  consultations: `
    SELECT c.channel, c.kind, COUNT(*) AS total,
      SUM(c.outcome = 'answered') AS answered,
      SUM(c.outcome = 'answered' AND c.answered_automatically) AS automatic,
      SUM(c.outcome = 'ticketed') AS ticketed
    FROM consultations c
    WHERE c.received_at >= @fromUtc AND c.received_at < @toUtc
      AND (@unitId IS NULL
        OR EXISTS (SELECT 1 FROM tickets t WHERE t.consultation_id = c.id AND t.unit_id = @unitId)
        OR EXISTS (SELECT 1 FROM entries e WHERE e.id = c.answered_entry_id AND e.unit_id = @unitId))
    GROUP BY c.channel, c.kind`,

  // Per unit, over the tickets received in the period that the unit holds now. Working days to
  // answer run from receipt to the reply to the asker (stats_working_days = calendar.workingDaysBetween).
  // P90 is the nearest rank: the smallest value whose rank r satisfies r ≥ 0.9·n (r·10 ≥ n·9).
  units: `
    WITH t AS MATERIALIZED (
      SELECT t.id, t.unit_id, t.status, t.due_at, t.answered_at, t.replied_at,
        CASE WHEN t.replied_at IS NOT NULL THEN stats_working_days(t.received_at, t.replied_at) END AS days
      FROM tickets t
      WHERE t.received_at >= @fromUtc AND t.received_at < @toUtc AND (@unitId IS NULL OR t.unit_id = @unitId)
    ),
    ranked AS (
      SELECT unit_id, days,
        ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY days) AS rn,
        COUNT(*) OVER (PARTITION BY unit_id) AS n
      FROM t WHERE days IS NOT NULL
    ),
    p90 AS (SELECT unit_id, MIN(days) AS p90 FROM ranked WHERE rn * 10 >= n * 9 GROUP BY unit_id),
    agg AS (
      SELECT unit_id, COUNT(*) AS received,
        SUM(answered_at IS NOT NULL) AS answered,
        SUM(replied_at IS NOT NULL) AS replied,
        SUM(replied_at IS NOT NULL AND replied_at <= due_at) AS on_time,
        SUM(replied_at IS NULL AND ${OPEN} AND due_at < @now) AS overdue_now,
        SUM((replied_at IS NOT NULL AND replied_at > due_at) OR (replied_at IS NULL AND ${OPEN} AND due_at < @now)) AS overdue_ever,
        ROUND(AVG(days), 2) AS avg_days
      FROM t GROUP BY unit_id
    ),
    moves AS (
      SELECT ev.from_unit_id AS unit_id,
        COUNT(DISTINCT CASE WHEN ev.action = 'reassign' THEN ev.ticket_id END) AS reassigned,
        COUNT(DISTINCT CASE WHEN ev.action = 'return' THEN ev.ticket_id END) AS returned
      FROM ticket_events ev JOIN tickets tt ON tt.id = ev.ticket_id
      WHERE ev.action IN ('reassign', 'return') AND ev.from_unit_id IS NOT NULL
        AND tt.received_at >= @fromUtc AND tt.received_at < @toUtc
        AND (@unitId IS NULL OR ev.from_unit_id = @unitId)
      GROUP BY ev.from_unit_id
    )
    SELECT u.id, u.code, u.name,
      COALESCE(agg.received, 0) AS received, COALESCE(agg.answered, 0) AS answered,
      COALESCE(agg.replied, 0) AS replied, COALESCE(agg.on_time, 0) AS onTime,
      COALESCE(agg.overdue_now, 0) AS overdueNow, COALESCE(agg.overdue_ever, 0) AS overdueEver,
      agg.avg_days AS avgWorkingDays, p90.p90 AS p90WorkingDays,
      COALESCE(moves.reassigned, 0) AS reassigned, COALESCE(moves.returned, 0) AS returned
    FROM units u
    LEFT JOIN agg ON agg.unit_id = u.id
    LEFT JOIN p90 ON p90.unit_id = u.id
    LEFT JOIN moves ON moves.unit_id = u.id
    WHERE (@unitId IS NULL OR u.id = @unitId) AND (u.active OR agg.unit_id IS NOT NULL OR moves.unit_id IS NOT NULL)
    ORDER BY u.code`,

  // D2: questions nobody could answer from the library. A none-fitted match that became a ticket is
  // counted once, through its consultation. Match logs belong to no unit, so a unit sees its tickets only.
  // One asker of each wording is named, for de-identification: the same words rarely carry two names.
  unmatched: `
    SELECT question, COUNT(*) AS count, MAX(at) AS lastAskedAt,
      MAX(asker_name) AS askerName, MAX(asker_phone) AS askerPhone, MAX(asker_email) AS askerEmail FROM (
      SELECT m.question, m.created_at AS at, NULL AS asker_name, NULL AS asker_phone, NULL AS asker_email FROM match_logs m
      WHERE @unitId IS NULL AND m.none_fitted = 1 AND m.created_at >= @fromUtc AND m.created_at < @toUtc
        AND m.id NOT IN (SELECT match_id FROM consultations WHERE match_id IS NOT NULL AND outcome = 'ticketed')
      UNION ALL
      SELECT c.question, c.received_at, c.asker_name, c.asker_phone, c.asker_email FROM consultations c JOIN tickets t ON t.consultation_id = c.id
      WHERE c.kind = 'question' AND c.received_at >= @fromUtc AND c.received_at < @toUtc
        AND (@unitId IS NULL OR t.unit_id = @unitId)
    )
    GROUP BY question ORDER BY count DESC, lastAskedAt DESC LIMIT @cap`,

  // Hits in the period are the consultations answered with the entry; hitCount is the all-time counter.
  mostHit: `
    SELECT e.id AS entryId, e.external_id AS externalId, ${ENTRY_QUESTION} AS question,
      u.code AS unitCode, u.name AS unitName, e.status, COUNT(*) AS periodHits, e.hit_count AS hitCount
    FROM consultations c JOIN entries e ON e.id = c.answered_entry_id JOIN units u ON u.id = e.unit_id
    WHERE c.received_at >= @fromUtc AND c.received_at < @toUtc AND (@unitId IS NULL OR e.unit_id = @unitId)
    GROUP BY e.id ORDER BY periodHits DESC, hitCount DESC, e.id LIMIT @limit`,

  neverHitWhere: `
    FROM entries e JOIN units u ON u.id = e.unit_id
    WHERE e.status = 'published' AND e.hit_count = 0 AND (@unitId IS NULL OR e.unit_id = @unitId)
      AND e.id NOT IN (SELECT answered_entry_id FROM consultations WHERE answered_entry_id IS NOT NULL)`,

  coverage: `
    WITH pub AS (
      SELECT e.id, e.topic_id, ${ENTRY_IN_FORCE} AS in_force
      FROM entries e WHERE e.status = 'published' AND (@unitId IS NULL OR e.unit_id = @unitId)
    )
    SELECT tp.id AS topicId, tp.code, tp.name, tp.required, COUNT(pub.id) AS published, COALESCE(SUM(pub.in_force), 0) AS inForce
    FROM topics tp LEFT JOIN pub ON pub.topic_id = tp.id
    GROUP BY tp.id
    UNION ALL
    SELECT NULL, NULL, NULL, 0, COUNT(*), COALESCE(SUM(in_force), 0) FROM pub WHERE topic_id IS NULL`,

  // D4: published entries citing a document that is expired or repealed, or whose expiry date has passed.
  expiredPolicies: `
    SELECT e.id AS entryId, e.external_id AS externalId, ${ENTRY_QUESTION} AS question,
      u.code AS unitCode, u.name AS unitName, ${ENTRY_IN_FORCE} AS inForce,
      p.id AS documentId, p.title, p.doc_number AS docNumber, p.validity, p.expires_on AS expiresOn
    FROM entries e JOIN units u ON u.id = e.unit_id
    JOIN entry_version_documents d ON d.entry_version_id = e.published_version_id
    JOIN policy_documents p ON p.id = d.policy_document_id
    WHERE e.status = 'published' AND (@unitId IS NULL OR e.unit_id = @unitId)
      AND (p.validity <> 'in_force' OR (p.expires_on IS NOT NULL AND p.expires_on < @today))
    ORDER BY e.id, p.id`,

  // D4: the last review is the publication of the version now served.
  staleWhere: `
    FROM entries e JOIN units u ON u.id = e.unit_id
    LEFT JOIN entry_versions v ON v.id = e.published_version_id
    WHERE e.status = 'published' AND (@unitId IS NULL OR e.unit_id = @unitId)
      AND COALESCE(v.published_at, e.published_at, e.created_at) < @cutoff`,
}

export interface UnitFigures {
  id: number; code: string; name: string
  received: number; answered: number; replied: number; onTime: number
  overdueNow: number; overdueEver: number
  avgWorkingDays: number | null; p90WorkingDays: number | null
  reassigned: number; returned: number
}

export interface EntryLine { entryId: number; externalId: string | null; question: string | null; unitCode: string; unitName: string }

export function createStatsRepository(db: Db, workingDaysBetween: (from: string, to: string) => number) {
  const sqlite = db.$client
  // Lets the per-unit query count working days in SQL, with the calendar service's own arithmetic.
  sqlite.function('stats_working_days', { deterministic: false }, (from: unknown, to: unknown) =>
    (typeof from === 'string' && typeof to === 'string' ? workingDaysBetween(from, to) : null))

  const cache = new Map<string, Statement>()
  const prepare = (sql: string) => {
    let st = cache.get(sql)
    if (!st) { st = sqlite.prepare(sql); cache.set(sql, st) }
    return st
  }
  const all = <T>(sql: string, params: object) => prepare(sql).all(params) as T[]
  const countOf = (where: string, params: object) => (prepare(`SELECT COUNT(*) AS n ${where}`).get(params) as { n: number }).n

  return {
    consultations: (p: PeriodParams) =>
      all<{ channel: string; kind: string; total: number; answered: number; automatic: number; ticketed: number }>(SQL.consultations, p),

    units: (p: PeriodParams & { now: string }) => all<UnitFigures>(SQL.units, p),

    unmatched: (p: PeriodParams & { cap: number }) => all<{ question: string; count: number; lastAskedAt: string; askerName: string | null; askerPhone: string | null; askerEmail: string | null }>(SQL.unmatched, p),

    mostHit: (p: PeriodParams & { limit: number }) => all<EntryLine & { status: string; periodHits: number; hitCount: number }>(SQL.mostHit, p),

    neverHit(p: { unitId: number | null; limit: number }) {
      const items = all<EntryLine & { publishedAt: string | null }>(
        `SELECT e.id AS entryId, e.external_id AS externalId, ${ENTRY_QUESTION} AS question, u.code AS unitCode, u.name AS unitName,
           e.published_at AS publishedAt ${SQL.neverHitWhere} ORDER BY e.published_at, e.id LIMIT @limit`, p)
      return { total: countOf(SQL.neverHitWhere, { unitId: p.unitId }), items }
    },

    coverage: (p: { unitId: number | null }) =>
      all<{ topicId: number | null; code: string | null; name: string | null; required: number; published: number; inForce: number }>(SQL.coverage, p),

    expiredPolicies: (p: { unitId: number | null; today: string }) =>
      all<EntryLine & { inForce: number; documentId: number; title: string; docNumber: string | null; validity: string; expiresOn: string | null }>(SQL.expiredPolicies, p),

    stale(p: { unitId: number | null; cutoff: string; limit: number }) {
      const items = all<EntryLine & { lastReviewedAt: string }>(
        `SELECT e.id AS entryId, e.external_id AS externalId, ${ENTRY_QUESTION} AS question, u.code AS unitCode, u.name AS unitName,
           COALESCE(v.published_at, e.published_at, e.created_at) AS lastReviewedAt ${SQL.staleWhere} ORDER BY lastReviewedAt, e.id LIMIT @limit`, p)
      return { total: countOf(SQL.staleWhere, { unitId: p.unitId, cutoff: p.cutoff }), items }
    },
  }
}

export type StatsRepository = ReturnType<typeof createStatsRepository>
