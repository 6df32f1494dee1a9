// Texts as the matcher compares them. A question of an entry, or a query, is held as its words,
// characters, bigrams and pinyin bigrams in sorted arrays of distinct numbers (features.ts compares
// those without allocating): words and syllables are interned per matcher. Also the document
// frequencies of the questions' words, for IDF weights.
import { STOP_WORDS, compactText, normalizeText } from './normalize.ts'
import { createMemo, cutWords, type CutMode } from './tokenizer.ts'
import { bigramCodes, charBigrams, charCodes, isNegated, numbersIn, piecesOf, sortedDistinct, substringMatcher } from './features.ts'
import { syllables } from './entry-tokens.ts'
import type { Correction } from './sound-lexicon.ts'
import type { Associations } from './associations.ts'
import type { MatchDocument, RelatedTerms } from './matcher.ts'

export interface PreparedText {
  text: string // compact normalised text
  words: number[] // every word, ids, sorted distinct
  terms: number[] // words that are not stop words, ids, sorted distinct
  bigrams: number[]
  chars: number[]
  pinyin: number[] | null
  negated: boolean
  numbers: string
}

export interface PreparedQuery extends PreparedText {
  termStrings: string[] // distinct words that are not stop words
  bigramStrings: string[]
  /** Common substrings of the query's text with another text. */
  substrings: ReturnType<typeof substringMatcher>
  /** The non-stop words and the bigrams as pieces of the compact text (answer features). */
  termPieces: ReturnType<typeof piecesOf>
  bigramPieces: ReturnType<typeof piecesOf>
  /** Toneless syllable bigrams, for the pinyin view. */
  soundGrams: string[]
  /** Official words the query's everyday phrases stand close to, with their weights (retrieval only). */
  relatedWords: { word: string; weight: number }[]
  /** The same words, each once at its highest weight, highest first (re-ranking). */
  relatedByWeight: { word: string; weight: number }[]
  relatedGrams: { gram: string; weight: number }[]
  /** Homophone typos read as the library's words (婚因 → 婚姻), in the order found. */
  corrections: Correction[]
  /**
   * The query's words with learned associations among the library's words (associations.ts): the
   * word's id (-1 if no entry holds it), and its associates' ids, sorted, with their strengths.
   * Only for a query shorter than a letter (a caller's question, a letter's shorter sentences).
   */
  associated: { id: number; partners: number[]; strengths: number[] }[]
}

export interface PreparedEntry {
  doc: MatchDocument
  questions: PreparedText[] // [standard, ...similar], blank ones left out
  questionTexts: string[] // the same questions as written
  plainTexts: string[] // the same, normalised and compact but without synonyms (typeahead compares them)
  answer: string // compact normalised start of the answer
  qTerms: Int32Array // word ids of the questions and keywords, for document frequencies
}

/** Syllable bigrams as strings ("deng ji"); a one-syllable text is its own. */
export function syllableBigrams(syl: readonly string[]): string[] {
  if (syl.length === 1) return [syl[0]]
  const out: string[] = []
  for (let i = 0; i + 1 < syl.length; i++) out.push(`${syl[i]} ${syl[i + 1]}`)
  return out
}

/**
 * Interns strings as small integers. A string seen only in a query gets a fresh negative number
 * instead, so queries never grow the table and never match a stored id.
 */
function createInterner() {
  const ids = new Map<string, number>()
  let strings: string[] = ['']
  return {
    intern(s: string): number {
      let id = ids.get(s)
      if (id === undefined) { id = ids.size + 1; ids.set(s, id); strings.push(s) }
      return id
    },
    lookup: (s: string): number | undefined => ids.get(s),
    /** The string of a stored id. */
    stringOf: (id: number): string | undefined => (id > 0 ? strings[id] : undefined),
    clear: () => { ids.clear(); strings = [''] },
    get size() { return ids.size },
  }
}

export interface TextPreparerOptions {
  cutMode: CutMode
  pinyin: boolean
  rewrite: (normalized: string) => string
  related: RelatedTerms
  /** Reads homophone typos in a normalised query as the library's words (sound-lexicon.ts); none if absent. */
  correct?: (normalized: string) => { text: string; corrections: Correction[] }
  /** Learned word associations (the re-ranker's `assoc`); none if absent. */
  associations?: Associations
}

