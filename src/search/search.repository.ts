import { and, asc, count, desc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import {
  countHit, entriesOnDocuments, entryExists, entryFirstPublishedAt, entryHitCount, publishedEntries, publishedEntryIds, uncountHit, type PublishedEntry,
} from '../kb/kb.queries.ts'
import { topicByCode } from '../units/units.queries.ts'
import { dictionaryTerms, entryTokens, matchLogs, questionHits, synonyms, type LoggedCandidate } from './search.table.ts'

// The library's entries are the kb module's: read (and their hits counted) through kb.queries.ts.
export type { PublishedEntry }

export interface MatchLogRow {
  id: string
  question: string
  topicCode: string | null
  matched: boolean
  confidence: number
  topEntryId: number | null
  candidates: LoggedCandidate[]
  tokenId: number | null
  createdAt: string
  /** Set while the row still waits in the batch when a consultation is answered from this match. */
  answeredAt?: string | null
  /** The same, when an agent answered it with an entry: the label the calibration learns from. */
  usedEntryId?: number | null
}

/** A match an agent settled: the entry they answered with, or that none fitted. */
export interface SettledMatch {
  question: string
  usedEntryId: number | null
  noneFitted: boolean
  /** When it was asked: entries written since were not there to be found. */
  askedAt: string
  /** The topic the match was limited to, if any. */
  topicCode: string | null
}

/** Match-log rows per insert statement: 11 parameters each, well below either engine's cap. */
const LOG_ROWS_PER_INSERT = 500

export function createSearchRepository(db: Db) {
  return {
    /** Published entries with their served version; all of them, or those among `ids`. */
    publishedEntries: (ids?: number[]): Promise<PublishedEntry[]> => publishedEntries(db, ids),
    /** Entry ids whose served version rests on one of these policy documents. */
    entriesOnDocuments: (documentIds: number[]) => entriesOnDocuments(db, documentIds),
    /** When the entry was first served: its first published version (rows imported without one: the entry's own dates). */
    entryFirstPublishedAt: (id: number) => entryFirstPublishedAt(db, id),
    entryExists: (id: number) => entryExists(db, id),
    topicExists: async (code: string) => (await topicByCode(db, code)) !== undefined,

    listSynonyms: async () => await db.select().from(synonyms).orderBy(asc(synonyms.term)),
    synonymById: (id: number) => first(db.select().from(synonyms).where(eq(synonyms.id, id))),
    // A duplicate term is refused: in a savepoint, since on PostgreSQL a refused insert would abort the caller's whole transaction.
    insertSynonym: (term: string, canonical: string, weight = 1) => db.transaction(async (tx) => (await tx.insert(synonyms).values({ term, canonical, weight }).returning())[0]),
    /** Inserts the pairs whose term the table does not hold; the rows inserted. */
    insertMissingSynonyms: async (pairs: { term: string; canonical: string; weight?: number }[]) =>
      pairs.length ? await db.insert(synonyms).values(pairs).onConflictDoNothing().returning({ id: synonyms.id, term: synonyms.term }) : [],
    async insertSynonyms(pairs: { term: string; canonical: string; weight?: number }[]): Promise<void> {
      if (pairs.length) await db.insert(synonyms).values(pairs).onConflictDoNothing()
    },
    updateSynonym: (id: number, canonical: string, weight?: number) => first(db.update(synonyms).set(weight === undefined ? { canonical } : { canonical, weight }).where(eq(synonyms.id, id)).returning()),
    deleteSynonym: (id: number) => first(db.delete(synonyms).where(eq(synonyms.id, id)).returning()),
    countSynonyms: async () => (await first(db.select({ n: count() }).from(synonyms)))!.n,

    listDictionaryTerms: async () => await db.select().from(dictionaryTerms).orderBy(asc(dictionaryTerms.term)),
    /** Refuses a duplicate term, in a savepoint as insertSynonym. */
    insertDictionaryTerm: (term: string) => db.transaction(async (tx) => (await tx.insert(dictionaryTerms).values({ term }).returning())[0]),
    deleteDictionaryTerm: (id: number) => first(db.delete(dictionaryTerms).where(eq(dictionaryTerms.id, id)).returning()),

    /** Cached tokens of these entries, by entry id. */
    async entryTokens(ids: number[]): Promise<Map<number, { key: string; tokens: string }>> {
      const out = new Map<number, { key: string; tokens: string }>()
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of await db.select().from(entryTokens).where(inArray(entryTokens.entryId, ids.slice(i, i + 500)))) out.set(r.entryId, r)
      }
      return out
    },
    async saveEntryTokens(rows: { entryId: number; key: string; tokens: string }[]): Promise<void> {
      if (rows.length === 0) return
      await db.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += 200) {
          await tx.insert(entryTokens).values(rows.slice(i, i + 200))
            .onConflictDoUpdate({ target: entryTokens.entryId, set: { key: sql`excluded.key`, tokens: sql`excluded.tokens` } })
        }
      })
    },
    /** Drops cached tokens of entries that are no longer published. */
    async pruneEntryTokens(): Promise<void> {
      await db.delete(entryTokens).where(sql`${entryTokens.entryId} not in ${publishedEntryIds()}`)
    },

    /**
     * Writes a batch of match logs in the transaction `tx`: multi-row inserts, in slices. `ifAbsent`:
     * a log already there (or being written by another transaction, which this one then waits for) is
     * left as it is.
     */
    async insertMatchLogs(tx: Tx, rows: readonly MatchLogRow[], { ifAbsent = false }: { ifAbsent?: boolean } = {}): Promise<void> {
      for (let i = 0; i < rows.length; i += LOG_ROWS_PER_INSERT) {
        const insert = tx.insert(matchLogs).values(rows.slice(i, i + LOG_ROWS_PER_INSERT).map((r) => ({
          id: r.id, question: r.question, topicCode: r.topicCode, matched: r.matched, confidence: r.confidence, topEntryId: r.topEntryId,
          candidates: r.candidates, tokenId: r.tokenId, createdAt: r.createdAt, answeredAt: r.answeredAt ?? null, usedEntryId: r.usedEntryId ?? null,
        })))
        await (ifAbsent ? insert.onConflictDoNothing({ target: matchLogs.id }) : insert)
      }
    },
    matchLog: (tx: Tx, id: string) => first(tx.select().from(matchLogs).where(eq(matchLogs.id, id))),
    async setFeedback(tx: Tx, id: string, feedback: { usedEntryId: number | null; noneFitted: boolean; feedbackHitEntryId?: number; feedbackHitQuestion?: string | null }): Promise<void> {
      await tx.update(matchLogs).set({ ...feedback, feedbackAt: new Date().toISOString() }).where(eq(matchLogs.id, id))
    },
    /**
     * A consultation was answered from this match: it holds the hit now, feedback's claim (if any) is
     * settled. An agent's answer also says which entry was right, unless feedback said so already.
     */
    async markAnswered(tx: Tx, id: string, at: string, agentEntryId: number | null = null): Promise<void> {
      await tx.update(matchLogs).set({
        answeredAt: sql`coalesce(${matchLogs.answeredAt}, ${at})`, feedbackHitEntryId: null, feedbackHitQuestion: null,
        ...(agentEntryId === null ? {} : { usedEntryId: sql`case when ${matchLogs.feedbackAt} is null and ${matchLogs.noneFitted} is null then coalesce(${matchLogs.usedEntryId}, ${agentEntryId}) else ${matchLogs.usedEntryId} end` }),
      }).where(eq(matchLogs.id, id))
    },
    /** The most recent matches agents settled (feedback, or a consultation they answered with an entry). */
    async settledMatches(limit: number): Promise<SettledMatch[]> {
      return (await db.select({
        question: matchLogs.question, usedEntryId: matchLogs.usedEntryId, noneFitted: matchLogs.noneFitted,
        askedAt: matchLogs.createdAt, topicCode: matchLogs.topicCode,
      }).from(matchLogs)
        .where(or(isNotNull(matchLogs.usedEntryId), eq(matchLogs.noneFitted, true)))
        .orderBy(desc(matchLogs.createdAt)).limit(limit))
        .map((r) => ({ ...r, noneFitted: r.noneFitted ?? false }))
    },
    /** Questions that found nothing, or where the agent said no candidate fitted (D1). */
    async listMisses(page: number, pageSize: number) {
      const cond = or(eq(matchLogs.noneFitted, true), sql`${matchLogs.topEntryId} is null`)
      const items = await db.select({ matchId: matchLogs.id, question: matchLogs.question, topicCode: matchLogs.topicCode, confidence: matchLogs.confidence, noneFitted: matchLogs.noneFitted, createdAt: matchLogs.createdAt })
        .from(matchLogs).where(cond).orderBy(desc(matchLogs.createdAt)).limit(pageSize).offset((page - 1) * pageSize)
      const total = (await first(db.select({ n: count() }).from(matchLogs).where(cond)))!.n
      return { items: items.map((i) => ({ ...i, noneFitted: i.noneFitted ?? false })), total, page, pageSize }
    },

    /** One more hit for the entry and for the question of it that was used. */
    async recordHit(tx: Tx, entryId: number, question: string | null): Promise<void> {
      const now = new Date().toISOString()
      await countHit(tx, entryId, now)
      if (question) {
        await tx.insert(questionHits).values({ entryId, question, hits: 1, lastHitAt: now })
          .onConflictDoUpdate({ target: [questionHits.entryId, questionHits.question], set: { hits: sql`${questionHits.hits} + 1`, lastHitAt: now } })
      }
    },
    /** Takes back a hit counted by recordHit (the last-hit times stay as they are). */
    async undoHit(tx: Tx, entryId: number, question: string | null): Promise<void> {
      await uncountHit(tx, entryId)
      if (question) {
        const where = and(eq(questionHits.entryId, entryId), eq(questionHits.question, question))
        await tx.update(questionHits).set({ hits: sql`${questionHits.hits} - 1` }).where(where)
        await tx.delete(questionHits).where(and(where, sql`${questionHits.hits} <= 0`))
      }
    },
    questionHits: async (entryId: number) => await db.select().from(questionHits).where(eq(questionHits.entryId, entryId)).orderBy(desc(questionHits.hits)),
    entryHitCount: (entryId: number) => entryHitCount(db, entryId),
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>
