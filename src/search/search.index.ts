// The index the service matches against: built from the published entries at start and on a
// rebuild (in chunks, into a new matcher while the old one serves, then swapped), and kept current
// entry by entry (reindex). What jieba, OpenCC and pinyin make of an entry is kept in the token
// cache (table search_entry_tokens), so a restart cuts only the entries that changed.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { fromRoot } from '../paths.ts'
import { createMatcher, type MatchDocument, type Matcher } from './matcher.ts'
import { tokenOptions, type EntryTokens } from './entry-tokens.ts'
import type { RankModel } from './model.ts'
import { COLLOQUIAL, FILLERS, STOP_WORDS } from './normalize.ts'
import { dictionaryPath, POLICY_TERMS_FILE } from './tokenizer.ts'
import type { PublishedEntry, SearchRepository } from './search.repository.ts'
import type { Vocabulary } from './vocabulary.ts'
import type { Decision } from './decision.ts'
import { isInForce } from '../kb/kb.in-force.ts'
import { outsideTransactions } from '../db/unit-of-work.ts'

const REBUILD_CHUNK = 1000


/**
 * Bump when a change to normalize.ts, tokenizer.ts or entry-tokens.ts changes what an entry is cut
 * into: cached tokens from before are then recomputed. (Changes to the data they read — fillers,
 * stop words, dictionary, synonyms, the model's options that cutting reads — are noticed without it.)
 */
const TOKENS_VERSION = 4

/** Versions of the packages that cut and convert text: an upgrade may cut differently. */
function analyzerPackages(): string[] {
  return ['nodejieba', 'opencc-js', 'pinyin-pro'].map((name) => {
    try {
      return `${name}@${(JSON.parse(readFileSync(fromRoot('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`
    } catch {
      return `${name}@unknown`
    }
  })
}

const sha1 = (s: string) => createHash('sha1').update(s).digest('base64')

// In force by the kb's one rule (kb.in-force.ts): an entry on lapsed documents only is never answered at once.
function toDocument(e: PublishedEntry): MatchDocument {
  return { id: e.id, question: e.question, similarQuestions: e.similarQuestions, keywords: e.keywords, answer: e.answer, topicCode: e.topic?.code ?? null, inForce: isInForce(e.documents.map((d) => d.validity)) }
}

type TokenRow = { entryId: number; key: string; tokens: string }

export interface SearchIndexDeps {
  repo: SearchRepository
  log: Pick<FastifyBaseLogger, 'info' | 'error' | 'warn'>
  model: RankModel
  vocabulary: Vocabulary
  decision: Decision
}