/** Prepares entries' questions (interning their words) and queries (memoised, never interning). */
export function createTextPreparer({ cutMode, pinyin: usePinyin, rewrite, related, correct, associations }: TextPreparerOptions) {
  const vocabulary = createInterner()
  const syllableIds = createInterner()

  const prepare = (raw: string) => rewrite(normalizeText(raw))

  /** Words as ids: interned when stored, looked up (fresh negatives if unknown) for a query. */
  function wordIds(words: readonly string[], store: boolean): { all: number[]; terms: number[] } {
    let fresh = 0
    const id = (w: string) => (store ? vocabulary.intern(w) : vocabulary.lookup(w) ?? --fresh)
    const seen = new Map<string, number>()
    const all: number[] = []
    const terms: number[] = []
    for (const w of words) {
      if (seen.has(w)) continue
      const i = id(w)
      seen.set(w, i)
      all.push(i)
      if (!STOP_WORDS.has(w)) terms.push(i)
    }
    all.sort((a, b) => a - b)
    terms.sort((a, b) => a - b)
    return { all, terms }
  }

  /** Pinyin syllable bigrams as numbers; a one-syllable text is its own. */
  function pinyinCodes(syl: readonly string[], store: boolean): number[] {
    let fresh = 0
    const id = (x: string) => (store ? syllableIds.intern(x) : syllableIds.lookup(x) ?? --fresh)
    const ids = syl.map(id)
    const out: number[] = []
    // Unknown syllables only come from queries; a bigram with one can match nothing, but still counts.
    for (let i = 0; i + 1 < ids.length; i++) out.push(ids[i] < 0 || ids[i + 1] < 0 ? -1e15 + --fresh : ids[i] * 1048576 + ids[i + 1])
    if (ids.length === 1) out.push(ids[0] < 0 ? -1e15 + --fresh : ids[0] * 1048576 + 1048575)
    return sortedDistinct(out)
  }

  function prepareText(text: string, words: readonly string[], syl: readonly string[] | null, store: boolean): PreparedText {
    const compact = compactText(text)
    const { all, terms } = wordIds(words, store)
    return {
      text: compact, words: all, terms, bigrams: bigramCodes(compact), chars: charCodes(compact),
      pinyin: syl ? pinyinCodes(syl, store) : null, negated: isNegated(compact), numbers: numbersIn(compact),
    }
  }

  /** A query word's associates that some entry holds, as ids sorted, with their strengths. */
  function associatedOf(termStrings: readonly string[]): PreparedQuery['associated'] {
    const out: PreparedQuery['associated'] = []
    if (!associations || associations.size === 0) return out
    for (const w of termStrings) {
      const partners = associations.get(w)
      if (!partners) continue
      const found: [id: number, strength: number][] = []
      for (const [p, strength] of partners) { const id = vocabulary.lookup(p); if (id !== undefined) found.push([id, strength]) }
      if (found.length === 0) continue
      found.sort((a, b) => a[0] - b[0])
      out.push({ id: vocabulary.lookup(w) ?? -1, partners: found.map((f) => f[0]), strengths: found.map((f) => f[1]) })
    }
    return out
  }

  const queryMemo = createMemo<{ normalized: string; prepared: PreparedQuery; searchTerms: string[] }>()
  /** A related term's official words and bigrams, cut once (a letter names dozens of everyday phrases). */
  const targetMemo = createMemo<{ words: string[]; grams: string[] }>()
  /**
   * A query as the features compare it. `sounds: false` leaves out its pinyin: retrieval reads a part
   * of LETTER_CHARS or more (a letter's body, a long sentence of it) without, where the pinyin was a
   * sixth of preparing it and its hundreds of syllable bigrams, with long posting lists, a tenth of
   * its retrieval, for the same R@1 (docs/matching.md). Homophone typos (登计, 医宝) are looked for in
   * a caller's question and a letter's shorter sentences. `typos` (with `sounds`) also reads them as
   * the library's words (sound-lexicon.ts): done for a question read whole, which an agent typed in
   * a hurry; a letter's sentences were written at leisure, and it would cost letters 2 ms at p99.
   */
  function prepareQuery(question: string, { sounds = true, typos = sounds }: { sounds?: boolean; typos?: boolean } = {}) {
    return queryMemo.get(`${sounds ? '' : '\u0000'}${typos ? '' : '\u0001'}${question}`, () => {
      const read = correct && usePinyin && sounds && typos ? correct(normalizeText(question)) : null
      const normalized = read ? rewrite(read.text) : prepare(question)
      const words = cutWords(normalized, cutMode)
      const compact = compactText(normalized)
      const termStrings = [...new Set(words.filter((w) => !STOP_WORDS.has(w)))]
      const bigramStrings = [...charBigrams(compact)]
      const syl = usePinyin && sounds ? syllables(compact) : null
      const relatedWords: PreparedQuery['relatedWords'] = []
      const relatedGrams: PreparedQuery['relatedGrams'] = []
      const found = related(normalized)
      // Sets, not the arrays: a letter holds hundreds of bigrams and names dozens of everyday phrases.
      const ownTerms = found.length ? new Set(termStrings) : null
      const ownGrams = found.length ? new Set(bigramStrings) : null
      for (const r of found) {
        const target = targetMemo.get(r.target, () => {
          const compactTarget = compactText(prepare(r.target))
          return { words: cutWords(compactTarget, cutMode).filter((w) => !STOP_WORDS.has(w)), grams: [...charBigrams(compactTarget)] }
        })
        for (const w of target.words) if (!ownTerms!.has(w)) relatedWords.push({ word: w, weight: r.weight })
        for (const g of target.grams) if (!ownGrams!.has(g)) relatedGrams.push({ gram: g, weight: r.weight })
      }
      // Each related word once, at its highest weight, highest first: the re-ranker wants the strongest one an entry holds.
      const strongest = new Map<string, number>()
      for (const r of relatedWords) if (r.weight > (strongest.get(r.word) ?? 0)) strongest.set(r.word, r.weight)
      const relatedByWeight = [...strongest].map(([word, weight]) => ({ word, weight })).sort((a, b) => b.weight - a.weight)
      const prepared: PreparedQuery = {
        ...prepareText(normalized, words, syl, false),
        termStrings, bigramStrings, substrings: substringMatcher(compact),
        termPieces: piecesOf(compact, termStrings), bigramPieces: piecesOf(compact, bigramStrings),
        soundGrams: syl ? [...new Set(syllableBigrams(syl))] : [], relatedWords, relatedByWeight, relatedGrams,
        corrections: read?.corrections ?? [],
        associated: sounds ? associatedOf(termStrings) : [],
      }
      // A query of stop words only ("是什么") still searches with what it has.
      const searchTerms = prepared.termStrings.length ? prepared.termStrings : [...new Set(words)]
      return { normalized, prepared, searchTerms }
    })
  }

  return {
    /** Normalised, synonyms read. */
    prepare,
    /** An entry's text, its words and syllables interned. */
    prepareEntryText: (text: string, words: readonly string[], syl: readonly string[] | null) => prepareText(text, words, syl, true),
    /** Keywords' words, interned. */
    storeWords: (words: readonly string[]) => wordIds(words, true).all,
    prepareQuery,
    /** A stored word's id, if any entry has it. */
    wordId: (w: string) => vocabulary.lookup(w),
    /** A stored word id's word. */
    wordOf: (id: number) => vocabulary.stringOf(id),
    /** How many words and syllables are interned. */
    get known() { return vocabulary.size + syllableIds.size },
    /**
     * Forgets memoised queries. Prepared queries hold their words as ids, a word no entry had as a
     * fresh negative one: once an entry brings new words, those would no longer match.
     */
    forgetQueries() { queryMemo.clear() },
    clear() { vocabulary.clear(); syllableIds.clear(); queryMemo.clear(); targetMemo.clear() },
  }
}

