import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import type { Actor } from '../auth/auth.service.ts'
import { maskNumbersInText } from '../common/privacy.ts'
import { createMatcher, type MatchDocument, type Matcher, type RankedCandidate } from './matcher.ts'
import { loadModel, type RankModel } from './ranker.ts'
import { createSynonymRewriter, readStartingSynonyms, type SynonymPair } from './synonyms.ts'
import { setRuntimeTerms } from './tokenizer.ts'
import { highlightRanges } from './highlights.ts'
import { createSearchRepository, type MatchLogRow, type PublishedEntry } from './search.repository.ts'
import { createAdminData } from './search.admin.ts'
import { withDetails } from '../plugins/errors.ts'
import {
  EmptyQuestionError, FeedbackAlreadyGivenError, FeedbackEntryNotFoundError, MatchNotFoundError, SearchTopicNotFoundError,
} from './search.errors.ts'

export interface SearchServiceDeps {
  db: Db
  config: Pick<Config, 'matchThreshold'>
  log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>
  /** Defaults to the fitted model shipped in data/model.json. */
  model?: RankModel
}

export interface MatchInput { question: string; topic?: string | null; limit?: number }
export type FeedbackInput = { entryId: number; matchedQuestion?: string } | { noneFitted: true }

const LOG_BATCH = 200
const LOG_FLUSH_MS = 250
const REBUILD_CHUNK = 1000

const isInForce = (e: PublishedEntry) => e.documents.length === 0 || e.documents.some((d) => d.validity === 'in_force')

function toDocument(e: PublishedEntry): MatchDocument {
  return { id: e.id, question: e.question, similarQuestions: e.similarQuestions, keywords: e.keywords, answer: e.answer, topicCode: e.topic?.code ?? null, inForce: isInForce(e) }
}

