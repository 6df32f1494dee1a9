import MiniSearch from 'minisearch'
import { createPostingIndex, type PostingIndex } from './postings.ts'
import { pinyin } from 'pinyin-pro'
import { STOP_WORDS, compactText, normalizeText } from './normalize.ts'
import { createMemo, cutWords, indexTerms, type CutMode } from './tokenizer.ts'
import { bigramCodes, bigramList, charBigrams, charCodes, commonCount, coverageSorted, diceSorted, editSimilarity, isNegated, numbersIn, pieceFound, piecesOf, sortedDistinct, substringMatcher } from './features.ts'
import { LETTER_CHARS, readLetter } from './letter.ts'
import { FEATURES, FEATURE_INDEX, confidenceOf, dot, rankWeights, softmaxShares, type RankModel } from './ranker.ts'

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

export interface MatcherOptions {
  model: RankModel
  cutMode?: CutMode
  /** Reads a normalised text's synonyms as their canonical words. */
  rewrite?: (normalized: string) => string
  /** Candidates taken from retrieval into re-ranking. */
  pool?: number
  /** Only the start of long answers is indexed and compared: replies quote the question early. */
  answerChars?: number
  boosts?: { question: number; similar: number; keywords: number; answer: number }
  /** Compute pinyin for the homophone feature (costs index time). */
  pinyin?: boolean
  /**
   * Words found in more than this share of entries are left out of retrieval (they still count in
   * re-ranking): their posting lists are what makes a query slow, and BM25 gives them little weight.
   */
  maxDfShare?: number
  /** The same as an absolute number of entries, which is what bounds latency in a large library. */
  maxDf?: number
  /** The longest common substring with the answer is looked for in its first this many characters. */
  answerLcsChars?: number
  /** At most this many (the rarest) words of a long question are used for retrieval. */
  maxQueryTerms?: number
  /**
   * The character-bigram view: a second retrieval over the character bigrams of the questions and
   * of the answer's first `gramAnswerChars` characters, which finds what word cutting misses
   * (景蓉华苑 vs 景蓉花苑, names jieba cuts into single characters). Its best `gramPool` entries join
   * the word view's `pool`. The model must be fitted with the same setting (`npm run fit -- --grams`).
   * `'answer-only'` keeps only entries without a question in it (imported replies): an entry with
   * questions is found by them, where the word view does well, and costs the bigram view nothing.
   */
  gramView?: boolean | 'answer-only' // every entry by default: see docs/matching.md for what each costs and brings
  gramPool?: number
  /** How many characters of the answer of an entry that has questions go into the bigram view (answer-only entries get gramAnswerChars). */
  gramAnswerCharsWithQuestions?: number
  /** The pinyin view: retrieval over toneless syllable bigrams of the questions, so homophone typos (登计, 医宝) meet. */
  pinyinView?: boolean
  /** Each view's best this many entries are fused (reciprocal rank fusion) into the pool. */
  viewDepth?: number
  /** RRF's constant: 1 / (rrfK + rank). */
  rrfK?: number
  /** Everyday words and their official relatives with a weight (房本 ~ 不动产权证书 0.8): expands retrieval. */
  related?: RelatedTerms
  gramBoosts?: { qgrams: number; agrams: number }
  /** At most this many (the rarest) bigrams of a query are looked up. */
  maxGramTerms?: number
  gramAnswerChars?: number
}

/** Everyday phrases found in a normalised text, each with the official words it stands close to. */
export type RelatedTerms = (normalized: string) => { phrase: string; target: string; weight: number }[]

/**
 * What jieba, OpenCC and pinyin make of an entry: the costly part of indexing it, and all of it
 * plain data, so it can be kept between runs (search.service caches it in the database).
 */
export interface EntryTokens {
  /** [standard, ...similar], blank ones left out. */
  questions: {
    /** Normalised, without synonyms (what typeahead compares). */
    plain: string
    /** Normalised with synonyms read, spaces kept. */
    text: string
    /** jieba's words of `text`, in order, stop words included. */
    words: string[]
    /** Toneless pinyin syllables of the compact text (null when pinyin is off). */
    pinyin: string[] | null
  }[]
  /** Normalised start of the answer, with synonyms read. */
  answer: string
  answerWords: string[]
  keywordWords: string[]
  /** The questions cut for search, for typeahead. */
  typeahead: string[]
}

// Compared texts hold their words, characters, bigrams and pinyin bigrams as sorted arrays of
// distinct numbers (features.ts): words and syllables are interned per matcher.
interface PreparedText {
  text: string // compact normalised text
  words: number[] // every word, ids, sorted distinct
  terms: number[] // words that are not stop words, ids, sorted distinct
  bigrams: number[]
  chars: number[]
  pinyin: number[] | null
  negated: boolean
  numbers: string
}

