import MiniSearch from 'minisearch'
import { pinyin } from 'pinyin-pro'
import { STOP_WORDS, compactText, normalizeText } from './normalize.ts'
import { createMemo, cutWords, indexTerms, type CutMode } from './tokenizer.ts'
import { charBigrams, charSet, containmentInText, dice, editSimilarity, isNegated, longestCommonSubstring, maxMissing, numbersIn, weightedCoverage } from './features.ts'
import { FEATURES, FEATURE_INDEX, confidenceOf, dot, rankWeights, type RankModel } from './ranker.ts'

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
}

interface PreparedText {
  text: string // compact normalised text
  words: Set<string>
  terms: string[] // distinct words that are not stop words
  indexWords: string[] // the same with repeats, in order, as indexed (dropped once indexed)
  bigrams: Set<string>
  chars: Set<string>
  pinyin: Set<string> | null
  negated: boolean
  numbers: string
}

interface PreparedEntry {
  doc: MatchDocument
  questions: PreparedText[] // [standard, ...similar], blank ones left out
  questionTexts: string[] // the same questions as written
  plainTexts: string[] // the same, normalised and compact but without synonyms (typeahead compares them)
  answer: string // compact normalised start of the answer
  qTerms: Set<string> // words of the questions and keywords, for document frequencies
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
}

export interface MatchOutcome {
  candidates: RankedCandidate[]
  /** The query as normalised, after synonyms. */
  normalized: string
}

const DEFAULT_BOOSTS = { question: 3, similar: 2.5, keywords: 2, answer: 1 }

function pinyinBigrams(text: string): Set<string> {
  const syl = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive' })
  const out = new Set<string>()
  for (let i = 0; i + 1 < syl.length; i++) out.add(syl[i] + ' ' + syl[i + 1])
  if (syl.length === 1) out.add(syl[0])
  return out
}