export type TextPreparer = ReturnType<typeof createTextPreparer>

/** Document frequency of each word id over questions and keywords, and the IDF weights made from it. */
export function createQuestionFrequencies() {
  let qDf = new Int32Array(1024)
  let idfCache = new Float64Array(0)
  let idfFor = -1
  return {
    /** Entries that have an answer (the answer view's document count). */
    answers: 0,
    bump(ids: Int32Array, by: number) {
      idfFor = -1 // the cached IDF values no longer hold
      for (const id of ids) {
        if (id >= qDf.length) { const next = new Int32Array(Math.max(id + 1, qDf.length * 2)); next.set(qDf); qDf = next }
        qDf[id] += by
      }
    },
    /** How many entries' questions and keywords hold the word with this id (stored ids only). */
    df: (id: number) => (id < qDf.length ? qDf[id] : 0),
    /** IDF per word id for a library of `nEntries`, computed once per library size (a query compares ~50 questions' words). */
    idf(nEntries: number): (id: number) => number {
      if (idfFor !== nEntries || idfCache.length < qDf.length) { idfCache = new Float64Array(qDf.length).fill(NaN); idfFor = nEntries }
      const cache = idfCache
      const df = qDf
      const unknownIdf = Math.log(1 + nEntries)
      return (id: number) => {
        if (id <= 0 || id >= cache.length) return unknownIdf
        let v = cache[id]
        if (v !== v) { v = Math.log(1 + nEntries / (1 + df[id])); cache[id] = v }
        return v
      }
    },
    clear() { qDf = new Int32Array(1024); idfFor = -1; this.answers = 0 },
  }
}

export type QuestionFrequencies = ReturnType<typeof createQuestionFrequencies>
