// The ranker's arithmetic: the features it reads, a linear score over them and the confidence model.
// The weights themselves are in model.json (model.ts).
import type { RankModel, Weights } from './model.ts'

/**
 * The features the re-ranker reads for one (query, entry) pair. Question features are taken from
 * the entry's question (standard or similar) that fits the query best.
 */
export const FEATURES = [
  'bias',
  'bm25Rel', // word-view BM25 score / best score of this query
  'bm25Log', // log(1 + BM25 score)
  'gramRel', // bigram-view BM25 score / best bigram score of this query
  'gramLog', // log(1 + bigram-view BM25 score)
  'bigramDice', // character bigrams, query vs question
  'charDice', // characters, query vs question
  'editSim', // 1 − edit distance / longer length
  'covQ', // IDF-weighted share of the query's words in the question
  'covD', // IDF-weighted share of the question's words in the query
  'pinyinDice', // toneless pinyin syllable bigrams (homophones, 公基金 for 公积金)
  'lcsRatio', // longest common substring / query length
  'exact', // same text after normalisation
  'lenRatio', // shorter / longer length
  'ansCov', // IDF-weighted share of the query's words in the answer
  'ansBigram', // share of the query's bigrams found in the answer
  'ansLcs', // longest common substring with the answer / query length
  'ansGramIdf', // IDF-weighted share of the query's bigrams in the answer (rare names and places weigh most)
  'gramCovQ', // IDF-weighted share of the query's bigrams in the question
  'hasQuestion', // 0 for an answer-only entry
  'missQ', // the rarest query word missing from the question, as IDF / max IDF
  'missD', // the rarest question word missing from the query
  'negation', // one text is negated (不, 没, 无, 非, 未, 别) and the other is not
  'numbers', // the texts carry different numbers
  'onlyQ', // characters of the query not in the question (count / 5, at most 1)
  'onlyD', // characters of the question not in the query
  'fused', // reciprocal-rank-fusion score over the views / the best candidate's
  'wordRR', // 1 / (1 + rank) in the word view (0 if not in its list)
  'gramRR', // the same in the character-bigram view
  'soundRR', // the same in the pinyin view
  'sentence', // 1 when the features come from one question sentence of a letter, 0 from the whole text
  'wholeGramRel', // bigram-view score of the whole text (a letter's body) / the best one, whichever part is scored
  'wholeWordRel', // the same in the word view
  'related', // the weight of the strongest related term (房本 ~ 不动产权证书) found in the entry's questions
  'assoc', // query words the question lacks, stood for by a learned associate it holds (旅馆 / 酒店): mean strength
] as const

export type FeatureName = (typeof FEATURES)[number]
export const FEATURE_INDEX = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<FeatureName, number>

export function rankWeights(model: { rank: Weights; rankLetter?: Weights }, which: 'rank' | 'rankLetter' = 'rank'): Float64Array {
  const w = new Float64Array(FEATURES.length)
  const source = model[which] ?? model.rank
  FEATURES.forEach((f, i) => { w[i] = source[f] ?? 0 })
  return w
}

/** The ranking score of a feature vector under `model` (a linear score). */
export function compileScorer(model: { rank: Weights }): (x: Float64Array) => number {
  const w = rankWeights(model)
  return (x) => dot(w, x)
}

export function dot(w: Float64Array, x: Float64Array): number {
  let s = 0
  for (let i = 0; i < w.length; i++) s += w[i] * x[i]
  return s
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/** What the confidence model reads: the candidate's score, its lead and some of its features. */
export const CONFIDENCE_INPUTS = ['bias', 'top', 'margin', 'share', 'editSim', 'bigramDice', 'charDice', 'covQ', 'covD', 'missQ', 'missD', 'negation', 'onlyQ', 'onlyD'] as const

/**
 * `share`: the candidate's softmax share of the pool, exp(score) / Σ exp(scores), which is what the
 * listwise ranker is fitted to predict (the lead in probability space, over every runner-up).
 */
export function confidenceInputs(top: number, second: number | undefined, x: Float64Array, share = 1): number[] {
  const margin = second === undefined ? 4 : Math.min(4, top - second)
  return CONFIDENCE_SOURCES.map((src) => confidenceInput(src, top, margin, share, x))
}

// Where each confidence input comes from: -1 bias, -2 top score, -3 margin, -4 share, else a feature index.
const CONFIDENCE_SOURCES = CONFIDENCE_INPUTS.map((k) => (k === 'bias' ? -1 : k === 'top' ? -2 : k === 'margin' ? -3 : k === 'share' ? -4 : FEATURE_INDEX[k]))
const confidenceInput = (src: number, top: number, margin: number, share: number, x: Float64Array) =>
  src === -1 ? 1 : src === -2 ? top : src === -3 ? margin : src === -4 ? share : x[src]

/** Softmax shares of scores (any order). */
export function softmaxShares(scores: readonly number[]): number[] {
  let max = -Infinity
  for (const s of scores) if (s > max) max = s
  let sum = 0
  const ex = scores.map((s) => { const e = Math.exp(s - max); sum += e; return e })
  return ex.map((e) => e / sum)
}

const confidenceWeightsOf = new WeakMap<Pick<RankModel, 'confidence'>, Float64Array>()

/**
 * Probability that the candidate is right, from its score, its lead over the runner-up, its share
 * of the pool and its fit. The same as the model over `confidenceInputs`, without allocating.
 */
export function confidenceOf(model: Pick<RankModel, 'confidence'>, top: number, second: number | undefined, x: Float64Array, share = 1): number {
  let w = confidenceWeightsOf.get(model)
  if (!w) {
    w = Float64Array.from(CONFIDENCE_INPUTS, (k) => model.confidence[k] ?? 0)
    confidenceWeightsOf.set(model, w)
  }
  const margin = second === undefined ? 4 : Math.min(4, top - second)
  let z = 0
  for (let i = 0; i < w.length; i++) z += w[i] * confidenceInput(CONFIDENCE_SOURCES[i], top, margin, share, x)
  return sigmoid(z)
}
