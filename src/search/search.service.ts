// The search service other modules use: one facade over the parts, each in its own file:
//   search.index.ts   the index: built at start and on a rebuild, kept current per entry, the token cache
//   decision.ts       the calibration in force and the decision to answer at once
//   match-logs.ts     match logs, feedback, hits, misses, and the settled matches the calibration learns from
//   vocabulary.ts     synonyms and dictionary terms: loaded for the index, administered through the API
//   matcher.ts        the matcher itself (retrieval, features, re-ranking, typeahead)
import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { unitOfWork } from '../db/unit-of-work.ts'
import type { Actor } from '../auth/auth.service.ts'
import { maskText } from '../privacy/privacy.text.ts'
import type { RankedCandidate } from './matcher.ts'
import { loadModel, type RankModel } from './model.ts'
import { indexTerms } from './tokenizer.ts'
import { isEmptyQuestion, normalizeText } from './normalize.ts'
import { highlightRanges } from './highlights.ts'
import { calibrated } from './calibration.ts'
import { FEATURE_INDEX } from './ranker.ts'
import { coherent } from './rerank.ts'
import { createSearchRepository } from './search.repository.ts'
import { createVocabulary } from './vocabulary.ts'
import { createMatchLogs } from './match-logs.ts'
import { createDecision } from './decision.ts'
import { createSearchIndex } from './search.index.ts'
import { withDetails } from '../plugins/errors.ts'
import { primaryDocument } from '../kb/kb.in-force.ts'

/** A match log keeps the first 2,000 characters of a question (a letter runs to 10,000). */
const LOGGED_CHARS = 2000
/** The first `n` characters (code points, so a 𠮷 is never split); the text itself when it is no longer, as nearly every question is. */
const firstChars = (text: string, n: number) => (text.length <= n ? text : Array.from(text).slice(0, n).join(''))
import { EmptyQuestionError, SearchTopicNotFoundError } from './search.errors.ts'

export interface SearchServiceDeps {
  db: Db
  config: Pick<Config, 'matchThreshold' | 'matchMaxWrong'>
  log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>
  /** Defaults to the fitted model shipped in data/model.json (read and checked here, not at import). */
  model?: RankModel
}

export interface MatchInput { question: string; topic?: string | null; limit?: number }

