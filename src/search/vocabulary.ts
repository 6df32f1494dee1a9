// The matcher's vocabulary: synonyms (with related terms, weight below 1) and the policy-term
// dictionary's run-time words. Loaded from their tables for the index, and managed by administrators
// through /api/v1/synonyms and /api/v1/dictionary-terms; each change rebuilds the index, and is
// recorded for the other processes on the database (db/change-log.ts), which reload and rebuild too.
import type { Db } from '../db/client.ts'
import { recordIndexChange } from '../db/change-log.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { compactText, normalizeText } from './normalize.ts'
import type { SearchRepository } from './search.repository.ts'
import { createRelatedTerms, createSynonymRewriter, hiddenRelatedTerms, isSynonym, readStartingSynonyms, soundWordsOf, type SynonymPair } from './synonyms.ts'
import { setRuntimeTerms } from './tokenizer.ts'
import type { RelatedTerms } from './matcher.ts'
import {
  DictionaryTermInvalidError, DictionaryTermNotFoundError, DictionaryTermTakenError,
  SynonymInvalidError, SynonymNotFoundError, SynonymTakenError,
} from './search.errors.ts'

/** Terms are stored as the matcher sees text: normalised, without spaces. */
const asTerm = (s: string) => compactText(normalizeText(s))

interface VocabularyDeps {
  db: Db
  repo: SearchRepository
  /** Starts a rebuild of the index in the background (after a change). */
  rebuild(): void
}

export function createVocabulary({ db, repo, rebuild }: VocabularyDeps) {
  let synonymPairs: SynonymPair[] = []
  let rewrite: (s: string) => string = (s) => s
  let dictionaryWords: string[] = []
  /** canonical → the terms read as it, so highlights also mark 社保 when the query said 社会保险. */
  let variants = new Map<string, string[]>()

  async function loadSynonyms() {
    const pairs: SynonymPair[] = (await repo.listSynonyms()).map((s) => ({ term: s.term, canonical: s.canonical, weight: s.weight }))
    synonymPairs = pairs
    rewrite = createSynonymRewriter(pairs)
    variants = new Map()
    for (const p of pairs.filter(isSynonym)) variants.set(p.canonical, [...(variants.get(p.canonical) ?? []), p.term])
  }

  async function loadDictionary() {
    dictionaryWords = (await repo.listDictionaryTerms()).map((t) => t.term)
    setRuntimeTerms(dictionaryWords)
  }

  const reload = { synonyms: loadSynonyms, dictionary: loadDictionary }
  /**
   * Runs an administrator's change in a transaction (a savepoint of the request's), records it, then
   * reloads what changed (as the transaction sees it) and starts a rebuild in the background.
   */
  const changing = <T>(what: 'synonyms' | 'dictionary', write: () => Promise<T>): Promise<T> => db.transaction(async () => {
    const result = await write()
    recordIndexChange(db, what)
    await reload[what]()
    rebuild()
    return result
  })

  function checkSynonym(term: string, canonical: string) {
    if (!term) throw new SynonymInvalidError('词语规范化后为空')
    if (!canonical) throw new SynonymInvalidError('标准词规范化后为空')
    if (term === canonical) throw new SynonymInvalidError('词语与标准词相同')
  }

  return {
    /** Seeds the starting synonyms (data/synonyms.txt) into an empty table, then loads synonyms and dictionary terms. */
    async load() {
      if (await repo.countSynonyms() === 0) await repo.insertSynonyms(readStartingSynonyms())
      await loadSynonyms()
      await loadDictionary()
    },
    /** Reloads synonyms and dictionary terms as committed (another process changed them); the caller rebuilds. */
    async reload(what: readonly ('synonyms' | 'dictionary')[] = ['synonyms', 'dictionary']) {
      for (const w of what) await reload[w]()
    },
    /** What a matcher made now reads: synonyms as their canonical words, and related terms. */
    forMatcher(): { rewrite: (normalized: string) => string; related: RelatedTerms; soundWords: string[] } {
      return { rewrite, related: createRelatedTerms(synonymPairs), soundWords: [...soundWordsOf(synonymPairs), ...dictionaryWords] }
    },
    /** What entries' tokens depend on here (part of the token cache's key). */
    signature: () => [dictionaryWords, synonymPairs] as const,
    /** The terms read as a canonical word (highlighting). */
    variantsOf: (canonical: string): readonly string[] => variants.get(canonical) ?? [],

    /** Administration, served as the search service's own methods. */
    admin: {
      listSynonyms: async () => ({ items: await repo.listSynonyms() }),
      async createSynonym(input: { term: string; canonical: string; weight?: number }) {
        const term = asTerm(input.term)
        const canonical = asTerm(input.canonical)
        checkSynonym(term, canonical)
        try {
          return await changing('synonyms', () => repo.insertSynonym(term, canonical, input.weight ?? 1))
        } catch (e) {
          if (isUniqueViolation(e)) throw new SynonymTakenError(term)
          throw e
        }
      },
      updateSynonym: (id: number, input: { canonical: string; weight?: number }) => changing('synonyms', async () => {
        const existing = await repo.synonymById(id)
        if (!existing) throw new SynonymNotFoundError(String(id))
        const canonical = asTerm(input.canonical)
        checkSynonym(existing.term, canonical)
        return (await repo.updateSynonym(id, canonical, input.weight))!
      }),
      /**
       * Adds the shipped starting pairs (data/synonyms.txt) whose term the table does not hold: a
       * library seeded by an earlier version gets the words a newer one ships, while every term an
       * administrator added or changed stays as it is. A term an administrator deleted comes back.
       * Answers with the pairs added (counted from the rows inserted, so two administrators at once
       * each get what they added), and the related phrases a synonym now hides (never found: one of
       * the two wants changing).
       */
      async addStartingSynonyms(): Promise<{ added: number; total: number; ids: number[]; terms: string[]; hidden: string[] }> {
        const missingNow = async () => {
          const have = new Set((await repo.listSynonyms()).map((s) => s.term))
          return readStartingSynonyms().filter((p) => !have.has(p.term))
        }
        // Nothing to add: no change recorded and no rebuild.
        if ((await missingNow()).length === 0) return { added: 0, total: await repo.countSynonyms(), ids: [], terms: [], hidden: hiddenRelatedTerms(synonymPairs) }
        return changing('synonyms', async () => {
          const rows = await repo.insertMissingSynonyms(await missingNow())
          const all = await repo.listSynonyms()
          return { added: rows.length, total: all.length, ids: rows.map((r) => r.id), terms: rows.map((r) => r.term), hidden: hiddenRelatedTerms(all) }
        })
      },
      deleteSynonym: (id: number): Promise<void> => changing('synonyms', async () => {
        if (!await repo.deleteSynonym(id)) throw new SynonymNotFoundError(String(id))
      }),

      listDictionaryTerms: async () => ({ items: await repo.listDictionaryTerms() }),
      async addDictionaryTerm(input: { term: string }) {
        const term = asTerm(input.term)
        if ([...term].length < 2) throw new DictionaryTermInvalidError('词条至少 2 个字')
        try {
          return await changing('dictionary', () => repo.insertDictionaryTerm(term))
        } catch (e) {
          if (isUniqueViolation(e)) throw new DictionaryTermTakenError(term)
          throw e
        }
      },
      deleteDictionaryTerm: (id: number): Promise<void> => changing('dictionary', async () => {
        if (!await repo.deleteDictionaryTerm(id)) throw new DictionaryTermNotFoundError(String(id))
      }),
    },
  }
}

export type Vocabulary = ReturnType<typeof createVocabulary>