export function createMatcher(options: MatcherOptions) {
  const cutMode = options.cutMode ?? 'cut'
  const rewrite = options.rewrite ?? ((s: string) => s)
  const pool = options.pool ?? 30
  const answerChars = options.answerChars ?? 300
  const boosts = options.boosts ?? DEFAULT_BOOSTS
  const usePinyin = options.pinyin ?? true
  const maxDfShare = options.maxDfShare ?? 0.05
  const maxDf = options.maxDf ?? 600
  const answerLcsChars = options.answerLcsChars ?? 120
  const maxQueryTerms = options.maxQueryTerms ?? 12
  let model = options.model
  let weights = rankWeights(model)

  const entries = new Map<number, PreparedEntry>()
  // Document frequencies of words over questions (and keywords), and over answers, for IDF weights.
  const qDf = new Map<string, number>()
  const aDf = new Map<string, number>()
  let answerDocs = 0

  const tokenize = (text: string) => indexTerms(text, cutMode)
  // The matching fields are handed to MiniSearch already cut (words joined by spaces), so each text
  // goes through jieba once. `typeahead` holds the questions again, cut for search (住房公积金 →
  // 住房, 公积, 公积金, …), so that a prefix being typed can start inside a long dictionary word.
  const MATCH_FIELDS = ['question', 'similar', 'keywords', 'answer']
  const newIndex = () => new MiniSearch<{ id: number; question: string; similar: string; keywords: string; answer: string; typeahead: string }>({
    fields: [...MATCH_FIELDS, 'typeahead'],
    tokenize: (text, field) => (field === 'typeahead' ? indexTerms(text, 'search') : text.split(' ')),
    processTerm: (t) => t,
    searchOptions: { boost: boosts, tokenize: (q) => q.split(' '), processTerm: (t) => t, combineWith: 'OR' },
  })
  let index = newIndex()

  const prepare = (raw: string) => rewrite(normalizeText(raw))

  function prepareText(normalized: string): PreparedText {
    const text = compactText(normalized)
    const words = cutWords(normalized, cutMode)
    const indexWords = words.filter((w) => !STOP_WORDS.has(w))
    return {
      text, words: new Set(words), terms: [...new Set(indexWords)], indexWords, bigrams: charBigrams(text), chars: charSet(text),
      pinyin: usePinyin ? pinyinBigrams(text) : null, negated: isNegated(text), numbers: numbersIn(text),
    }
  }

  const bump = (df: Map<string, number>, terms: Iterable<string>, by: number) => {
    for (const t of terms) {
      const n = (df.get(t) ?? 0) + by
      if (n <= 0) df.delete(t)
      else df.set(t, n)
    }
  }

  function add(doc: MatchDocument) {
    if (entries.has(doc.id)) remove(doc.id)
    const questionTexts = [doc.question, ...doc.similarQuestions].filter((q) => q && q.trim())
    const plain = questionTexts.map((q) => normalizeText(q))
    const questions = plain.map((n) => prepareText(rewrite(n)))
    const answerNorm = prepare(doc.answer.slice(0, answerChars))
    const answerWords = answerNorm ? tokenize(answerNorm) : []
    const keywordWords = doc.keywords.flatMap((k) => tokenize(prepare(k)))
    const qTerms = new Set<string>(keywordWords)
    for (const p of questions) for (const t of p.terms) qTerms.add(t)
    const entry: PreparedEntry = { doc, questions, questionTexts, plainTexts: plain.map(compactText), answer: compactText(answerNorm), qTerms }
    entries.set(doc.id, entry)
    bump(qDf, qTerms, 1)
    if (entry.answer) { bump(aDf, new Set(answerWords), 1); answerDocs++ }
    const hasStandard = doc.question.trim() !== ''
    index.add({
      id: doc.id,
      question: hasStandard ? questions[0].indexWords.join(' ') : '',
      similar: questions.slice(hasStandard ? 1 : 0).map((p) => p.indexWords.join(' ')).join(' '),
      keywords: keywordWords.join(' '),
      answer: answerWords.join(' '),
      // As written and with synonyms read, so both what the agent sees and its canonical form match.
      typeahead: plain.map((n) => { const r = rewrite(n); return r === n ? n : `${n} ${r}` }).join(' '),
    })
    // Kept per entry for re-ranking are the sets; the ordered word lists were only for indexing.
    for (const p of questions) p.indexWords = []
  }

  function remove(id: number) {
    const entry = entries.get(id)
    if (!entry) return false
    bump(qDf, entry.qTerms, -1)
    // Answer words are not kept per entry (too much memory at 100k entries): cut again, as on add.
    if (entry.answer) { bump(aDf, new Set(tokenize(prepare(entry.doc.answer.slice(0, answerChars)))), -1); answerDocs-- }
    entries.delete(id)
    index.discard(id)
    return true
  }

  const queryMemo = createMemo<{ normalized: string; prepared: PreparedText; searchTerms: string[] }>()
  function prepareQuery(question: string) {
    return queryMemo.get(question, () => {
      const normalized = prepare(question)
      const prepared = prepareText(normalized)
      // A query of stop words only ("是什么") still searches with what it has.
      const searchTerms = prepared.terms.length ? prepared.terms : [...prepared.words]
      return { normalized, prepared, searchTerms }
    })
  }

  const dfOf = (t: string) => (qDf.get(t) ?? 0) + (aDf.get(t) ?? 0)

  /** The query's words worth looking up: not too common, at most maxQueryTerms, rarest first. */
  function retrievalTerms(terms: string[]): string[] {
    const limit = Math.max(20, Math.min(maxDf, maxDfShare * entries.size))
    const byRarity = terms.map((t) => ({ t, df: dfOf(t) })).sort((a, b) => a.df - b.df)
    const kept = byRarity.filter((x, i) => i < 2 || x.df <= limit).slice(0, maxQueryTerms)
    return kept.map((x) => x.t)
  }

  const idfFrom = (df: Map<string, number>, n: number) => (t: string) => Math.log(1 + n / (1 + (df.get(t) ?? 0)))

  function questionFeatures(q: PreparedText, t: PreparedText, qIdf: (t: string) => number, maxIdf: number, x: Float64Array) {
    x[FEATURE_INDEX.bigramDice] = dice(q.bigrams, t.bigrams)
    x[FEATURE_INDEX.charDice] = dice(q.chars, t.chars)
    x[FEATURE_INDEX.editSim] = editSimilarity(q.text, t.text)
    x[FEATURE_INDEX.covQ] = weightedCoverage(q.terms, qIdf, (w) => t.words.has(w))
    x[FEATURE_INDEX.covD] = weightedCoverage(t.terms, qIdf, (w) => q.words.has(w))
    x[FEATURE_INDEX.pinyinDice] = q.pinyin && t.pinyin ? dice(q.pinyin, t.pinyin) : 0
    x[FEATURE_INDEX.lcsRatio] = q.text.length ? longestCommonSubstring(q.text, t.text) / q.text.length : 0
    x[FEATURE_INDEX.exact] = q.text === t.text ? 1 : 0
    x[FEATURE_INDEX.lenRatio] = Math.min(q.text.length, t.text.length) / Math.max(1, q.text.length, t.text.length)
    x[FEATURE_INDEX.hasQuestion] = 1
    x[FEATURE_INDEX.missQ] = maxMissing(q.terms, qIdf, (w) => t.words.has(w)) / maxIdf
    x[FEATURE_INDEX.missD] = maxMissing(t.terms, qIdf, (w) => q.words.has(w)) / maxIdf
    x[FEATURE_INDEX.negation] = q.negated !== t.negated ? 1 : 0
    x[FEATURE_INDEX.numbers] = q.numbers !== t.numbers ? 1 : 0
    let onlyQ = 0, onlyD = 0
    for (const c of q.chars) if (!t.chars.has(c)) onlyQ++
    for (const c of t.chars) if (!q.chars.has(c)) onlyD++
    x[FEATURE_INDEX.onlyQ] = Math.min(1, onlyQ / 5)
    x[FEATURE_INDEX.onlyD] = Math.min(1, onlyD / 5)
  }

  /** Retrieval and re-ranking; `limit` candidates, best first. */
  function match(question: string, opts: { topic?: string | null; limit?: number } = {}): MatchOutcome {
    const limit = opts.limit ?? 5
    const { normalized, prepared: q, searchTerms: allTerms } = prepareQuery(question)
    if (allTerms.length === 0 || entries.size === 0) return { candidates: [], normalized }
    const searchTerms = retrievalTerms(allTerms)
    const topic = opts.topic
    const hits = index.search({ queries: searchTerms, combineWith: 'OR' } as never, {
      fields: MATCH_FIELDS,
      filter: topic ? (r) => entries.get(r.id as number)?.doc.topicCode === topic : undefined,
    })
    const n = Math.min(pool, hits.length)
    if (n === 0) return { candidates: [], normalized }
    const best = hits[0].score
    const qIdf = idfFrom(qDf, Math.max(1, entries.size))
    const maxIdf = Math.log(1 + Math.max(1, entries.size))
    const aIdf = idfFrom(aDf, Math.max(1, answerDocs))
    const ranked: RankedCandidate[] = []
    for (let i = 0; i < n; i++) {
      const h = hits[i]
      const e = entries.get(h.id as number)!
      let bestX: Float64Array | null = null
      let bestScore = -Infinity
      let bestIndex = -1
      for (let qi = 0; qi < e.questions.length; qi++) {
        const x = new Float64Array(FEATURES.length)
        questionFeatures(q, e.questions[qi], qIdf, maxIdf, x)
        x[FEATURE_INDEX.bias] = 1
        const s = dot(weights, x)
        if (s > bestScore) { bestScore = s; bestX = x; bestIndex = qi }
      }
      const x = bestX ?? new Float64Array(FEATURES.length)
      x[FEATURE_INDEX.bias] = 1
      x[FEATURE_INDEX.bm25Rel] = h.score / best
      x[FEATURE_INDEX.bm25Log] = Math.log1p(h.score)
      if (e.answer) {
        x[FEATURE_INDEX.ansCov] = weightedCoverage(q.terms, aIdf, (w) => e.answer.includes(w))
        x[FEATURE_INDEX.ansBigram] = containmentInText(q.bigrams, e.answer)
        x[FEATURE_INDEX.ansLcs] = q.text.length ? longestCommonSubstring(q.text, e.answer, answerLcsChars) / q.text.length : 0
      }
      const score = dot(weights, x)
      ranked.push({
        id: e.doc.id, doc: e.doc, questionIndex: bestIndex,
        matchedQuestion: bestIndex >= 0 ? e.questionTexts[bestIndex] : e.doc.question,
        score, confidence: 0, bm25: h.score, features: x, terms: h.terms,
      })
    }
    ranked.sort((a, b) => b.score - a.score)
    const top = ranked[0]
    top.confidence = confidenceOf(model, top.score, ranked[1]?.score, top.features)
    for (let i = 1; i < ranked.length; i++) {
      const c = ranked[i]
      // A runner-up's confidence is judged against the top candidate it lost to.
      c.confidence = confidenceOf(model, c.score, top.score, c.features)
    }
    return { candidates: ranked.slice(0, limit), normalized }
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
    const isCommon = (w: string) => STOP_WORDS.has(w) || (qDf.get(w) ?? 0) > common
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
        const found = single ? [...h.terms, typedTail] : h.terms
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
    clear() { entries.clear(); qDf.clear(); aDf.clear(); answerDocs = 0; index = newIndex(); queryMemo.clear() },
    match,
    prepareQuery,
    /** Forgets memoised queries (benchmarks measure cold queries). */
    forgetQueries() { queryMemo.clear() },
    setModel(m: RankModel) { model = m; weights = rankWeights(m) },
    /** Internal handles for typeahead and evaluation. */
    get index() { return index },
    entries,
  }
}

export type Matcher = ReturnType<typeof createMatcher>
