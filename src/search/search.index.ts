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
  let builtAt: string | null = null
  let built = false
  let rebuilding: Promise<void> | null = null
  let rebuildAgain = false
  let stopped = false
  const reindexedDuringRebuild = new Set<number>()

  /** Tokens from the cache where they still fit, else cut now; returns the rows to save. */
  function addAll(target: Matcher, docs: MatchDocument[], signature: string): TokenRow[] {
    const cached = repo.entryTokens(docs.map((d) => d.id))
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

  function saveTokens(rows: TokenRow[], prune: boolean) {
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
        const fresh: TokenRow[] = []
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
        // Calibrated on the new index before it serves. Entries taken out for the examples go back
        // with the tokens they were built from (the cache, saved just before).
        const nextCalibration = await decision.calibrate(next, docs, (d) => { addAll(next, [d], signature) })
        matcher = next
        decision.use(nextCalibration)
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

  return {
    rebuild,
    /** Brings these entries up to date in the index: added, replaced, or removed if no longer published. */
    reindex(entryIds: number[]) {
      const ids = [...new Set(entryIds)]
      if (ids.length === 0) return
      applyReindex(ids)
      if (rebuilding) for (const id of ids) reindexedDuringRebuild.add(id)
    },
    /** Starts a rebuild in the background unless none has finished yet, one is running or the service stops; true if it started. */
    rebuildSoon(): boolean {
      if (!built || rebuilding || stopped) return false
      setImmediate(() => { void rebuild().catch((err) => log.error({ err }, 'search rebuild failed')) })
      return true
    },
    /** Resolves when no rebuild is running (tests and the admin API wait on it). */
    async idle() { while (rebuilding) await rebuilding },
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
  }
}

export type SearchIndex = ReturnType<typeof createSearchIndex>