interface PreparedQuery extends PreparedText {
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
  relatedGrams: { gram: string; weight: number }[]
}

interface PreparedEntry {
  doc: MatchDocument
  questions: PreparedText[] // [standard, ...similar], blank ones left out
  questionTexts: string[] // the same questions as written
  plainTexts: string[] // the same, normalised and compact but without synonyms (typeahead compares them)
  answer: string // compact normalised start of the answer
  qTerms: Int32Array // word ids of the questions and keywords, for document frequencies
}

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

const EMPTY_FEATURES = new Float64Array(0)

export interface MatchOutcome {
  candidates: RankedCandidate[]
  /** The query as normalised, after synonyms. */
  normalized: string
  /** For a letter: the sentences read as its questions (empty for a question read whole). */
  questions: string[]
}

const DEFAULT_BOOSTS = { question: 3, similar: 2.5, keywords: 2, answer: 1 }

/**
 * MiniSearch's radix tree scans a node's children one by one, and with Chinese terms the root has
 * thousands of them (one per first character): indexing a library took ~300 µs per entry. Each
 * non-ASCII character is spelt as four letters A–P (its UTF-16 code in hexadecimal), which bounds
 * every node to 16 + 36 children. The code has a fixed length per character, so a prefix of a term
 * is still a prefix of its code and prefix search works as before. Terms are lower case, so the
 * capitals never collide with ASCII letters.
 */
export function encodeTerm(term: string): string {
  let out = ''
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i)
    out += c < 128 ? term[i] : String.fromCharCode(65 + (c >> 12), 65 + ((c >> 8) & 15), 65 + ((c >> 4) & 15), 65 + (c & 15))
  }
  return out
}

export function decodeTerm(code: string): string {
  let out = ''
  for (let i = 0; i < code.length;) {
    const c = code.charCodeAt(i)
    if (c >= 65 && c <= 80) {
      out += String.fromCharCode(((c - 65) << 12) | ((code.charCodeAt(i + 1) - 65) << 8) | ((code.charCodeAt(i + 2) - 65) << 4) | (code.charCodeAt(i + 3) - 65))
      i += 4
    } else { out += code[i]; i++ }
  }
  return out
}

/** Syllable bigrams as strings ("deng ji"); a one-syllable text is its own. */
function syllableBigrams(syl: readonly string[]): string[] {
  if (syl.length === 1) return [syl[0]]
  const out: string[] = []
  for (let i = 0; i + 1 < syl.length; i++) out.push(`${syl[i]} ${syl[i + 1]}`)
  return out
}

function syllables(compact: string): string[] {
  // Without tones, tone sandhi (一, 不) changes nothing but costs half the time.
  return pinyin(compact, { toneType: 'none', type: 'array', nonZh: 'consecutive', toneSandhi: false })
}

/**
 * Interns strings as small integers. A string seen only in a query gets a fresh negative number
 * instead, so queries never grow the table and never match a stored id.
 */
function createInterner() {
  const ids = new Map<string, number>()
  return {
    intern(s: string): number {
      let id = ids.get(s)
      if (id === undefined) { id = ids.size + 1; ids.set(s, id) }
      return id
    },
    lookup: (s: string): number | undefined => ids.get(s),
    clear: () => ids.clear(),
    get size() { return ids.size },
  }
}

