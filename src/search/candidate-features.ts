// The features of one (query, entry) pair that the ranker reads (FEATURES in ranker.ts): how the
// query compares with one of the entry's questions, how retrieval ranked the entry, and how much of
// the query its answer holds. Written into a caller's buffer: a match scores ~30 entries × their
// questions × the parts of a letter, and allocating per pair was a good part of its time.
import { commonCount, coverageSorted, coveredShare, diceSorted, editSimilarity, hasSorted, pieceFound } from './features.ts'
import { FEATURE_INDEX } from './ranker.ts'
import type { PostingIndex } from './postings.ts'
import type { PreparedEntry, PreparedQuery, PreparedText } from './prepared-text.ts'
import type { PartHits } from './retrieval.ts'

/** The weights of a query's bigrams: by code (as in q.bigrams) for question features, in order of q.bigramStrings for the answer's. */
export interface GramWeights { byCode: Map<number, number> | null; byString: number[] }

/**
 * Weights of the query's bigrams (sorted by code, as in q.bigrams): their IDF over the entries in
 * the bigram view, else (no view, or an empty one) all equal: coverage is then a plain share.
 */
export function gramWeights(q: PreparedQuery, grams: PostingIndex | null): GramWeights {
  if (!grams) return { byCode: null, byString: q.bigramStrings.map(() => 1) }
  const n = grams.size
  const byString = q.bigramStrings.map((g) => Math.log(1 + n / (1 + grams.df(g))))
  const byCode = new Map<number, number>()
  q.bigramStrings.forEach((g, i) => byCode.set(g.length === 1 ? g.charCodeAt(0) * 65536 : g.charCodeAt(0) * 65536 + g.charCodeAt(1), byString[i]))
  return { byCode, byString }
}

/** What a part of the query brings to every candidate's features, computed once per match. */
export interface PartWeights {
  /** IDF of each of the query's words over the answers. */
  answerIdf: number[]
  gw: GramWeights
  /** The IDF of each of the query's bigrams (in q.bigrams' order) and their sum; null without the bigram view. */
  gramIdf: { weights: Float64Array; total: number } | null
}

export function createFeatureExtractor({ answerLcsChars }: { answerLcsChars: number }) {
  const cov = new Float64Array(2)

  /** The features of the query against one question of an entry (the rest of `x` is left as it is). */
  function questionFeatures(q: PreparedQuery, t: PreparedText, qIdf: (id: number) => number, maxIdf: number, gramIdf: PartWeights['gramIdf'], x: Float64Array) {
    const commonBigrams = commonCount(q.bigrams, t.bigrams)
    if (gramIdf) {
      x[FEATURE_INDEX.gramCovQ] = coveredShare(q.bigrams, gramIdf.weights, gramIdf.total, t.bigrams)
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
    x[FEATURE_INDEX.assoc] = associationShare(q, t)
  }

  /**
   * Of the query's words the question does not hold, how well each is stood for by a learned
   * associate the question does hold (its strongest), averaged over all of them.
   */
  function associationShare(q: PreparedQuery, t: PreparedText): number {
    if (q.associated.length === 0) return 0
    const lacking = q.terms.length - commonCount(q.terms, t.words)
    if (lacking <= 0) return 0
    let sum = 0
    for (const a of q.associated) {
      if (a.id > 0 && hasSorted(t.words, a.id)) continue
      let best = 0
      for (let k = 0; k < a.partners.length; k++) if (a.strengths[k] > best && hasSorted(t.terms, a.partners[k])) best = a.strengths[k]
      sum += best
    }
    return sum / lacking
  }

  /**
   * The features of a part of the query against the whole entry: how each view ranked it, the
   * related terms its questions hold, and its answer's coverage of the query. `whole` is the
   * retrieval of the whole text (a letter's body), whose scores count whichever part is scored.
   */
  function entryFeatures(h: PartHits, whole: PartHits, e: PreparedEntry, fusedShare: number, { answerIdf, gw }: PartWeights, x: Float64Array) {
    const id = e.doc.id
    const q = h.q
    const wh = h.word.get(id)
    const g = h.gram.get(id)
    const so = h.sound.get(id)
    x[FEATURE_INDEX.bm25Rel] = (wh?.score ?? 0) / h.bestWord
    x[FEATURE_INDEX.bm25Log] = Math.log1p(wh?.score ?? 0)
    x[FEATURE_INDEX.gramRel] = (g?.score ?? 0) / h.bestGram
    x[FEATURE_INDEX.gramLog] = Math.log1p(g?.score ?? 0)
    x[FEATURE_INDEX.fused] = fusedShare
    x[FEATURE_INDEX.wordRR] = wh ? 1 / (1 + wh.rank) : 0
    x[FEATURE_INDEX.gramRR] = g ? 1 / (1 + g.rank) : 0
    x[FEATURE_INDEX.soundRR] = so ? 1 / (1 + so.rank) : 0
    x[FEATURE_INDEX.sentence] = h.part.sentence === null ? 0 : 1
    // The whole text's bigram score, whichever part is scored: a letter's background still tells.
    x[FEATURE_INDEX.wholeGramRel] = (whole.gram.get(id)?.score ?? 0) / whole.bestGram
    x[FEATURE_INDEX.wholeWordRel] = (whole.word.get(id)?.score ?? 0) / whole.bestWord
    let rel = 0
    // The strongest related word any of the entry's questions holds: the first found, highest first.
    for (const r of q.relatedByWeight) if (e.questions.some((t) => t.text.includes(r.word))) { rel = r.weight; break }
    x[FEATURE_INDEX.related] = rel
    if (e.answer) {
      // One scan of the answer gives its longest common substring with the query and which of
      // the query's words and bigrams it holds.
      const lcs = q.substrings.scan(e.answer, answerLcsChars, true)
      const runs = q.substrings.maxRun
      let total = 0, covered = 0
      for (let k = 0; k < answerIdf.length; k++) { total += answerIdf[k]; if (pieceFound(q.termPieces[k], runs)) covered += answerIdf[k] }
      x[FEATURE_INDEX.ansCov] = total === 0 ? 0 : covered / total
      let inAnswer = 0, gramTotal = 0, gramCovered = 0
      for (let k = 0; k < q.bigramPieces.length; k++) {
        const found = pieceFound(q.bigramPieces[k], runs)
        gramTotal += gw.byString[k]
        if (found) { inAnswer++; gramCovered += gw.byString[k] }
      }
      x[FEATURE_INDEX.ansBigram] = q.bigramPieces.length ? inAnswer / q.bigramPieces.length : 0
      x[FEATURE_INDEX.ansGramIdf] = gramTotal === 0 ? 0 : gramCovered / gramTotal
      x[FEATURE_INDEX.ansLcs] = q.text.length ? lcs / q.text.length : 0
    }
  }

  return { questionFeatures, entryFeatures }
}

export type FeatureExtractor = ReturnType<typeof createFeatureExtractor>
