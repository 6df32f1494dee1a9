// The library's figures for supervision (src/stats): aggregates over this module's own tables, with
// its rules (the question an entry is known by, in force) written once here. Statistics adds the
// units' and topics' names and the presentation.
//
// Named parameters as in tickets.figures.ts: @unitId (NULL for every unit); @fromUtc and @toUtc
// where a period applies. The texts run on SQLite and PostgreSQL alike (see consultations.figures.ts):
// camelCase names are quoted, and @unitId is cast where it only meets NULL.
import type { Db } from '../db/client.ts'
import { first, namedSql } from '../db/query.ts'
import { inForceSqlText } from './kb.in-force.ts'

// The question an entry is shown by: its published version's, or its latest version's.
const ENTRY_QUESTION = `COALESCE(
  (SELECT v.question FROM entry_versions v WHERE v.id = e.published_version_id),
  (SELECT v.question FROM entry_versions v WHERE v.entry_id = e.id ORDER BY v.version DESC LIMIT 1))`

// In force: the kb's own rule (kb.in-force.ts), on the published version, as 1 or 0 on both engines
// (the condition is a boolean on PostgreSQL, which does not sum one).
const ENTRY_IN_FORCE = `(CASE WHEN ${inForceSqlText('e.published_version_id')} THEN 1 ELSE 0 END)`

const SQL = {
  neverHitWhere: (answered: string) => `
    FROM entries e
    WHERE e.status = 'published' AND e.hit_count = 0 AND (CAST(@unitId AS INTEGER) IS NULL OR e.unit_id = @unitId)
      AND e.id NOT IN ${answered}`,

  coverage: `
    WITH pub AS (
      SELECT e.id, e.topic_id, ${ENTRY_IN_FORCE} AS in_force
      FROM entries e WHERE e.status = 'published' AND (CAST(@unitId AS INTEGER) IS NULL OR e.unit_id = @unitId)
    )
    SELECT topic_id AS "topicId", COUNT(*) AS published, COALESCE(SUM(in_force), 0) AS "inForce" FROM pub GROUP BY topic_id`,

  // D4: published entries citing a document that is expired or repealed, or whose expiry date has passed.
  expiredPolicies: `
    SELECT e.id AS "entryId", e.external_id AS "externalId", ${ENTRY_QUESTION} AS question, e.unit_id AS "unitId", ${ENTRY_IN_FORCE} AS "inForce",
      p.id AS "documentId", p.title, p.doc_number AS "docNumber", p.validity, p.expires_on AS "expiresOn"
    FROM entries e
    JOIN entry_version_documents d ON d.entry_version_id = e.published_version_id
    JOIN policy_documents p ON p.id = d.policy_document_id
    WHERE e.status = 'published' AND (CAST(@unitId AS INTEGER) IS NULL OR e.unit_id = @unitId)
      AND (p.validity <> 'in_force' OR (p.expires_on IS NOT NULL AND p.expires_on < @today))
    ORDER BY e.id, p.id`,

  // D4: the last review is the publication of the version now served.
  staleWhere: `
    FROM entries e
    LEFT JOIN entry_versions v ON v.id = e.published_version_id
    WHERE e.status = 'published' AND (CAST(@unitId AS INTEGER) IS NULL OR e.unit_id = @unitId)
      AND COALESCE(v.published_at, e.published_at, e.created_at) < @cutoff`,
}

/** An entry as a line of a figure: its unit by id (statistics names it). */
export interface EntryLine { entryId: number; externalId: string | null; question: string | null; unitId: number }

/** Ids of @unitId's entries (every entry for NULL): a subquery, for another module's figures to filter by. */
export const UNIT_ENTRY_IDS_SQL = `(SELECT id FROM entries WHERE unit_id = @unitId)`


export function createKbFigures(db: Db) {
  const all = async <T>(text: string, params: object) => await db.all<T>(namedSql(text, params))
  const countOf = async (where: string, params: object) => (await first(db.all<{ n: number }>(namedSql(`SELECT COUNT(*) AS n ${where}`, params))))!.n

  return {
    /**
     * Entries hit most in the period: `periodHits` is the consultations' subquery of (entry_id, hits)
     * in the period; hitCount is the all-time counter.
     */
    mostHit: (p: { fromUtc: string; toUtc: string; unitId: number | null; limit: number }, periodHits: string) =>
      all<EntryLine & { status: string; periodHits: number; hitCount: number }>(`
        SELECT e.id AS "entryId", e.external_id AS "externalId", ${ENTRY_QUESTION} AS question, e.unit_id AS "unitId",
          e.status, h.hits AS "periodHits", e.hit_count AS "hitCount"
        FROM ${periodHits} h JOIN entries e ON e.id = h.entry_id
        WHERE (CAST(@unitId AS INTEGER) IS NULL OR e.unit_id = @unitId)
        ORDER BY "periodHits" DESC, "hitCount" DESC, e.id LIMIT @limit`, p),

    /** Published entries never hit: no use counted, and none of `answered` (the consultations' answered entry ids). */
    async neverHit(p: { unitId: number | null; limit: number }, answered: string) {
      const where = SQL.neverHitWhere(answered)
      const items = await all<EntryLine & { publishedAt: string | null }>(
        `SELECT e.id AS "entryId", e.external_id AS "externalId", ${ENTRY_QUESTION} AS question, e.unit_id AS "unitId",
           e.published_at AS "publishedAt" ${where} ORDER BY e.published_at, e.id LIMIT @limit`, p)
      return { total: await countOf(where, { unitId: p.unitId }), items }
    },

    /** Published entries and those in force, per topic (NULL: no topic). */
    coverage: (p: { unitId: number | null }) => all<{ topicId: number | null; published: number; inForce: number }>(SQL.coverage, p),

    expiredPolicies: (p: { unitId: number | null; today: string }) =>
      all<EntryLine & { inForce: number; documentId: number; title: string; docNumber: string | null; validity: string; expiresOn: string | null }>(SQL.expiredPolicies, p),

    async stale(p: { unitId: number | null; cutoff: string; limit: number }) {
      const items = await all<EntryLine & { lastReviewedAt: string }>(
        `SELECT e.id AS "entryId", e.external_id AS "externalId", ${ENTRY_QUESTION} AS question, e.unit_id AS "unitId",
           COALESCE(v.published_at, e.published_at, e.created_at) AS "lastReviewedAt" ${SQL.staleWhere} ORDER BY "lastReviewedAt", e.id LIMIT @limit`, p)
      return { total: await countOf(SQL.staleWhere, { unitId: p.unitId, cutoff: p.cutoff }), items }
    },
  }
}

export type KbFigures = ReturnType<typeof createKbFigures>
