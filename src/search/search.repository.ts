import { and, asc, count, desc, eq, inArray, isNotNull, or, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
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

export function createSearchRepository(db: Db) {
  // Match logs are written on the hot path: one prepared statement, many rows per transaction.
  const insertLog = db.$client.prepare(
    `insert into match_logs (id, question, topic_code, matched, confidence, top_entry_id, candidates, token_id, created_at, answered_at, used_entry_id)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertLogs = db.$client.transaction((rows: MatchLogRow[]) => {
    for (const r of rows) {
      insertLog.run(r.id, r.question, r.topicCode, r.matched ? 1 : 0, r.confidence, r.topEntryId, JSON.stringify(r.candidates), r.tokenId, r.createdAt, r.answeredAt ?? null, r.usedEntryId ?? null)
    }
  })

  return {
    /** Published entries with their served version; all of them, or those among `ids`. */
    publishedEntries: (ids?: number[]): PublishedEntry[] => publishedEntries(db, ids),
    /** Entry ids whose served version rests on one of these policy documents. */
    entriesOnDocuments: (documentIds: number[]) => entriesOnDocuments(db, documentIds),
    /** When the entry was first served: its first published version (rows imported without one: the entry's own dates). */
    entryFirstPublishedAt: (id: number) => entryFirstPublishedAt(db, id),
    entryExists: (id: number) => entryExists(db, id),
    topicExists: (code: string) => topicByCode(db, code) !== undefined,

    listSynonyms: () => db.select().from(synonyms).orderBy(asc(synonyms.term)).all(),
    synonymById: (id: number) => db.select().from(synonyms).where(eq(synonyms.id, id)).get(),
    insertSynonym: (term: string, canonical: string, weight = 1) => db.insert(synonyms).values({ term, canonical, weight }).returning().get(),
    insertSynonyms(pairs: { term: string; canonical: string; weight?: number }[]) {
      if (pairs.length) db.insert(synonyms).values(pairs).onConflictDoNothing().run()
    },
    updateSynonym: (id: number, canonical: string, weight?: number) => db.update(synonyms).set(weight === undefined ? { canonical } : { canonical, weight }).where(eq(synonyms.id, id)).returning().get(),
    deleteSynonym: (id: number) => db.delete(synonyms).where(eq(synonyms.id, id)).returning().get(),
    countSynonyms: () => db.select({ n: count() }).from(synonyms).get()!.n,

    listDictionaryTerms: () => db.select().from(dictionaryTerms).orderBy(asc(dictionaryTerms.term)).all(),
    insertDictionaryTerm: (term: string) => db.insert(dictionaryTerms).values({ term }).returning().get(),
    deleteDictionaryTerm: (id: number) => db.delete(dictionaryTerms).where(eq(dictionaryTerms.id, id)).returning().get(),

    /** Cached tokens of these entries, by entry id. */
    entryTokens(ids: number[]): Map<number, { key: string; tokens: string }> {
      const out = new Map<number, { key: string; tokens: string }>()
      for (let i = 0; i < ids.length; i += 500) {
        for (const r of db.select().from(entryTokens).where(inArray(entryTokens.entryId, ids.slice(i, i + 500))).all()) out.set(r.entryId, r)
      }
      return out
    },
    saveEntryTokens(rows: { entryId: number; key: string; tokens: string }[]) {
      if (rows.length === 0) return
      db.transaction((tx) => {
        for (let i = 0; i < rows.length; i += 200) {
          tx.insert(entryTokens).values(rows.slice(i, i + 200))
            .onConflictDoUpdate({ target: entryTokens.entryId, set: { key: sql`excluded.key`, tokens: sql`excluded.tokens` } }).run()
        }
      })
    },
    /** Drops cached tokens of entries that are no longer published. */
    pruneEntryTokens() {
      db.delete(entryTokens).where(sql`${entryTokens.entryId} not in ${publishedEntryIds()}`).run()
    },

    /**
     * Match logs are a record of queries, not of decisions: their batch commits without waiting for
     * the disk (synchronous=NORMAL in WAL mode: never corrupt, but a power cut may lose the last
     * batch), then the connection goes back to FULL for everything else. Nothing else can run
     * between the two pragmas: the connection is used by this one thread, synchronously.
     */
    insertMatchLogs(rows: MatchLogRow[]) {
      if (db.$client.inTransaction) { insertLogs(rows); return }
      db.$client.pragma('synchronous = NORMAL')
      try {
        insertLogs(rows)
      } finally {
        db.$client.pragma('synchronous = FULL')
      }
    },
    matchLog: (tx: Tx, id: string) => tx.select().from(matchLogs).where(eq(matchLogs.id, id)).get(),
    setFeedback(tx: Tx, id: string, feedback: { usedEntryId: number | null; noneFitted: boolean; feedbackHitEntryId?: number; feedbackHitQuestion?: string | null }) {
      tx.update(matchLogs).set({ ...feedback, feedbackAt: new Date().toISOString() }).where(eq(matchLogs.id, id)).run()
    },
    /**
     * A consultation was answered from this match: it holds the hit now, feedback's claim (if any) is
     * settled. An agent's answer also says which entry was right, unless feedback said so already.
     */
    markAnswered(tx: Tx, id: string, at: string, agentEntryId: number | null = null) {
      tx.update(matchLogs).set({
        answeredAt: sql`coalesce(${matchLogs.answeredAt}, ${at})`, feedbackHitEntryId: null, feedbackHitQuestion: null,
        ...(agentEntryId === null ? {} : { usedEntryId: sql`case when ${matchLogs.feedbackAt} is null and ${matchLogs.noneFitted} is null then coalesce(${matchLogs.usedEntryId}, ${agentEntryId}) else ${matchLogs.usedEntryId} end` }),
      }).where(eq(matchLogs.id, id)).run()
    },
    /** The most recent matches agents settled (feedback, or a consultation they answered with an entry). */
    settledMatches(limit: number): SettledMatch[] {
      return db.select({
        question: matchLogs.question, usedEntryId: matchLogs.usedEntryId, noneFitted: matchLogs.noneFitted,
        askedAt: matchLogs.createdAt, topicCode: matchLogs.topicCode,
      }).from(matchLogs)
        .where(or(isNotNull(matchLogs.usedEntryId), eq(matchLogs.noneFitted, true)))
        .orderBy(desc(matchLogs.createdAt)).limit(limit).all()
        .map((r) => ({ ...r, noneFitted: r.noneFitted ?? false }))
    },
    /** Questions that found nothing, or where the agent said no candidate fitted (D1). */
    listMisses(page: number, pageSize: number) {
      const cond = or(eq(matchLogs.noneFitted, true), sql`${matchLogs.topEntryId} is null`)
      const items = db.select({ matchId: matchLogs.id, question: matchLogs.question, topicCode: matchLogs.topicCode, confidence: matchLogs.confidence, noneFitted: matchLogs.noneFitted, createdAt: matchLogs.createdAt })
        .from(matchLogs).where(cond).orderBy(desc(matchLogs.createdAt)).limit(pageSize).offset((page - 1) * pageSize).all()
      const total = db.select({ n: count() }).from(matchLogs).where(cond).get()!.n
      return { items: items.map((i) => ({ ...i, noneFitted: i.noneFitted ?? false })), total, page, pageSize }
    },

    /** One more hit for the entry and for the question of it that was used. */
    recordHit(tx: Tx, entryId: number, question: string | null) {
      const now = new Date().toISOString()
      countHit(tx, entryId, now)
      if (question) {
        tx.insert(questionHits).values({ entryId, question, hits: 1, lastHitAt: now })
          .onConflictDoUpdate({ target: [questionHits.entryId, questionHits.question], set: { hits: sql`${questionHits.hits} + 1`, lastHitAt: now } })
          .run()
      }
    },
    /** Takes back a hit counted by recordHit (the last-hit times stay as they are). */
    undoHit(tx: Tx, entryId: number, question: string | null) {
      uncountHit(tx, entryId)
      if (question) {
        const where = and(eq(questionHits.entryId, entryId), eq(questionHits.question, question))
        tx.update(questionHits).set({ hits: sql`${questionHits.hits} - 1` }).where(where).run()
        tx.delete(questionHits).where(and(where, sql`${questionHits.hits} <= 0`)).run()
      }
    },
    questionHits: (entryId: number) => db.select().from(questionHits).where(eq(questionHits.entryId, entryId)).orderBy(desc(questionHits.hits)).all(),
    entryHitCount: (entryId: number) => entryHitCount(db, entryId),
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>
