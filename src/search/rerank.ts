// Re-ranking: the pool that retrieval found is scored by the fitted linear model over each entry's
// features (candidate-features.ts), best first, and the candidates returned get a confidence.
import { FEATURES, FEATURE_INDEX, confidenceOf, dot, rankWeights, softmaxShares } from './ranker.ts'
import { gramWeights, type FeatureExtractor, type PartWeights } from './candidate-features.ts'
import type { PreparedEntry, QuestionFrequencies } from './prepared-text.ts'
import type { PartHits, Retrieval } from './retrieval.ts'
import type { RankedCandidate } from './matcher.ts'
import type { RankModel } from './model.ts'

const EMPTY_FEATURES = new Float64Array(0)

export interface RerankerDeps {
  model: RankModel
  entries: ReadonlyMap<number, PreparedEntry>
  frequencies: QuestionFrequencies
  retrieval: Retrieval
  features: FeatureExtractor
}

/** The IDF of each of a query's bigrams, in order, and their sum (the same sum, in the same order, as coverageSorted's). */
function gramIdfOf(bigrams: readonly number[], byCode: Map<number, number>) {
  const weights = Float64Array.from(bigrams, (code) => byCode.get(code) ?? 0)
  let total = 0
  for (const w of weights) total += w
  return { weights, total }
}

/**
 * At most one entry answers a question rightly: a candidate is never shown as likelier than one ranked
 * above it for the same question, and their probabilities never add up to more than 1. A letter's
 * candidates for different sentences (matchedSentence) answer different questions and are left alone.
 */
export function coherent<C extends { confidence: number; matchedSentence: string | null }>(ranked: C[]): C[] {
  const taken = new Map<string | null, { sum: number; last: number }>()
  for (const c of ranked) {
    const before = taken.get(c.matchedSentence)
    if (before) c.confidence = Math.min(c.confidence, before.last, Math.max(0, 1 - before.sum))
    taken.set(c.matchedSentence, { sum: (before?.sum ?? 0) + c.confidence, last: c.confidence })
  }
  return ranked
}

export function createReranker({ model: initial, entries, frequencies, retrieval, features }: RerankerDeps) {
  let model = initial
  let weights = rankWeights(model)
  let letterWeights = rankWeights(model, 'rankLetter')
  const scratch = new Float64Array(FEATURES.length)
  const bestFeatures = new Float64Array(FEATURES.length)
  const partFeatures = new Float64Array(FEATURES.length)

  /** The pool scored, best first; the first `limit` with their features and confidence. */
  function rank(pooled: readonly [id: number, fused: number][], hits: readonly PartHits[], isLetter: boolean, limit: number): RankedCandidate[] {
    const bestFused = pooled[0][1]
    const nEntries = Math.max(1, entries.size)
    const qIdf = frequencies.idf(nEntries)
    const maxIdf = Math.log(1 + nEntries)
    const nAnswers = Math.max(1, frequencies.answers)
    const liveGrams = retrieval.liveGrams()
    const perPart: PartWeights[] = hits.map((h) => {
      const gw = gramWeights(h.q, liveGrams)
      const byCode = gw.byCode
      return {
        answerIdf: h.q.termStrings.map((t) => Math.log(1 + nAnswers / (1 + retrieval.answerDf(t)))),
        gw, gramIdf: byCode ? gramIdfOf(h.q.bigrams, byCode) : null,
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
        const part = perPart[pi]
        partX.fill(0)
        let bestScore = -Infinity
        let qIndex = -1
        // The entry's question that fits the part best gives the question features.
        for (let qi = 0; qi < e.questions.length; qi++) {
          scratch.fill(0)
          features.questionFeatures(h.q, e.questions[qi], qIdf, maxIdf, part.gramIdf, scratch)
          scratch[FEATURE_INDEX.bias] = 1
          const s = dot(w, scratch)
          if (s > bestScore) { bestScore = s; qIndex = qi; partX.set(scratch) }
        }
        partX[FEATURE_INDEX.bias] = 1
        features.entryFeatures(h, hits[0], e, fusedScore / bestFused, part, partX)
        const total = dot(w, partX)
        if (total > bestTotal) {
          bestTotal = total; bestIndex = qIndex; bestPart = pi; x.set(partX)
          bestMask = h.word.get(id)?.termMask ?? 0
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
    return coherent(chosen)
  }

  return {
    rank,
    /** Replaces the weights (the options stay those the matcher was made with). */
    setModel(m: RankModel) { model = m; weights = rankWeights(m); letterWeights = rankWeights(m, 'rankLetter') },
  }
}