export function createSearchIndex({ repo, log, model, vocabulary, decision }: SearchIndexDeps) {
  // Read when the service is made, not when the module is imported.
  const policyTerms = readFileSync(POLICY_TERMS_FILE, 'utf8')
  const packages = analyzerPackages()

  /** Everything an entry's tokens depend on besides its own texts. */
  function analyzerSignature(): string {
    return sha1(JSON.stringify([
      TOKENS_VERSION, basename(dictionaryPath()), packages, policyTerms, ...vocabulary.signature(),
      FILLERS, COLLOQUIAL, [...STOP_WORDS], tokenOptions(model.options),
    ]))
  }
  const tokensKey = (signature: string, d: MatchDocument) => sha1(`${signature}\u0000${JSON.stringify([d.question, d.similarQuestions, d.keywords, d.answer])}`)

  const newMatcher = () => createMatcher({ model, ...vocabulary.forMatcher() })

  let matcher: Matcher = newMatcher()
  // What the serving matcher's tokens depend on, taken when it was made (its synonyms are fixed then):
  // entries reindexed into it are cached under this, not under a signature of later settings.
  let matcherSignature = analyzerSignature()
  let meta = new Map<number, PublishedEntry>()
  /** How many served entries each topic code has: a match names a topic, and most name one that has entries. */
  let topicCounts = new Map<string, number>()
  const countTopic = (counts: Map<string, number>, e: PublishedEntry | undefined, by: number) => {
    const code = e?.topic?.code
    if (!code) return
    const n = (counts.get(code) ?? 0) + by
    if (n > 0) counts.set(code, n)
    else counts.delete(code)
  }
  let builtAt: string | null = null
  let built = false
  let rebuilding: Promise<void> | null = null
  let rebuildAgain = false
  let stopped = false
  const reindexedDuringRebuild = new Set<number>()

  /** Tokens from `cached` where they still fit, else cut now; returns the rows to save. */
  function addCached(target: Matcher, docs: MatchDocument[], signature: string, cached: Map<number, { key: string; tokens: string }>): TokenRow[] {
    const fresh: TokenRow[] = []
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

  /** Tokens from the cache where they still fit, else cut now; returns the rows to save. */
  async function addAll(target: Matcher, docs: MatchDocument[], signature: string): Promise<TokenRow[]> {
    return addCached(target, docs, signature, await repo.entryTokens(docs.map((d) => d.id)))
  }

  async function saveTokens(rows: TokenRow[], prune: boolean): Promise<void> {
    try {
      await repo.saveEntryTokens(rows)
      if (prune) await repo.pruneEntryTokens()
    } catch (err) {
      // Only a cache: the index is built; the next start cuts these entries again.
      log.warn({ err }, 'search token cache could not be written')
    }
  }

  /**
   * Rebuilds into a new index while the old one serves, yielding between chunks, then swaps. It runs
   * outside the caller's transaction (it reads what is committed, and goes on after the caller is
   * done): a caller inside a transaction does not wait for it, as its token cache waits for the writer.
   */
  function rebuild(): Promise<void> {
    if (rebuilding) { rebuildAgain = true; return rebuilding }
    rebuilding = outsideTransactions(async () => {
      do {
        rebuildAgain = false
        reindexedDuringRebuild.clear()
        const started = performance.now()
        const next = newMatcher()
        const signature = analyzerSignature()
        const nextMeta = new Map<number, PublishedEntry>()
        const nextTopics = new Map<string, number>()
        const rows = await repo.publishedEntries()
        const fresh: TokenRow[] = []
        const docs: MatchDocument[] = []
        let reused = 0
        for (let i = 0; i < rows.length; i += REBUILD_CHUNK) {
          const chunk = rows.slice(i, i + REBUILD_CHUNK)
          const chunkDocs = chunk.map(toDocument)
          docs.push(...chunkDocs)
          const cut = await addAll(next, chunkDocs, signature)
          fresh.push(...cut)
          reused += chunk.length - cut.length
          for (const r of chunk) { nextMeta.set(r.id, r); countTopic(nextTopics, r, 1) }
          if (i + REBUILD_CHUNK < rows.length) await new Promise((r) => setImmediate(r))
        }
        await saveTokens(fresh, true)
        // Calibrated on the new index before it serves. Entries taken out for the examples go back
        // with the tokens they were built from (the cache, saved just before).
        const nextCalibration = await decision.calibrate(next, docs, async (d) => { await addAll(next, [d], signature) })
        // The swap and the entries that changed meanwhile, in the reindex queue: a match waits for both.
        const changed = await enqueue(async () => {
          matcher = next
          decision.use(nextCalibration)
          matcherSignature = signature
          meta = nextMeta
          topicCounts = nextTopics
          builtAt = new Date().toISOString()
          built = true
          return reindexedDuringRebuild.size ? applyReindex([...reindexedDuringRebuild]) : []
        })
        // (The tokens were saved before the entries that changed meanwhile are read again, so their newer rows win.)
        await saveTokens(changed, false)
        log.info({ documents: rows.length, fromCache: reused, ms: Math.round(performance.now() - started) }, 'search index built')
      } while (rebuildAgain)
    }).finally(() => { rebuilding = null })
    return rebuilding
  }

  /** Reads these entries and brings the serving index up to date; returns the token rows to save. */
  async function applyReindex(ids: number[]): Promise<TokenRow[]> {
    const rows = new Map((await repo.publishedEntries(ids)).map((r) => [r.id, r]))
    const cached = await repo.entryTokens([...rows.keys()])
    // From here on synchronous: the entries go into the matcher serving now.
    const docs: MatchDocument[] = []
    for (const id of ids) {
      const row = rows.get(id)
      countTopic(topicCounts, meta.get(id), -1)
      if (row) { docs.push(toDocument(row)); meta.set(id, row); countTopic(topicCounts, row, 1) } else { matcher.remove(id); meta.delete(id) }
    }
    return addCached(matcher, docs, matcherSignature, cached)
  }

  // Reindexes (and a rebuild's swap) apply one after another, in the order asked: a later one reads a later commit.
  let applying: Promise<unknown> = Promise.resolve()
  let applyingCount = 0
  const saving = new Set<Promise<void>>()
  function enqueue<T>(job: () => Promise<T>): Promise<T> {
    applyingCount++
    const done = applying.then(job).finally(() => { applyingCount-- })
    applying = done.catch(() => undefined)
    return done
  }

  return {
    rebuild,
    /**
     * Brings these entries up to date in the index: added, replaced, or removed if no longer
     * published. Resolves once they are served as they are now and their tokens are cached.
     */
    reindex(entryIds: number[]): Promise<void> {
      const ids = [...new Set(entryIds)]
      if (ids.length === 0) return Promise.resolve()
      if (rebuilding) for (const id of ids) reindexedDuringRebuild.add(id)
      const saved = enqueue(() => applyReindex(ids)).then((rows) => saveTokens(rows, false))
      const tracked = saved.catch(() => undefined).finally(() => saving.delete(tracked))
      saving.add(tracked)
      return saved
    },
    /**
     * While reindexes are being applied, resolves once the index serves them (their token cache is
     * not waited for); otherwise null. A match waits on it, so that a change whose commit was
     * answered is served to the next question.
     */
    get applying(): Promise<unknown> | null { return applyingCount > 0 ? applying : null },
    /** Starts a rebuild in the background unless none has finished yet, one is running or the service stops; true if it started. */
    rebuildSoon(): boolean {
      if (!built || rebuilding || stopped) return false
      setImmediate(() => { void rebuild().catch((err: unknown) => log.error({ err }, 'search rebuild failed')) })
      return true
    },
    /** Resolves when no rebuild or reindex is running (tests and the admin API wait on it). */
    async idle() {
      while (rebuilding || applyingCount > 0 || saving.size > 0) {
        await rebuilding
        await applying
        await Promise.all([...saving])
      }
    },
    /** No more rebuilds start; waits for a running one. */
    async stop() {
      stopped = true
      if (rebuilding) await rebuilding
    },
    status: () => ({ ok: built, documents: matcher.size, builtAt, rebuilding: rebuilding !== null }),
    /** The matcher serving now (replaced by each rebuild). */
    get matcher() { return matcher },
    /** A published entry in the index, with what a candidate shows. */
    entry: (id: number): PublishedEntry | undefined => meta.get(id),
    /** Whether a served entry in the index has this topic (then the topic exists). */
    hasTopic: (code: string): boolean => topicCounts.has(code),
  }
}

export type SearchIndex = ReturnType<typeof createSearchIndex>