export function createSearchService({ db, config, log, model = loadModel() }: SearchServiceDeps) {
  const repo = createSearchRepository(db)
  // The parts call each other through these closures: each is made before any of them is called.
  // Not awaited by the change that asks for it: a failure (the database gone meanwhile) is logged, never left unhandled.
  const vocabulary = createVocabulary({ db, repo, rebuild: () => { void index.rebuild().catch((err: unknown) => log.error({ err }, 'search rebuild after a vocabulary change failed')) } })
  const logs = createMatchLogs({ db, repo, log, questionOf: (id) => index.entry(id)?.question, refit: () => index.rebuildSoon() })
  const decision = createDecision({ config, log, settled: logs })
  const index = createSearchIndex({ repo, log, model, vocabulary, decision })

  function highlightTerms(c: RankedCandidate): string[] {
    const terms = new Set<string>()
    for (const t of c.terms) {
      if (t.length < 2 && !/^[a-z0-9]$/.test(t)) continue
      terms.add(t)
      for (const v of vocabulary.variantsOf(t)) terms.add(v)
    }
    return [...terms]
  }

  function toCandidate(c: RankedCandidate) {
    const e = index.entry(c.id)!
    const terms = highlightTerms(c)
    const policy = primaryDocument(e.documents)
    return {
      entryId: e.id,
      externalId: e.externalId,
      question: e.question,
      matchedQuestion: c.matchedQuestion,
      matchedSentence: c.matchedSentence,
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

  return {
    ...vocabulary.admin,

    /** Seeds the starting synonyms into an empty table, loads dictionary and synonyms, builds the index. */
    async start() {
      await vocabulary.load()
      await index.rebuild()
    },
    async stop() {
      await logs.flushLogs()
      await index.stop()
    },

    /**
     * Another process changed synonyms or dictionary terms (db/change-log.ts): reloads them and
     * rebuilds; resolves once the rebuilt index serves.
     */
    async vocabularyChanged(what?: readonly ('synonyms' | 'dictionary')[]) {
      await vocabulary.reload(what)
      await index.rebuild()
    },

    rebuild: index.rebuild,
    reindex: index.reindex,
    idle: index.idle,
    status: index.status,

    /**
     * The hot path: the index is in memory and the log is queued, so a match reads the database only
     * for a topic no served entry has. It waits only while reindexes are being applied (a change whose
     * commit was answered is served to the next question).
     */
    async match(input: MatchInput, actor?: Pick<Actor, 'tokenId'>, { log = true }: { log?: boolean } = {}) {
      const applying = index.applying
      if (applying) await applying
      if (input.topic && !index.hasTopic(input.topic) && !await repo.topicExists(input.topic)) throw new SearchTopicNotFoundError(input.topic)
      const limit = Math.min(20, Math.max(1, input.limit ?? 5))
      const { candidates: ranked, normalized, questions, corrections } = index.matcher.match(input.question, { topic: input.topic, limit })
      // The matcher has normalised it already (isEmptyQuestion's rule, without normalising a letter twice per match).
      if (!normalized) throw withDetails(new EmptyQuestionError(), [{ field: 'question', message: '问题不能为空，也不能只有标点或空白' }])
      const cal = decision.current
      // Calibrated, then kept coherent (calibration rescales: five raw 0.1 can come out above 0.2 each).
      const candidates = coherent(ranked.map((c) => ({ ...toCandidate(c), confidence: calibrated(cal, c.confidence) })))
      const top = candidates[0]
      const verbatim = (i: number) => ranked[i] !== undefined && ranked[i].features[FEATURE_INDEX.exact] === 1
      const verdict = decision.decide(input.question, top && { ...top, verbatim: verbatim(0) }, cal, (id) => index.entry(id)?.keywords ?? [], candidates[1] && { ...candidates[1], verbatim: verbatim(1) })
      const matched = verdict.desk
      const matchId = randomUUID()
      if (log) logs.queueLog({
        // Masked without the list of public numbers: a match log is not shown to the public, and
        // this path stays free of the statement that keeps the list current. Masked before it is cut,
        // so that a number across the cut is still masked (a letter runs to 10,000 characters).
        id: matchId, question: firstChars(maskText(input.question), LOGGED_CHARS), topicCode: input.topic ?? null, matched,
        confidence: top?.confidence ?? 0, topEntryId: top?.entryId ?? null,
        candidates: candidates.map((c) => ({ entryId: c.entryId, confidence: c.confidence, matchedQuestion: c.matchedQuestion })),
        tokenId: actor?.tokenId ?? null, createdAt: new Date().toISOString(),
      })
      // On PostgreSQL the id handed out is in the database by the time the answer leaves, so feedback
      // reaching another replica finds it (at once on SQLite). Not inside a transaction (a consultation's
      // intake): its INSERT may wait for a pool connection the caller holds; the intake writes it itself.
      // At most a second: with the database away the answer still goes (its log may then be lost).
      if (log && !unitOfWork(db).current()) await logs.writtenWithin(matchId, 1000)
      return { matchId, matched, matchedAutomatically: verdict.automatic, confidence: top?.confidence ?? 0, decision: verdict.view, candidates, questions, corrections }
    },

    /** A text's content words as written (no stop words, two characters or more), longest first. */
    keyTerms(text: string): string[] {
      const words = new Set(indexTerms(normalizeText(text), 'search').filter((w) => w.length >= 2))
      return [...words].sort((a, b) => b.length - a.length)
    },

    /** What the decision is calibrated on, for the office. */
    calibration: () => decision.current,

    /** Typeahead: entries whose questions start with what the agent is typing. */
    suggest(q: string, opts: { limit?: number; topic?: string | null } = {}) {
      const hits = index.matcher.suggest(q, { limit: Math.min(20, Math.max(1, opts.limit ?? 8)), topic: opts.topic ?? null })
      return {
        items: hits.map((h) => {
          const e = index.entry(h.id)!
          return { entryId: e.id, question: e.question, matchedQuestion: h.matchedQuestion, topic: e.topic, inForce: h.inForce, highlights: highlightRanges(h.matchedQuestion, h.terms) }
        }),
      }
    },

    /** The rule /match refuses a question by (SEARCH_EMPTY_QUESTION), for the intake to refuse it too. */
    isEmptyQuestion,
    feedback: logs.feedback,
    recordHit: logs.recordHit,
    knownMatch: logs.knownMatch,
    listMisses: logs.listMisses,
    questionHits: logs.questionHits,
    /** The served questions of a published entry (standard first), as the index holds them. */
    questionsOf(entryId: number): string[] | undefined {
      const e = index.entry(entryId)
      return e && [e.question, ...e.similarQuestions]
    },
  }
}

export type SearchService = ReturnType<typeof createSearchService>
export type SearchCandidate = Awaited<ReturnType<SearchService['match']>>['candidates'][number]