export function createSearchService({ db, config, log, model = loadModel() }: SearchServiceDeps) {
  const repo = createSearchRepository(db)
  let rewrite: (s: string) => string = (s) => s
  /** canonical → the terms read as it, so highlights also mark 社保 when the query said 社会保险. */
  let variants = new Map<string, string[]>()
  let matcher: Matcher = newMatcher()
  let meta = new Map<number, PublishedEntry>()
  let builtAt: string | null = null
  let built = false
  let rebuilding: Promise<void> | null = null
  let rebuildAgain = false
  const reindexedDuringRebuild = new Set<number>()

  function newMatcher() {
    return createMatcher({ model, rewrite })
  }

  function loadSynonyms() {
    const pairs: SynonymPair[] = repo.listSynonyms().map((s) => ({ term: s.term, canonical: s.canonical }))
    rewrite = createSynonymRewriter(pairs)
    variants = new Map()
    for (const p of pairs) variants.set(p.canonical, [...(variants.get(p.canonical) ?? []), p.term])
  }

  function loadDictionary() {
    setRuntimeTerms(repo.listDictionaryTerms().map((t) => t.term))
  }

  /** Rebuilds into a new index while the old one serves, yielding between chunks, then swaps. */
  function rebuild(): Promise<void> {
    if (rebuilding) { rebuildAgain = true; return rebuilding }
    rebuilding = (async () => {
      do {
        rebuildAgain = false
        reindexedDuringRebuild.clear()
        const started = performance.now()
        const next = newMatcher()
        const nextMeta = new Map<number, PublishedEntry>()
        const rows = repo.publishedEntries()
        for (let i = 0; i < rows.length; i++) {
          next.add(toDocument(rows[i]))
          nextMeta.set(rows[i].id, rows[i])
          if (i % REBUILD_CHUNK === REBUILD_CHUNK - 1) await new Promise((r) => setImmediate(r))
        }
        matcher = next
        meta = nextMeta
        builtAt = new Date().toISOString()
        built = true
        // Entries that changed while we were reading are read again into the new index.
        if (reindexedDuringRebuild.size) applyReindex([...reindexedDuringRebuild])
        log.info({ documents: rows.length, ms: Math.round(performance.now() - started) }, 'search index built')
      } while (rebuildAgain)
    })().finally(() => { rebuilding = null })
    return rebuilding
  }

  function applyReindex(ids: number[]) {
    const rows = new Map(repo.publishedEntries(ids).map((r) => [r.id, r]))
    for (const id of ids) {
      const row = rows.get(id)
      if (row) { matcher.add(toDocument(row)); meta.set(id, row) } else { matcher.remove(id); meta.delete(id) }
    }
  }

  /** Brings these entries up to date in the index: added, replaced, or removed if no longer published. */
  function reindex(entryIds: number[]) {
    const ids = [...new Set(entryIds)]
    if (ids.length === 0) return
    applyReindex(ids)
    if (rebuilding) for (const id of ids) reindexedDuringRebuild.add(id)
  }

  // Match logs are batched: one transaction per LOG_BATCH rows or per LOG_FLUSH_MS.
  let pendingLogs: MatchLogRow[] = []
  let flushTimer: NodeJS.Timeout | null = null
  function flushLogs() {
    if (flushTimer) { clearTimeout(flushTimer); flushTimer = null }
    if (pendingLogs.length === 0) return
    const rows = pendingLogs
    pendingLogs = []
    try {
      repo.insertMatchLogs(rows)
    } catch (err) {
      log.error({ err, rows: rows.length }, 'match logs could not be written')
    }
  }
  function queueLog(row: MatchLogRow) {
    pendingLogs.push(row)
    if (pendingLogs.length >= LOG_BATCH) flushLogs()
    else if (!flushTimer) { flushTimer = setTimeout(flushLogs, LOG_FLUSH_MS); flushTimer.unref() }
  }

  function highlightTerms(c: RankedCandidate): string[] {
    const terms = new Set<string>()
    for (const t of c.terms) {
      if (t.length < 2 && !/^[a-z0-9]$/.test(t)) continue
      terms.add(t)
      for (const v of variants.get(t) ?? []) terms.add(v)
    }
    return [...terms]
  }

  function toCandidate(c: RankedCandidate) {
    const e = meta.get(c.id)!
    const terms = highlightTerms(c)
    const policy = e.documents.find((d) => d.validity === 'in_force') ?? e.documents[0] ?? null
    return {
      entryId: e.id,
      externalId: e.externalId,
      question: e.question,
      matchedQuestion: c.matchedQuestion,
      answer: e.answer,
      topic: e.topic,
      unit: e.unit,
      policy,
      inForce: c.doc.inForce,
      score: c.score,
      confidence: c.confidence,
      highlights: { terms, question: highlightRanges(c.matchedQuestion, terms), answer: highlightRanges(e.answer, terms) },
    }
  }

  const admin = createAdminData({ db, repo, reload: { synonyms: loadSynonyms, dictionary: loadDictionary }, rebuild: () => { void rebuild() } })

  return {
    ...admin,

    /** Seeds the starting synonyms into an empty table, loads dictionary and synonyms, builds the index. */
    async start() {
      if (repo.countSynonyms() === 0) repo.insertSynonyms(readStartingSynonyms())
      loadSynonyms()
      loadDictionary()
      await rebuild()
    },
    async stop() {
      flushLogs()
      if (rebuilding) await rebuilding
    },

    rebuild,
    reindex,
    /** Resolves when no rebuild is running (tests and the admin API wait on it). */
    async idle() { while (rebuilding) await rebuilding },
    status: () => ({ ok: built, documents: matcher.size, builtAt, rebuilding: rebuilding !== null }),

    match(input: MatchInput, actor?: Pick<Actor, 'tokenId'>) {
      if (input.topic && !repo.topicExists(input.topic)) throw new SearchTopicNotFoundError(input.topic)
      const limit = Math.min(20, Math.max(1, input.limit ?? 5))
      const { candidates: ranked, normalized } = matcher.match(input.question, { topic: input.topic, limit })
      if (!normalized) throw withDetails(new EmptyQuestionError(), [{ field: 'question', message: '问题不能为空，也不能只有标点或空白' }])
      const candidates = ranked.map(toCandidate)
      const top = candidates[0]
      const matched = top !== undefined && top.inForce && top.confidence >= config.matchThreshold
      const matchId = randomUUID()
      queueLog({
        id: matchId, question: maskNumbersInText(input.question.slice(0, 2000)), topicCode: input.topic ?? null, matched,
        confidence: top?.confidence ?? 0, topEntryId: top?.entryId ?? null,
        candidates: candidates.map((c) => ({ entryId: c.entryId, confidence: c.confidence, matchedQuestion: c.matchedQuestion })),
        tokenId: actor?.tokenId ?? null, createdAt: new Date().toISOString(),
      })
      return { matchId, matched, confidence: top?.confidence ?? 0, candidates }
    },

    /** Typeahead: entries whose questions start with what the agent is typing. */
    suggest(q: string, opts: { limit?: number; topic?: string | null } = {}) {
      const hits = matcher.suggest(q, { limit: Math.min(20, Math.max(1, opts.limit ?? 8)), topic: opts.topic ?? null })
      return {
        items: hits.map((h) => {
          const e = meta.get(h.id)!
          return { entryId: e.id, question: e.question, matchedQuestion: h.matchedQuestion, topic: e.topic, inForce: h.inForce, highlights: highlightRanges(h.matchedQuestion, h.terms) }
        }),
      }
    },

    feedback(matchId: string, input: FeedbackInput) {
      flushLogs()
      const logged = repo.matchLog(matchId)
      if (!logged) throw new MatchNotFoundError(matchId)
      if (logged.feedbackAt) throw new FeedbackAlreadyGivenError(matchId)
      if ('noneFitted' in input) {
        repo.setFeedback(db, matchId, { usedEntryId: null, noneFitted: true })
        return { matchId, usedEntryId: null, matchedQuestion: null, noneFitted: true }
      }
      if (!repo.entryExists(input.entryId)) throw new FeedbackEntryNotFoundError(String(input.entryId))
      const matchedQuestion = input.matchedQuestion
        ?? logged.candidates.find((c) => c.entryId === input.entryId)?.matchedQuestion
        ?? meta.get(input.entryId)?.question ?? null
      db.transaction((tx) => {
        repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false })
        repo.recordHit(tx, input.entryId, matchedQuestion)
      })
      return { matchId, usedEntryId: input.entryId, matchedQuestion, noneFitted: false }
    },

    /** Counts a use of an entry (a consultation answered with it), inside the caller's transaction. */
    recordHit(tx: Tx, entryId: number, matchedQuestion?: string | null) {
      repo.recordHit(tx, entryId, matchedQuestion ?? meta.get(entryId)?.question ?? null)
    },

    listMisses(page = 1, pageSize = 20) {
      flushLogs()
      return repo.listMisses(page, pageSize)
    },
    questionHits: (entryId: number) => repo.questionHits(entryId),
  }
}

export type SearchService = ReturnType<typeof createSearchService>
