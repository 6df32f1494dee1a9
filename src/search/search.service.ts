import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import type { Actor } from '../auth/auth.service.ts'
import { maskText } from '../privacy/privacy.text.ts'
import { createMatcher, type MatchDocument, type Matcher, type RankedCandidate } from './matcher.ts'
import { tokenOptions, type EntryTokens } from './entry-tokens.ts'
import { loadModel, type RankModel } from './model.ts'
import { createRelatedTerms, createSynonymRewriter, isSynonym, readStartingSynonyms, type SynonymPair } from './synonyms.ts'
import { dictionaryPath, indexTerms, POLICY_TERMS_FILE, setRuntimeTerms } from './tokenizer.ts'
import { fromRoot } from '../paths.ts'
import { COLLOQUIAL, FILLERS, normalizeText, STOP_WORDS } from './normalize.ts'
import { highlightRanges } from './highlights.ts'
import { calibrated, feedbackExamples, fitCalibration, libraryExamplesAsync, type Calibration } from './calibration.ts'
import { nearMissGuards, type GuardBlock } from './guards.ts'
import { createSearchRepository, type MatchLogRow, type PublishedEntry } from './search.repository.ts'
import { createAdminData } from './search.admin.ts'
import { withDetails } from '../plugins/errors.ts'
import {
  EmptyQuestionError, FeedbackAlreadyGivenError, FeedbackEntryNotFoundError, MatchNotFoundError, SearchTopicNotFoundError,
} from './search.errors.ts'

export interface SearchServiceDeps {
  db: Db
  config: Pick<Config, 'matchThreshold' | 'matchMaxWrong'>
  log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>
  /** Defaults to the fitted model shipped in data/model.json. */
  model?: RankModel
}

export interface MatchInput { question: string; topic?: string | null; limit?: number }
export type FeedbackInput = { entryId: number; matchedQuestion?: string } | { noneFitted: true }

// Match logs are written in batches, off the request: each commit waits for the disk (synchronous=FULL),
// so one per second rather than one per few requests. A crash loses at most that second of logs
// (never a consultation); feedback and the misses list write pending logs first.
const LOG_BATCH = 1000
const LOG_FLUSH_MS = 1000
const REBUILD_CHUNK = 1000
/** The most recent matches agents settled that the calibration learns from, and how many new ones refit it. */
const FEEDBACK_EXAMPLES = 2000
const REFIT_AFTER = 50

/**
 * Bump when a change to normalize.ts, tokenizer.ts or entry-tokens.ts changes what an entry is cut
 * into: cached tokens from before are then recomputed. (Changes to the data they read — fillers,
 * stop words, dictionary, synonyms, the model's options that cutting reads — are noticed without it.)
 */
const TOKENS_VERSION = 4

const policyTerms = readFileSync(POLICY_TERMS_FILE, 'utf8')
/** Versions of the packages that cut and convert text: an upgrade may cut differently. */
const analyzerPackages = ['nodejieba', 'opencc-js', 'pinyin-pro'].map((name) => {
  try {
    return `${name}@${(JSON.parse(readFileSync(fromRoot('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`
  } catch {
    return `${name}@unknown`
  }
})
const sha1 = (s: string) => createHash('sha1').update(s).digest('base64')

const isInForce = (e: PublishedEntry) => e.documents.length === 0 || e.documents.some((d) => d.validity === 'in_force')

function toDocument(e: PublishedEntry): MatchDocument {
  return { id: e.id, question: e.question, similarQuestions: e.similarQuestions, keywords: e.keywords, answer: e.answer, topicCode: e.topic?.code ?? null, inForce: isInForce(e) }
}

