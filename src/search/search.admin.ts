import type { Db } from '../db/client.ts'
import { compactText, normalizeText } from './normalize.ts'
import type { SearchRepository } from './search.repository.ts'
import {
  DictionaryTermInvalidError, DictionaryTermNotFoundError, DictionaryTermTakenError,
  SynonymInvalidError, SynonymNotFoundError, SynonymTakenError,
} from './search.errors.ts'

const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'

/** Terms are stored as the matcher sees text: normalised, without spaces. */
const asTerm = (s: string) => compactText(normalizeText(s))

interface AdminDeps {
  db: Db
  repo: SearchRepository
  reload: { synonyms(): void; dictionary(): void }
  /** Starts a rebuild of the index in the background. */
  rebuild(): void
}

/** Synonyms and the policy-term dictionary, managed by administrators; each change rebuilds the index. */
export function createAdminData({ repo, reload, rebuild }: AdminDeps) {
  const changed = (what: 'synonyms' | 'dictionary') => { reload[what](); rebuild() }

  function checkSynonym(term: string, canonical: string) {
    if (!term) throw new SynonymInvalidError('词语规范化后为空')
    if (!canonical) throw new SynonymInvalidError('标准词规范化后为空')
    if (term === canonical) throw new SynonymInvalidError('词语与标准词相同')
  }

  return {
    listSynonyms: () => ({ items: repo.listSynonyms() }),
    createSynonym(input: { term: string; canonical: string; weight?: number }) {
      const term = asTerm(input.term)
      const canonical = asTerm(input.canonical)
      checkSynonym(term, canonical)
      try {
        const row = repo.insertSynonym(term, canonical, input.weight ?? 1)
        changed('synonyms')
        return row
      } catch (e) {
        if (isUniqueViolation(e)) throw new SynonymTakenError(term)
        throw e
      }
    },
    updateSynonym(id: number, input: { canonical: string; weight?: number }) {
      const existing = repo.synonymById(id)
      if (!existing) throw new SynonymNotFoundError(String(id))
      const canonical = asTerm(input.canonical)
      checkSynonym(existing.term, canonical)
      const row = repo.updateSynonym(id, canonical, input.weight)!
      changed('synonyms')
      return row
    },
    deleteSynonym(id: number) {
      if (!repo.deleteSynonym(id)) throw new SynonymNotFoundError(String(id))
      changed('synonyms')
    },

    listDictionaryTerms: () => ({ items: repo.listDictionaryTerms() }),
    addDictionaryTerm(input: { term: string }) {
      const term = asTerm(input.term)
      if ([...term].length < 2) throw new DictionaryTermInvalidError('词条至少 2 个字')
      try {
        const row = repo.insertDictionaryTerm(term)
        changed('dictionary')
        return row
      } catch (e) {
        if (isUniqueViolation(e)) throw new DictionaryTermTakenError(term)
        throw e
      }
    },
    deleteDictionaryTerm(id: number) {
      if (!repo.deleteDictionaryTerm(id)) throw new DictionaryTermNotFoundError(String(id))
      changed('dictionary')
    },
  }
}
