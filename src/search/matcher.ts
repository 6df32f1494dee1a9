// The matcher: a library of entries in memory, and a question matched against it. It composes the
// parts, each in its own file:
//   entry-tokens.ts        what jieba, OpenCC and pinyin make of an entry (cached by the service)
//   prepared-text.ts       texts as the features compare them; word document frequencies
//   retrieval.ts           the word, bigram and pinyin views, fused into a pool
//   candidate-features.ts  the features of a (query, entry) pair
//   rerank.ts              the pool scored by the fitted model, with confidence
//   typeahead.ts           prefix search while a question is typed
// The fitted weights and the options they were fitted with come from model.json (model.ts).
import { shippedAssociations, type Associations } from './associations.ts'
import { bigramCodes, sortedDistinct } from './features.ts'
import { compactText } from './normalize.ts'
import { LETTER_CHARS } from './letter.ts'
import { withOptions, type ModelOptions, type RankModel } from './model.ts'
import { createEntryTokenizer, questionTextsOf, type EntryTokens } from './entry-tokens.ts'
import { createQuestionFrequencies, createTextPreparer, type PreparedEntry } from './prepared-text.ts'
import { createRetrieval, partsOf, type PartHits } from './retrieval.ts'
import { createFeatureExtractor } from './candidate-features.ts'
import { createReranker } from './rerank.ts'
import { createTypeahead } from './typeahead.ts'
import { createSoundLexicon, type Correction } from './sound-lexicon.ts'
import { cutWords } from './tokenizer.ts'

/** What the matcher needs of a published entry. */
export interface MatchDocument {
  id: number
  question: string
  similarQuestions: readonly string[]
  keywords: readonly string[]
  answer: string
  topicCode: string | null
  inForce: boolean
}

/**
 * The model, and what the service adds to it: the synonyms. Any of the model's options can be
 * replaced for an experiment (bench/eval.ts `--pool=50`); a model is fitted for one setting of
 * them (`npm run fit` with the same flags writes them into the model it fits).
 */
export interface MatcherOptions extends Partial<ModelOptions> {
  model: RankModel
  /** Reads a normalised text's synonyms as their canonical words. */
  rewrite?: (normalized: string) => string
  /** Everyday words and their official relatives with a weight (房本 ~ 不动产权证书 0.8): expands retrieval. */
  related?: RelatedTerms
  /**
   * Words a homophone typo may be read as besides the library's own (synonyms' and related terms'
   * everyday words, dictionary terms): 长户险 is read as 长护险 only if 长护险 is known.
   */
  soundWords?: readonly string[]
  /** Learned word associations (associations.ts); the shipped table unless given (an empty map: none). */
  associations?: Associations
}

/** Everyday phrases found in a normalised text, each with the official words it stands close to. */
export type RelatedTerms = (normalized: string) => { phrase: string; target: string; weight: number }[]

export interface RankedCandidate {
  id: number
  doc: MatchDocument
  /** Index into the entry's non-blank questions (standard first) of the one that fits best; -1 if it has none. */
  questionIndex: number
  matchedQuestion: string
  score: number
  confidence: number
  bm25: number
  features: Float64Array
  /** Query words found in the entry, for highlighting. */
  terms: string[]
  /** The same as bits over the retrieval terms. */
  termMask: number
  /** Where its features are in the match's buffer (internal). */
  offset: number
  /** For a letter: the sentence this entry answers best (null when the question was read whole). */
  matchedSentence: string | null
}

export interface MatchOutcome {
  candidates: RankedCandidate[]
  /** The query as normalised, after synonyms. */
  normalized: string
  /** For a letter: the sentences read as its questions (empty for a question read whole). */
  questions: string[]
  /** Homophone typos read as the library's words (婚因 → 婚姻), each once. */
  corrections: Correction[]
}