export function createSearchService({ db, config, log, model = loadModel() }: SearchServiceDeps) {
  const repo = createSearchRepository(db)
  let rewrite: (s: string) => string = (s) => s
  let synonymPairs: SynonymPair[] = []
  let dictionaryWords: string[] = []
  /** canonical → the terms read as it, so highlights also mark 社保 when the query said 社会保险. */
  let variants = new Map<string, string[]>()
  let matcher: Matcher = newMatcher()
  // What the serving matcher's tokens depend on, taken when it was made (its synonyms are fixed then):
  // entries reindexed into it are cached under this, not under a signature of later settings.
  let matcherSignature = analyzerSignature()
  let meta = new Map<number, PublishedEntry>()
  let builtAt: string | null = null
  let built = false
  let rebuilding: Promise<void> | null = null
  let rebuildAgain = false
  let calibration: Calibration = fallbackCalibration()
  /** Matches agents settled since the calibration was fitted: REFIT_AFTER of them start a rebuild, which refits it. */
  let settledSinceFit = 0
  let stopped = false
  function settled() {
    settledSinceFit++
    if (settledSinceFit >= REFIT_AFTER && built && !rebuilding && !stopped) { settledSinceFit = 0; setImmediate(() => { void rebuild().catch((err) => log.error({ err }, 'search rebuild failed')) }) }
  }

  /**
   * Before a library has enough similar questions to calibrate on, the shipped model's confidence is
   * used as it is, at the thresholds measured on the public data (0.9 kept wrong answers under 2% on
   * LCQMC); the automatic level stays stricter.
   */
  function fallbackCalibration(): Calibration {
    const c = fitCalibration([], config.matchMaxWrong)
    return pinned({ ...c, thresholds: { desk: 0.9, automatic: 0.95 } })
  }
  /** MATCH_THRESHOLD, when set, pins both levels (on the calibrated probability). */
  function pinned(c: Calibration): Calibration {
    return config.matchThreshold === null ? c : { ...c, thresholds: { desk: config.matchThreshold, automatic: config.matchThreshold }, method: 'pinned' }
  }
  async function calibrate(target: Matcher, docs: MatchDocument[], signature: string): Promise<Calibration> {
    const started = performance.now()
    // Entries go back with the tokens they were built from (the cache, saved just before). The old
    // index keeps serving meanwhile: the examples give the event loop back every few questions.
    const examples = await libraryExamplesAsync(target, docs, { restore: (d) => { addAll(target, [d], signature) } })
    // What agents did with real questions counts beside the library's own examples.
    settledSinceFit = 0
    examples.push(...await feedbackExamples(target, repo.settledMatches(FEEDBACK_EXAMPLES), (id, askedAt) => {
      // Served when it was asked: an entry drafted before but published after could not have been found.
      const published = repo.entryFirstPublishedAt(id)
      return published !== undefined && published <= askedAt
    }))
    const c = fitCalibration(examples, config.matchMaxWrong)
    log.info({ examples: examples.length, feedback: c.examples.feedback, method: c.method, thresholds: c.thresholds, ms: Math.round(performance.now() - started) }, 'match calibration fitted on the library')
    return c.method === 'library' ? pinned(c) : fallbackCalibration()
  }
  const reindexedDuringRebuild = new Set<number>()

  function newMatcher() {
    return createMatcher({ model, rewrite, related: createRelatedTerms(synonymPairs) })
  }

  function loadSynonyms() {
    const pairs: SynonymPair[] = repo.listSynonyms().map((s) => ({ term: s.term, canonical: s.canonical, weight: s.weight }))
    synonymPairs = pairs
    rewrite = createSynonymRewriter(pairs)
    variants = new Map()
    for (const p of pairs.filter(isSynonym)) variants.set(p.canonical, [...(variants.get(p.canonical) ?? []), p.term])
  }

  function loadDictionary() {
    dictionaryWords = repo.listDictionaryTerms().map((t) => t.term)
    setRuntimeTerms(dictionaryWords)
  }

  /** Everything an entry's tokens depend on besides its own texts. */
  function analyzerSignature(): string {
    return sha1(JSON.stringify([
      TOKENS_VERSION, basename(dictionaryPath()), analyzerPackages, policyTerms, dictionaryWords, synonymPairs,
      FILLERS, COLLOQUIAL, [...STOP_WORDS], tokenOptions(model.options),
    ]))
  }
  const tokensKey = (signature: string, d: MatchDocument) => sha1(`${signature}\u0000${JSON.stringify([d.question, d.similarQuestions, d.keywords, d.answer])}`)

  /** Tokens from the cache where they still fit, else cut now; returns the rows to save. */
  function addAll(target: Matcher, docs: MatchDocument[], signature: string): { entryId: number; key: string; tokens: string }[] {
    const cached = repo.entryTokens(docs.map((d) => d.id))
    const fresh: { entryId: number; key: string; tokens: string }[] = []
    for (const doc of docs) {
      const key = tokensKey(signature, doc)
      const row = cached.get(doc.id)
      let tokens: EntryTokens
      if (row && row.key === key) tokens = JSON.parse(row.tokens) as EntryTokens
      else {
        tokens = target.tokenize(doc)
        fresh.push({ entryId: doc.id, key, tokens: JSON.stringify(tokens) })
      }
      target.add(doc, tokens)
    }
    return fresh
  }

  function saveTokens(rows: { entryId: number; key: string; tokens: string }[], prune: boolean) {
    try {
      repo.saveEntryTokens(rows)
      if (prune) repo.pruneEntryTokens()
    } catch (err) {
      // Only a cache: the index is built; the next start cuts these entries again.
      log.warn({ err }, 'search token cache could not be written')
    }
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
        const signature = analyzerSignature()
        const nextMeta = new Map<number, PublishedEntry>()
        const rows = repo.publishedEntries()
        const fresh: { entryId: number; key: string; tokens: string }[] = []
        const docs: MatchDocument[] = []
        let reused = 0
        for (let i = 0; i < rows.length; i += REBUILD_CHUNK) {
          const chunk = rows.slice(i, i + REBUILD_CHUNK)
          const chunkDocs = chunk.map(toDocument)
          docs.push(...chunkDocs)
          const cut = addAll(next, chunkDocs, signature)
          fresh.push(...cut)
          reused += chunk.length - cut.length
          for (const r of chunk) nextMeta.set(r.id, r)
          if (i + REBUILD_CHUNK < rows.length) await new Promise((r) => setImmediate(r))
        }
        saveTokens(fresh, true)
        // Calibrated on the new index before it serves (the examples take entries out and put them back).
        const nextCalibration = await calibrate(next, docs, signature)
        matcher = next
        calibration = nextCalibration
        matcherSignature = signature
        meta = nextMeta
        builtAt = new Date().toISOString()
        built = true
        // (The tokens were saved before the entries that changed meanwhile are read again, so their newer rows win.)
        if (reindexedDuringRebuild.size) applyReindex([...reindexedDuringRebuild])
        log.info({ documents: rows.length, fromCache: reused, ms: Math.round(performance.now() - started) }, 'search index built')
      } while (rebuildAgain)
    })().finally(() => { rebuilding = null })
    return rebuilding
  }

  function applyReindex(ids: number[]) {
    const rows = new Map(repo.publishedEntries(ids).map((r) => [r.id, r]))
    const docs: MatchDocument[] = []
    for (const id of ids) {
      const row = rows.get(id)
      if (row) { docs.push(toDocument(row)); meta.set(id, row) } else { matcher.remove(id); meta.delete(id) }
    }
    saveTokens(addAll(matcher, docs, matcherSignature), false)
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
    // Inside someone's transaction (a consultation's intake matches too) the batch waits for the
    // timer: a rollback there must not take the logs with it.
    if (pendingLogs.length >= LOG_BATCH && !db.$client.inTransaction) flushLogs()
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

  /**
   * The two levels' decisions on the top candidate: calibrated probability against each level's
   * threshold, in force, and no near-miss guard in the way. The reason is said in an agent's words.
   */
  function decide(question: string, top: ReturnType<typeof toCandidate> | undefined, cal: Calibration) {
    const p = top?.confidence ?? 0
    const blockedBy: GuardBlock[] = top && p >= cal.thresholds.desk ? nearMissGuards(top.matchedSentence ?? question, { matchedQuestion: top.matchedQuestion, keywords: meta.get(top.entryId)?.keywords ?? [], answer: top.answer }) : []
    const ok = top !== undefined && top.inForce && blockedBy.length === 0
    const desk = ok && p >= cal.thresholds.desk
    const automatic = ok && p >= cal.thresholds.automatic
    const label: '很可能是' | '可能是' | '不确定' = p >= cal.thresholds.desk ? '很可能是' : p >= 0.5 ? '可能是' : '不确定'
    let reason: string
    if (!top) reason = '问答库中没有相近的条目'
    else if (!top.inForce) reason = '最相近的条目所依据的政策已失效或废止，不能直接答复'
    else if (blockedBy.length) reason = `措辞相近，但${blockedBy.map((b) => b.message).join('；')}`
    else if (desk) {
      const terms = top.highlights.terms.slice(0, 3)
      reason = `与问法“${top.matchedQuestion}”措辞接近${terms.length ? `，关键词“${terms.join('”“')}”一致` : ''}`
    } else reason = `把握不足：估计答对的可能性约 ${Math.round(p * 100)}%，低于直接答复所需的 ${Math.round(cal.thresholds.desk * 100)}%`
    return {
      desk, automatic,
      view: { probability: p, label, reason, blockedBy, thresholds: cal.thresholds, level: automatic ? 'automatic' as const : desk ? 'desk' as const : 'none' as const },
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
      stopped = true
      flushLogs()
      if (rebuilding) await rebuilding
    },

    rebuild,
    reindex,
    /** Resolves when no rebuild is running (tests and the admin API wait on it). */
    async idle() { while (rebuilding) await rebuilding },
    status: () => ({ ok: built, documents: matcher.size, builtAt, rebuilding: rebuilding !== null }),

    match(input: MatchInput, actor?: Pick<Actor, 'tokenId'>, { log = true }: { log?: boolean } = {}) {
      if (input.topic && !repo.topicExists(input.topic)) throw new SearchTopicNotFoundError(input.topic)
      const limit = Math.min(20, Math.max(1, input.limit ?? 5))
      const { candidates: ranked, normalized, questions } = matcher.match(input.question, { topic: input.topic, limit })
      if (!normalized) throw withDetails(new EmptyQuestionError(), [{ field: 'question', message: '问题不能为空，也不能只有标点或空白' }])
      const cal = calibration
      const candidates = ranked.map((c) => ({ ...toCandidate(c), confidence: calibrated(cal, c.confidence) }))
      const top = candidates[0]
      const decision = decide(input.question, top, cal)
      const matched = decision.desk
      const matchId = randomUUID()
      if (log) queueLog({
        // Masked without the list of public numbers: a match log is not shown to the public, and
        // this path stays free of the statement that keeps the list current.
        id: matchId, question: maskText(input.question.slice(0, 2000)), topicCode: input.topic ?? null, matched,
        confidence: top?.confidence ?? 0, topEntryId: top?.entryId ?? null,
        candidates: candidates.map((c) => ({ entryId: c.entryId, confidence: c.confidence, matchedQuestion: c.matchedQuestion })),
        tokenId: actor?.tokenId ?? null, createdAt: new Date().toISOString(),
      })
      return { matchId, matched, matchedAutomatically: decision.automatic, confidence: top?.confidence ?? 0, decision: decision.view, candidates, questions }
    },

    /** A text's content words as written (no stop words, two characters or more), longest first. */
    keyTerms(text: string): string[] {
      const words = new Set(indexTerms(normalizeText(text), 'search').filter((w) => w.length >= 2))
      return [...words].sort((a, b) => b.length - a.length)
    },

    /** What the decision is calibrated on, for the office. */
    calibration: () => calibration,

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

    /**
     * Records which candidate was used, or that none fitted (the misses list and the training signal).
     * It counts a hit only while no consultation has been answered from this match: a consultation
     * answered with an entry is where a use is counted (recordHit), so a client that sends both
     * counts one use once. Feedback given first counts the hit and a later consultation takes it over.
     */
    feedback(matchId: string, input: FeedbackInput) {
      flushLogs()
      return db.transaction((tx) => {
        const logged = repo.matchLog(tx, matchId)
        if (!logged) throw new MatchNotFoundError(matchId)
        if (logged.feedbackAt) throw new FeedbackAlreadyGivenError(matchId)
        if ('noneFitted' in input) {
          repo.setFeedback(tx, matchId, { usedEntryId: null, noneFitted: true })
          settled()
          return { matchId, usedEntryId: null, matchedQuestion: null, noneFitted: true }
        }
        if (!repo.entryExists(input.entryId)) throw new FeedbackEntryNotFoundError(String(input.entryId))
        const matchedQuestion = input.matchedQuestion
          ?? logged.candidates.find((c) => c.entryId === input.entryId)?.matchedQuestion
          ?? meta.get(input.entryId)?.question ?? null
        if (logged.answeredAt) {
          repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false })
        } else {
          repo.setFeedback(tx, matchId, { usedEntryId: input.entryId, noneFitted: false, feedbackHitEntryId: input.entryId, feedbackHitQuestion: matchedQuestion })
          repo.recordHit(tx, input.entryId, matchedQuestion)
        }
        settled()
        return { matchId, usedEntryId: input.entryId, matchedQuestion, noneFitted: false }
      })
    },

    /**
     * Counts a use of an entry: a consultation answered with it, inside the caller's transaction. With
     * the consultation's `matchId`, the match is marked answered so that feedback on it counts nothing
     * more; if feedback on it already counted the hit, that hit stands for this use (moved to this
     * entry when the feedback named another one).
     */
    recordHit(tx: Tx, entryId: number, matchedQuestion?: string | null, matchId?: string | null, byAgent = false) {
      const question = matchedQuestion ?? meta.get(entryId)?.question ?? null
      const now = new Date().toISOString()
      // Still in the batch: no feedback can have been given on it (feedback flushes the batch first).
      // Should the caller's transaction roll back, the mark stays: feedback on the match then counts nothing.
      const pending = matchId ? pendingLogs.find((r) => r.id === matchId) : undefined
      if (pending) { pending.answeredAt ??= now; if (byAgent) pending.usedEntryId ??= entryId }
      const logged = matchId && !pending ? repo.matchLog(tx, matchId) : undefined
      // An agent who answers with an entry has said which one was right: a label for the calibration,
      // when this match has none yet.
      if (byAgent && (pending || (logged && !logged.feedbackAt && logged.usedEntryId === null && !logged.noneFitted))) settled()
      const claimed = logged?.feedbackHitEntryId ?? null
      if (claimed === null) {
        repo.recordHit(tx, entryId, question)
      } else if (claimed !== entryId) {
        repo.undoHit(tx, claimed, logged!.feedbackHitQuestion)
        repo.recordHit(tx, entryId, question)
      }
      if (logged) repo.markAnswered(tx, logged.id, now, byAgent ? entryId : null)
    },

    listMisses(page = 1, pageSize = 20) {
      flushLogs()
      return repo.listMisses(page, pageSize)
    },
    questionHits: (entryId: number) => repo.questionHits(entryId),
    /** The served questions of a published entry (standard first), as the index holds them. */
    questionsOf(entryId: number): string[] | undefined {
      const e = meta.get(entryId)
      return e && [e.question, ...e.similarQuestions]
    },
  }
}

export type SearchService = ReturnType<typeof createSearchService>
export type SearchCandidate = ReturnType<SearchService['match']>['candidates'][number]