export function createMatcher(options: MatcherOptions) {
  const cutMode = options.cutMode ?? 'cut'
  const rewrite = options.rewrite ?? ((s: string) => s)
  const pool = options.pool ?? 30
  const answerChars = options.answerChars ?? 600
  const boosts = options.boosts ?? DEFAULT_BOOSTS
  const usePinyin = options.pinyin ?? true
  const maxDfShare = options.maxDfShare ?? 0.1
  const maxDf = options.maxDf ?? 1000
  const answerLcsChars = options.answerLcsChars ?? 120
  const maxQueryTerms = options.maxQueryTerms ?? 64
  const gramView = options.gramView ?? true
  const gramPool = options.gramPool ?? 10
  const gramAnswerCharsWithQuestions = options.gramAnswerCharsWithQuestions ?? 150
  const pinyinView = (options.pinyinView ?? true) && usePinyin
  const viewDepth = options.viewDepth ?? 40
  const rrfK = options.rrfK ?? 10
  const related = options.related ?? (() => [])
  const gramBoosts = options.gramBoosts ?? { qgrams: 1, agrams: 1 }
  const GRAM_BOOSTS = [gramBoosts.qgrams, gramBoosts.agrams]
  const maxGramTerms = options.maxGramTerms ?? 400
  const gramAnswerChars = Math.min(options.gramAnswerChars ?? answerChars, answerChars)
  let model = options.model
  let weights = rankWeights(model)
  let letterWeights = rankWeights(model, 'rankLetter')

  const entries = new Map<number, PreparedEntry>()
  const vocabulary = createInterner()
  const syllableIds = createInterner()
  /** Document frequency of each word id over questions and keywords, for IDF weights. */
  let qDf = new Int32Array(1024)
  let answerDocs = 0

  const tokenize = (text: string) => indexTerms(text, cutMode)
  // Retrieval for matching runs on a compact posting index (postings.ts) over four fields, each
  // with its own boost; the fields are handed over already cut, so each text goes through jieba
  // once. Typeahead runs on MiniSearch, whose prefix search suits a question being typed: it holds
  // the questions cut for search (住房公积金 → 住房, 公积, 公积金, …), so that a prefix can start
  // inside a long dictionary word.
  const FIELD_BOOSTS = [boosts.question, boosts.similar, boosts.keywords, boosts.answer]
  const ANSWER_FIELD = 3
  let postings = createPostingIndex(FIELD_BOOSTS.length)
  // The bigram view's index: fields qgrams (the questions' bigrams) and agrams (the answer start's).
  const newGrams = () => (gramView ? createPostingIndex(2, { plain: true }) : null)
  const inGramView = (questions: number) => gramView === true || (gramView === 'answer-only' && questions === 0)
  let grams = newGrams()
  // The pinyin view: one field, the questions' toneless syllable bigrams.
  const newSounds = () => (pinyinView ? createPostingIndex(1) : null)
  let sounds = newSounds()
  const newTypeahead = () => new MiniSearch<{ id: number; typeahead: string }>({
    fields: ['typeahead'],
    tokenize: (text) => text.split(' '),
    processTerm: encodeTerm,
    searchOptions: { tokenize: (q) => q.split(' '), processTerm: encodeTerm },
  })
  let index = newTypeahead()

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

  /** jieba, OpenCC and pinyin's work on an entry (cacheable: it depends only on the entry, the dictionary and the synonyms). */
  function tokenizeEntry(doc: MatchDocument): EntryTokens {
    const questionTexts = [doc.question, ...doc.similarQuestions].filter((q) => q && q.trim())
    const questions = questionTexts.map((q) => {
      const plain = normalizeText(q)
      const text = rewrite(plain)
      return { plain, text, words: cutWords(text, cutMode), pinyin: usePinyin ? syllables(compactText(text)) : null }
    })
    const answer = prepare(doc.answer.slice(0, answerChars))
    return {
      questions,
      answer,
      answerWords: answer ? tokenize(answer) : [],
      keywordWords: doc.keywords.flatMap((k) => tokenize(prepare(k))),
      // As written and with synonyms read, so both what the agent sees and its canonical form match.
      typeahead: questions.flatMap((q) => indexTerms(q.text === q.plain ? q.plain : `${q.plain} ${q.text}`, 'search')),
    }
  }

  function bumpDf(ids: Int32Array, by: number) {
    idfFor = -1 // the cached IDF values no longer hold
    for (const id of ids) {
      if (id >= qDf.length) { const next = new Int32Array(Math.max(id + 1, qDf.length * 2)); next.set(qDf); qDf = next }
      qDf[id] += by
    }
  }

  function add(doc: MatchDocument, tokens: EntryTokens = tokenizeEntry(doc)) {
    if (entries.has(doc.id)) remove(doc.id)
    const known = vocabulary.size + syllableIds.size
    const questionTexts = [doc.question, ...doc.similarQuestions].filter((q) => q && q.trim())
    const questions = tokens.questions.map((q) => prepareText(q.text, q.words, q.pinyin, true))
    const keywordIds = wordIds(tokens.keywordWords, true).all
    const qTerms = new Int32Array(sortedDistinct([...keywordIds, ...questions.flatMap((p) => p.terms)]))
    const entry: PreparedEntry = { doc, questions, questionTexts, plainTexts: tokens.questions.map((q) => compactText(q.plain)), answer: compactText(tokens.answer), qTerms }
    entries.set(doc.id, entry)
    bumpDf(qTerms, 1)
    if (entry.answer) answerDocs++
    const indexWords = (words: string[]) => words.filter((w) => !STOP_WORDS.has(w))
    const hasStandard = doc.question.trim() !== ''
    postings.add(doc.id, [
      hasStandard ? indexWords(tokens.questions[0].words) : [],
      tokens.questions.slice(hasStandard ? 1 : 0).flatMap((q) => indexWords(q.words)),
      tokens.keywordWords,
      tokens.answerWords,
    ])
    index.add({ id: doc.id, typeahead: tokens.typeahead.join(' ') })
    // Prepared queries hold their words as ids, a word no entry had as a fresh negative one: once an
    // entry brings new words, those would no longer match, so the memo starts again.
    if (vocabulary.size + syllableIds.size !== known) queryMemo.clear()
    if (inGramView(questions.length)) {
      const keywordGrams = doc.keywords.flatMap((k) => bigramList(compactText(prepare(k))))
      grams?.add(doc.id, [[...questions.flatMap((p) => bigramList(p.text)), ...keywordGrams], bigramList(entry.answer.slice(0, questions.length ? gramAnswerCharsWithQuestions : gramAnswerChars))])
    }
    if (sounds) {
      const syl = tokens.questions.flatMap((q) => (q.pinyin ? syllableBigrams(q.pinyin) : []))
      if (syl.length) sounds.add(doc.id, [syl])
    }
  }

  function remove(id: number) {
    const entry = entries.get(id)
    if (!entry) return false
    bumpDf(entry.qTerms, -1)
    if (entry.answer) answerDocs--
    entries.delete(id)
    postings.remove(id)
    grams?.remove(id)
    sounds?.remove(id)
    index.discard(id)
    return true
  }

  const queryMemo = createMemo<{ normalized: string; prepared: PreparedQuery; searchTerms: string[] }>()
  function prepareQuery(question: string) {
    return queryMemo.get(question, () => {
      const normalized = prepare(question)
      const words = cutWords(normalized, cutMode)
      const compact = compactText(normalized)
      const termStrings = [...new Set(words.filter((w) => !STOP_WORDS.has(w)))]
      const bigramStrings = [...charBigrams(compact)]
      const syl = usePinyin ? syllables(compact) : null
      const relatedWords: PreparedQuery['relatedWords'] = []
      const relatedGrams: PreparedQuery['relatedGrams'] = []
      for (const r of related(normalized)) {
        const target = compactText(prepare(r.target))
        for (const w of cutWords(target, cutMode)) if (!STOP_WORDS.has(w) && !termStrings.includes(w)) relatedWords.push({ word: w, weight: r.weight })
        for (const g of charBigrams(target)) if (!bigramStrings.includes(g)) relatedGrams.push({ gram: g, weight: r.weight })
      }
      const prepared: PreparedQuery = {
        ...prepareText(normalized, words, syl, false),
        termStrings, bigramStrings, substrings: substringMatcher(compact),
        termPieces: piecesOf(compact, termStrings), bigramPieces: piecesOf(compact, bigramStrings),
        soundGrams: syl ? [...new Set(syllableBigrams(syl))] : [], relatedWords, relatedGrams,
      }
      // A query of stop words only ("是什么") still searches with what it has.
      const searchTerms = prepared.termStrings.length ? prepared.termStrings : [...new Set(words)]
      return { normalized, prepared, searchTerms }
    })
  }

  /**
   * How common a word or bigram may be and still be looked up. A small library looks up everything
   * (in a 150-entry library, 公积金 is in 10% of the entries and still decides); a large one leaves
   * out what is in more than maxDfShare of the entries, at most maxDf: those posting lists cost the
   * most and weigh the least (they still count in re-ranking).
   */
  const lookupLimit = (n: number) => Math.max(200, Math.min(maxDf, maxDfShare * n))

  /** The query's words worth looking up: not too common, at most maxQueryTerms, rarest first. */
  function retrievalTerms(terms: string[]): string[] {
    const limit = lookupLimit(entries.size)
    const byRarity = terms.map((t) => ({ t, df: postings.df(t) })).filter((x) => x.df > 0).sort((a, b) => a.df - b.df)
    const kept = byRarity.filter((x, i) => i < 2 || x.df <= limit).slice(0, maxQueryTerms)
    return kept.map((x) => x.t)
  }

  /** The same for a view's terms (bigrams, syllable bigrams): known, not too common, at most `max`, rarest first. */
  function viewTerms(terms: readonly string[], view: PostingIndex, max: number): string[] {
    const limit = lookupLimit(view.size)
    const byRarity: { g: string; df: number }[] = []
    for (const g of terms) { const df = view.df(g); if (df > 0) byRarity.push({ g, df }) }
    byRarity.sort((a, b) => a.df - b.df)
    return byRarity.filter((x, i) => i < 2 || x.df <= limit).slice(0, max).map((x) => x.g)
  }

  /**
   * Weights of the query's bigrams (sorted by code, as in q.bigrams): their IDF over the entries in
   * the bigram view, else (no view, or an empty one) all equal: coverage is then a plain share.
   */
  function gramWeights(q: PreparedQuery, grams: PostingIndex | null): { byCode: Map<number, number> | null; byString: number[] } {
    if (!grams) return { byCode: null, byString: q.bigramStrings.map(() => 1) }
    const n = grams.size
    const byString = q.bigramStrings.map((g) => Math.log(1 + n / (1 + grams.df(g))))
    const byCode = new Map<number, number>()
    q.bigramStrings.forEach((g, i) => byCode.set(g.length === 1 ? g.charCodeAt(0) * 65536 : g.charCodeAt(0) * 65536 + g.charCodeAt(1), byString[i]))
    return { byCode, byString }
  }

  const cov = new Float64Array(2)
  const scratch = new Float64Array(FEATURES.length)
  const bestFeatures = new Float64Array(FEATURES.length)
  const partFeatures = new Float64Array(FEATURES.length)
  let idfCache = new Float64Array(0)
  let idfFor = -1
  function questionFeatures(q: PreparedQuery, t: PreparedText, qIdf: (id: number) => number, maxIdf: number, gIdf: ((code: number) => number) | null, x: Float64Array) {
    const commonBigrams = commonCount(q.bigrams, t.bigrams)
    if (gIdf) {
      coverageSorted(q.bigrams, gIdf, t.bigrams, cov)
      x[FEATURE_INDEX.gramCovQ] = cov[0]
    } else {
      // Without the bigram view every bigram weighs the same: the share of the query's bigrams.
      x[FEATURE_INDEX.gramCovQ] = q.bigrams.length ? commonBigrams / q.bigrams.length : 0
    }
    x[FEATURE_INDEX.bigramDice] = q.bigrams.length && t.bigrams.length ? (2 * commonBigrams) / (q.bigrams.length + t.bigrams.length) : 0
    const commonChars = commonCount(q.chars, t.chars)
    x[FEATURE_INDEX.charDice] = q.chars.length && t.chars.length ? (2 * commonChars) / (q.chars.length + t.chars.length) : 0
    x[FEATURE_INDEX.editSim] = editSimilarity(q.text, t.text)
    coverageSorted(q.terms, qIdf, t.words, cov)
    x[FEATURE_INDEX.covQ] = cov[0]
    x[FEATURE_INDEX.missQ] = cov[1] / maxIdf
    coverageSorted(t.terms, qIdf, q.words, cov)
    x[FEATURE_INDEX.covD] = cov[0]
    x[FEATURE_INDEX.missD] = cov[1] / maxIdf
    x[FEATURE_INDEX.pinyinDice] = q.pinyin && t.pinyin ? diceSorted(q.pinyin, t.pinyin) : 0
    x[FEATURE_INDEX.lcsRatio] = q.text.length ? q.substrings.longest(t.text) / q.text.length : 0
    x[FEATURE_INDEX.exact] = q.text === t.text ? 1 : 0
    x[FEATURE_INDEX.lenRatio] = Math.min(q.text.length, t.text.length) / Math.max(1, q.text.length, t.text.length)
    x[FEATURE_INDEX.hasQuestion] = 1
    x[FEATURE_INDEX.negation] = q.negated !== t.negated ? 1 : 0
    x[FEATURE_INDEX.numbers] = q.numbers !== t.numbers ? 1 : 0
    x[FEATURE_INDEX.onlyQ] = Math.min(1, (q.chars.length - commonChars) / 5)
    x[FEATURE_INDEX.onlyD] = Math.min(1, (t.chars.length - commonChars) / 5)
  }

  interface Part { text: string; sentence: string | null }

  /**
   * What a question is read as: a short one whole; a letter (LETTER_CHARS or more) as its body
   * without greetings and closings, plus each sentence that asks something (at most four), so that
   * its questions are not drowned by the narrative around them.
   */
  function partsOf(question: string): { parts: Part[]; questions: string[] } {
    if (question.replace(/\s/g, '').length < LETTER_CHARS) return { parts: [{ text: question, sentence: null }], questions: [] }
    const reading = readLetter(question)
    const parts: Part[] = [{ text: reading.body, sentence: null }]
    for (const sentence of reading.questions.slice(0, 4)) if (sentence !== reading.body) parts.push({ text: sentence, sentence })
    return { parts, questions: reading.questions }
  }

  /** One part's retrieval: each view's best `viewDepth`, with scores and ranks. */
  interface PartHits {
    part: Part
    q: PreparedQuery
    searchTerms: string[]
    word: Map<number, { score: number; rank: number; termMask: number }>
    gram: Map<number, { score: number; rank: number }>
    sound: Map<number, { score: number; rank: number }>
    bestWord: number
    bestGram: number
  }

  function retrieve(part: Part, filter: ((id: number) => boolean) | undefined): PartHits | null {
    const { prepared: q, searchTerms: allTerms } = prepareQuery(part.text)
    if (allTerms.length === 0 && q.bigramStrings.length === 0) return null
    const searchTerms = retrievalTerms(allTerms)
    const related = q.relatedWords.filter((r) => postings.df(r.word) > 0).slice(0, Math.max(0, 32 - searchTerms.length))
    const wordHits = postings.search([...searchTerms, ...related.map((r) => r.word)], FIELD_BOOSTS, viewDepth, filter, [...searchTerms.map(() => 1), ...related.map((r) => r.weight)])
    const word = new Map(wordHits.map((h, rank) => [h.id, { score: h.score, rank, termMask: h.termMask }]))
    const gram = new Map<number, { score: number; rank: number }>()
    const liveGrams = grams !== null && grams.size > 0 ? grams : null
    if (liveGrams) {
      const terms = viewTerms(q.bigramStrings, liveGrams, maxGramTerms)
      const rel = q.relatedGrams.filter((r) => liveGrams.df(r.gram) > 0).slice(0, Math.max(0, 32 - terms.length))
      liveGrams.search([...terms, ...rel.map((r) => r.gram)], GRAM_BOOSTS, viewDepth, filter, [...terms.map(() => 1), ...rel.map((r) => r.weight)])
        .forEach((h, rank) => gram.set(h.id, { score: h.score, rank }))
    }
    const sound = new Map<number, { score: number; rank: number }>()
    if (sounds && sounds.size > 0 && q.soundGrams.length) {
      sounds.search(viewTerms(q.soundGrams, sounds, maxGramTerms), [1], viewDepth, filter).forEach((h, rank) => sound.set(h.id, { score: h.score, rank }))
    }
    return {
      part, q, searchTerms, word, gram, sound,
      bestWord: wordHits.length ? wordHits[0].score : 1,
      bestGram: gram.values().next().value?.score ?? 1, // inserted best first
    }
  }

  /** Retrieval and re-ranking; `limit` candidates, best first. */
  function match(question: string, opts: { topic?: string | null; limit?: number } = {}): MatchOutcome {
    const limit = opts.limit ?? 5
    // Only normalised here (is anything left?): the parts are cut and prepared, each once, below.
    const normalized = prepare(question)
    const { parts, questions } = partsOf(question)
    if (entries.size === 0) return { candidates: [], normalized, questions }
    const topic = opts.topic
    const filter = topic ? (id: number) => entries.get(id)?.doc.topicCode === topic : undefined
    const hits = parts.map((p) => retrieve(p, filter)).filter((h): h is PartHits => h !== null)
    const isLetter = question.replace(/\s/g, '').length >= LETTER_CHARS
    if (hits.length === 0) return { candidates: [], normalized, questions }
    // Reciprocal rank fusion over every part and view: an entry any view ranks well joins the pool.
    const fused = new Map<number, number>()
    const add = (id: number, rank: number, w: number) => fused.set(id, (fused.get(id) ?? 0) + w / (rrfK + rank + 1))
    for (const h of hits) {
      for (const [id, x] of h.word) add(id, x.rank, 1)
      for (const [id, x] of h.gram) add(id, x.rank, 1)
      for (const [id, x] of h.sound) add(id, x.rank, 0.5)
    }
    if (fused.size === 0) return { candidates: [], normalized, questions }
    const pooled = [...fused].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, pool)
    const bestFused = pooled[0][1]
    const nEntries = Math.max(1, entries.size)
    // IDF per word id, computed once per library size (a query compares ~50 questions' words).
    if (idfFor !== nEntries || idfCache.length < qDf.length) { idfCache = new Float64Array(qDf.length).fill(NaN); idfFor = nEntries }
    const unknownIdf = Math.log(1 + nEntries)
    const qIdf = (id: number) => {
      if (id <= 0 || id >= idfCache.length) return unknownIdf
      let v = idfCache[id]
      if (v !== v) { v = Math.log(1 + nEntries / (1 + qDf[id])); idfCache[id] = v }
      return v
    }
    const maxIdf = Math.log(1 + nEntries)
    const nAnswers = Math.max(1, answerDocs)
    const liveGrams = grams !== null && grams.size > 0 ? grams : null
    const perPart = hits.map((h) => {
      const gw = gramWeights(h.q, liveGrams)
      const byCode = gw.byCode
      return {
        answerIdf: h.q.termStrings.map((t) => Math.log(1 + nAnswers / (1 + postings.fieldDf(t, ANSWER_FIELD)))),
        gw, gIdf: byCode ? (code: number) => byCode.get(code) ?? 0 : null,
      }
    })
    const ranked: RankedCandidate[] = []
    // Every candidate's features go into one buffer; only the candidates returned get an array of
    // their own (allocating a small typed array per candidate was ~14% of a match).
    const F = FEATURES.length
    const buffer = new Float64Array(pooled.length * F)
    const x = bestFeatures
    const partX = partFeatures
    let offset = 0
    for (const [id, fusedScore] of pooled) {
      const e = entries.get(id)!
      // A letter against an entry that is only an answer (an imported reply) is scored by the weights
      // fitted on letters and replies, where the answer's bigrams mean more than anything else.
      const w = isLetter && e.questions.length === 0 ? letterWeights : weights
      let bestTotal = -Infinity
      let bestIndex = -1
      let bestPart = 0
      let bestMask = 0
      let bestTerms: string[] = []
      // Each part is scored against the entry; the part it fits best gives the features.
      for (let pi = 0; pi < hits.length; pi++) {
        const h = hits[pi]
        const q = h.q
        const { answerIdf, gw, gIdf } = perPart[pi]
        partX.fill(0)
        let bestScore = -Infinity
        let qIndex = -1
        for (let qi = 0; qi < e.questions.length; qi++) {
          scratch.fill(0)
          questionFeatures(q, e.questions[qi], qIdf, maxIdf, gIdf, scratch)
          scratch[FEATURE_INDEX.bias] = 1
          const s = dot(w, scratch)
          if (s > bestScore) { bestScore = s; qIndex = qi; partX.set(scratch) }
        }
        partX[FEATURE_INDEX.bias] = 1
        const wh = h.word.get(id)
        const g = h.gram.get(id)
        const so = h.sound.get(id)
        partX[FEATURE_INDEX.bm25Rel] = (wh?.score ?? 0) / h.bestWord
        partX[FEATURE_INDEX.bm25Log] = Math.log1p(wh?.score ?? 0)
        partX[FEATURE_INDEX.gramRel] = (g?.score ?? 0) / h.bestGram
        partX[FEATURE_INDEX.gramLog] = Math.log1p(g?.score ?? 0)
        partX[FEATURE_INDEX.fused] = fusedScore / bestFused
        partX[FEATURE_INDEX.wordRR] = wh ? 1 / (1 + wh.rank) : 0
        partX[FEATURE_INDEX.gramRR] = g ? 1 / (1 + g.rank) : 0
        partX[FEATURE_INDEX.soundRR] = so ? 1 / (1 + so.rank) : 0
        partX[FEATURE_INDEX.sentence] = h.part.sentence === null ? 0 : 1
        // The whole text's bigram score, whichever part is scored: a letter's background still tells.
        partX[FEATURE_INDEX.wholeGramRel] = (hits[0].gram.get(id)?.score ?? 0) / hits[0].bestGram
        partX[FEATURE_INDEX.wholeWordRel] = (hits[0].word.get(id)?.score ?? 0) / hits[0].bestWord
        let rel = 0
        for (const r of q.relatedWords) if (r.weight > rel && e.questions.some((t) => t.text.includes(r.word))) rel = r.weight
        partX[FEATURE_INDEX.related] = rel
        if (e.answer) {
          // One scan of the answer gives its longest common substring with the query and which of
          // the query's words and bigrams it holds.
          const lcs = q.substrings.scan(e.answer, answerLcsChars, true)
          const runs = q.substrings.maxRun
          let total = 0, covered = 0
          for (let k = 0; k < answerIdf.length; k++) { total += answerIdf[k]; if (pieceFound(q.termPieces[k], runs)) covered += answerIdf[k] }
          partX[FEATURE_INDEX.ansCov] = total === 0 ? 0 : covered / total
          let inAnswer = 0, gramTotal = 0, gramCovered = 0
          for (let k = 0; k < q.bigramPieces.length; k++) {
            const found = pieceFound(q.bigramPieces[k], runs)
            gramTotal += gw.byString[k]
            if (found) { inAnswer++; gramCovered += gw.byString[k] }
          }
          partX[FEATURE_INDEX.ansBigram] = q.bigramPieces.length ? inAnswer / q.bigramPieces.length : 0
          partX[FEATURE_INDEX.ansGramIdf] = gramTotal === 0 ? 0 : gramCovered / gramTotal
          partX[FEATURE_INDEX.ansLcs] = q.text.length ? lcs / q.text.length : 0
        }
        const total = dot(w, partX)
        if (total > bestTotal) {
          bestTotal = total; bestIndex = qIndex; bestPart = pi; x.set(partX)
          bestMask = wh?.termMask ?? 0
          bestTerms = h.searchTerms
        }
      }
      buffer.set(x, offset)
      ranked.push({
        id: e.doc.id, doc: e.doc, questionIndex: bestIndex,
        matchedQuestion: bestIndex >= 0 ? e.questionTexts[bestIndex] : e.doc.question,
        score: bestTotal, confidence: 0, bm25: hits[bestPart].word.get(id)?.score ?? 0, features: EMPTY_FEATURES,
        terms: bestTerms.filter((_, k) => (bestMask >> k) & 1), termMask: bestMask, offset,
        matchedSentence: hits[bestPart].part.sentence,
      })
      offset += F
    }
    ranked.sort((a, b) => b.score - a.score || a.id - b.id)
    const shares = softmaxShares(ranked.map((c) => c.score))
    const top = ranked[0]
    const chosen = ranked.slice(0, limit)
    // Confidence only for the candidates returned (the pool's others only ranked).
    for (const c of chosen) c.features = buffer.slice(c.offset, c.offset + F)
    for (let i = 0; i < chosen.length; i++) {
      const c = chosen[i]
      // A runner-up's confidence is judged against the top candidate it lost to.
      c.confidence = i === 0
        ? confidenceOf(model, top.score, ranked[1]?.score, top.features, shares[0])
        : confidenceOf(model, c.score, top.score, c.features, shares[i])
    }
    return { candidates: chosen, normalized, questions }
  }

  /**
   * Typeahead: entries whose questions hold every typed word, the last one as a prefix. Chinese
   * input that is still being typed often cuts into single characters (公积 → 公/积), so the last
   * two or three pieces are also tried joined as one prefix.
   */
  function suggest(text: string, opts: { limit: number; topic?: string | null }): { id: number; matchedQuestion: string; inForce: boolean; terms: string[] }[] {
    const typed = normalizeText(text)
    if (!typed) return []
    const first = suggestFor(typed, opts)
    if (first.length) return first
    const rewritten = rewrite(typed)
    return rewritten === typed ? [] : suggestFor(rewritten, opts)
  }

  function suggestFor(normalized: string, opts: { limit: number; topic?: string | null }) {
    const words = cutWords(normalized, 'cut')
    // Stop words and very common words (怎么) are dropped before the last piece: each looked-up
    // word costs its whole posting list, and they narrow nothing down.
    const common = Math.max(20, Math.min(maxDf, maxDfShare * entries.size))
    const isCommon = (w: string) => { const id = vocabulary.lookup(w); return STOP_WORDS.has(w) || (id !== undefined && id < qDf.length && qDf[id] > common) }
    const kept = words.filter((w, i) => i === words.length - 1 || !isCommon(w))
    // A last piece that is itself a common word (怎么) would expand to most of the index.
    if (kept.length && isCommon(kept[kept.length - 1])) kept.pop()
    if (kept.length === 0) return []
    const topic = opts.topic
    const filter = topic ? (r: { id: number }) => entries.get(r.id)?.doc.topicCode === topic : undefined
    const typedTail = compactText(normalized).slice(-4)
    const questionTexts = (e: PreparedEntry) => e.plainTexts.map((n, i) => [n, e.questions[i].text])
    for (let k = Math.min(3, kept.length); k >= 1; k--) {
      const last = kept.slice(kept.length - k).join('')
      if (k > 1 && last.length > 4) continue
      const before = kept.slice(0, kept.length - k)
      // A single character is too short a prefix to expand (it would touch most of the index):
      // look up the words before it, then keep the questions that hold what was typed.
      const single = last.length < 2 && !/^[a-z0-9]/.test(last)
      if (single && before.length === 0) continue
      const hits = index.search((single ? before : [...before, last]).join(' '), {
        fields: ['typeahead'], combineWith: 'AND',
        prefix: (_t: string, i: number, all: string[]) => !single && i === all.length - 1,
        filter: filter as never,
      })
      const chosen: { id: number; matchedQuestion: string; inForce: boolean; terms: string[] }[] = []
      for (const h of hits.slice(0, single ? 200 : opts.limit)) {
        const e = entries.get(h.id as number)!
        const texts = questionTexts(e)
        if (single && !texts.some((pair) => pair.some((x) => x.includes(typedTail)))) continue
        const matched = h.terms.map(decodeTerm)
        const found = single ? [...matched, typedTail] : matched
        // The question (standard or similar) that holds most of the matched words.
        let best = 0
        let bestCount = -1
        texts.forEach((pair, i) => {
          const count = found.filter((t) => pair.some((x) => x.includes(t))).length
          if (count > bestCount) { best = i; bestCount = count }
        })
        chosen.push({ id: e.doc.id, matchedQuestion: e.questionTexts[best] ?? e.doc.question, inForce: e.doc.inForce, terms: found })
        if (chosen.length >= opts.limit) break
      }
      if (chosen.length) return chosen
    }
    return []
  }

  return {
    add,
    remove,
    suggest,
    has: (id: number) => entries.has(id),
    get: (id: number) => entries.get(id)?.doc,
    get size() { return entries.size },
    /** Drops everything (before a full rebuild). */
    clear() {
      entries.clear(); vocabulary.clear(); syllableIds.clear(); qDf = new Int32Array(1024); answerDocs = 0
      postings = createPostingIndex(FIELD_BOOSTS.length); grams = newGrams(); sounds = newSounds(); index = newTypeahead(); queryMemo.clear()
    },
    /** jieba, OpenCC and pinyin's work on an entry, to keep and hand back to `add` later. */
    tokenize: tokenizeEntry,
    match,
    prepareQuery,
    /** Forgets memoised queries (benchmarks measure cold queries). */
    forgetQueries() { queryMemo.clear() },
    setModel(m: RankModel) { model = m; weights = rankWeights(m); letterWeights = rankWeights(m, 'rankLetter') },
    /** Internal handles for typeahead and evaluation. */
    get index() { return index },
    entries,
  }
}

export type Matcher = ReturnType<typeof createMatcher>