export function createMatcher(options: MatcherOptions) {
  const o = withOptions(options.model.options, options)
  const rewrite = options.rewrite ?? ((s: string) => s)
  const related = options.related ?? (() => [])

  const entries = new Map<number, PreparedEntry>()
  const tokenizeEntry = createEntryTokenizer(o, rewrite)
  // Homophone typos are read as the library's words where pinyin is on (sound-lexicon.ts).
  const sounds = o.pinyin ? createSoundLexicon() : null
  const soundWords = options.soundWords ?? []
  sounds?.add(soundWords)
  const correct = sounds ? (normalized: string) => sounds.correct(normalized, (t) => cutWords(t, o.cutMode)) : undefined
  const text = createTextPreparer({ cutMode: o.cutMode, pinyin: o.pinyin, rewrite, related, correct, associations: options.associations ?? shippedAssociations() })
  const frequencies = createQuestionFrequencies()
  const retrieval = createRetrieval(o, text, () => entries.size)
  const typeahead = createTypeahead({ entries, rewrite, wordId: text.wordId, frequencies, maxDf: o.maxDf, maxDfShare: o.maxDfShare, correct })
  const reranker = createReranker({ model: options.model, entries, frequencies, retrieval, features: createFeatureExtractor(o) })

  function* wordsOf(ids: Int32Array) {
    for (const id of ids) { const w = text.wordOf(id); if (w !== undefined) yield w }
  }

  /** The character bigrams an entry writes: its questions', or an answer-only entry's answer's. */
  const writtenBy = (entry: PreparedEntry) => (entry.questions.length ? entry.questions.map((q) => q.bigrams) : [bigramCodes(entry.answer)])

  function add(doc: MatchDocument, tokens: EntryTokens = tokenizeEntry(doc)) {
    if (entries.has(doc.id)) remove(doc.id)
    const known = text.known
    // Words are interned in this order (questions, then keywords): their ids order the sums of the features.
    const questions = tokens.questions.map((q) => text.prepareEntryText(q.text, q.words, q.pinyin))
    const keywordIds = text.storeWords(tokens.keywordWords)
    const qTerms = new Int32Array(sortedDistinct([...keywordIds, ...questions.flatMap((p) => p.terms)]))
    const entry: PreparedEntry = { doc, questions, questionTexts: questionTextsOf(doc), plainTexts: tokens.questions.map((q) => compactText(q.plain)), answer: compactText(tokens.answer), qTerms }
    entries.set(doc.id, entry)
    frequencies.bump(qTerms, 1)
    const newSounds = sounds?.add(wordsOf(qTerms), writtenBy(entry)) ?? false
    if (entry.answer) frequencies.answers++
    retrieval.add(doc, tokens, entry)
    typeahead.add(doc.id, tokens.typeahead)
    // A query prepared before knew the new words as fresh negative ids, which no longer match; its
    // typos were read against the words and bigrams the library had then.
    if (text.known !== known || newSounds) text.forgetQueries()
  }

  function remove(id: number) {
    const entry = entries.get(id)
    if (!entry) return false
    frequencies.bump(entry.qTerms, -1)
    if (sounds?.remove(wordsOf(entry.qTerms), writtenBy(entry))) text.forgetQueries()
    if (entry.answer) frequencies.answers--
    entries.delete(id)
    retrieval.remove(id)
    typeahead.remove(id)
    return true
  }

  /** Retrieval and re-ranking; `limit` candidates, best first. */
  function match(question: string, opts: { topic?: string | null; limit?: number } = {}): MatchOutcome {
    const limit = opts.limit ?? 5
    // Only normalised here (is anything left?): the parts are cut and prepared, each once, in retrieval.
    const normalized = text.prepare(question)
    const { parts, questions } = partsOf(question)
    if (entries.size === 0) return { candidates: [], normalized, questions, corrections: [] }
    const topic = opts.topic
    const filter = topic ? (id: number) => entries.get(id)?.doc.topicCode === topic : undefined
    const hits = parts.map((p) => retrieval.retrieve(p, filter)).filter((h): h is PartHits => h !== null)
    const isLetter = question.replace(/\s/g, '').length >= LETTER_CHARS
    const corrections = correctionsOf(hits)
    if (hits.length === 0) return { candidates: [], normalized, questions, corrections }
    const pooled = retrieval.fuse(hits)
    if (pooled.length === 0) return { candidates: [], normalized, questions, corrections }
    return { candidates: reranker.rank(pooled, hits, isLetter, limit), normalized, questions, corrections }
  }

  /** Each part's corrections, each pair once. */
  function correctionsOf(hits: readonly PartHits[]): Correction[] {
    const seen = new Map<string, Correction>()
    for (const h of hits) for (const c of h.q.corrections) seen.set(`${c.from}\u0000${c.to}`, c)
    return [...seen.values()]
  }

  return {
    add,
    remove,
    /** Typeahead: entries whose questions hold every typed word, the last one as a prefix. */
    suggest: typeahead.suggest,
    has: (id: number) => entries.has(id),
    get: (id: number) => entries.get(id)?.doc,
    get size() { return entries.size },
    /** Drops everything (before a full rebuild). */
    clear() {
      entries.clear(); text.clear(); frequencies.clear(); retrieval.clear(); typeahead.clear()
      sounds?.clear(); sounds?.add(soundWords)
    },
    /** jieba, OpenCC and pinyin's work on an entry, to keep and hand back to `add` later. */
    tokenize: tokenizeEntry,
    match,
    prepareQuery: text.prepareQuery,
    /** Forgets memoised queries (benchmarks measure cold queries). */
    forgetQueries: text.forgetQueries,
    /** Replaces the weights (the options stay those the matcher was made with). */
    setModel: reranker.setModel,
    /** The options in force: the model's, with any replaced. */
    options: o,
    /** Internal handle for evaluation. */
    entries,
  }
}

export type Matcher = ReturnType<typeof createMatcher>
