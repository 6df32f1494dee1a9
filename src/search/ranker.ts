import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The features the re-ranker reads for one (query, entry) pair. Question features are taken from
 * the entry's question (standard or similar) that fits the query best.
 */
export const FEATURES = [
  'bias',
  'bm25Rel', // word-view BM25 score / best score of this query
  'bm25Log', // log(1 + BM25 score)
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
  'hasQuestion', // 0 for an answer-only entry
  'missQ', // the rarest query word missing from the question, as IDF / max IDF
  'missD', // the rarest question word missing from the query
  'negation', // one text is negated (不, 没, 无, 非, 未, 别) and the other is not
  'numbers', // the texts carry different numbers
  'onlyQ', // characters of the query not in the question (count / 5, at most 1)
  'onlyD', // characters of the question not in the query
] as const

export type FeatureName = (typeof FEATURES)[number]
export const FEATURE_INDEX = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<FeatureName, number>

/**
 * `rank`: weights of a linear score over FEATURES (a logistic model of "this candidate is the
 * right entry"). `confidence`: a logistic model over the top candidate's score, its margin over
 * the second and its best question similarity, fitted so that its output is the probability that
 * the top candidate is right. Both fitted by bench/fit.ts on data that is not the evaluation's.
 */
export interface RankModel {
  rank: Record<string, number>
  /** Logistic weights over CONFIDENCE_INPUTS. */
  confidence: Record<string, number>
  fittedOn?: string
}

export const MODEL_FILE = fileURLToPath(new URL('./data/model.json', import.meta.url))

export function loadModel(path = MODEL_FILE): RankModel {
  return JSON.parse(readFileSync(path, 'utf8')) as RankModel
}

export function rankWeights(model: RankModel): Float64Array {
  const w = new Float64Array(FEATURES.length)
  FEATURES.forEach((f, i) => { w[i] = model.rank[f] ?? 0 })
  return w
}

export function dot(w: Float64Array, x: Float64Array): number {
  let s = 0
  for (let i = 0; i < w.length; i++) s += w[i] * x[i]
  return s
}

export const sigmoid = (z: number) => 1 / (1 + Math.exp(-z))

/** What the confidence model reads: the candidate's score, its lead and some of its features. */
export const CONFIDENCE_INPUTS = ['bias', 'top', 'margin', 'editSim', 'bigramDice', 'charDice', 'covQ', 'covD', 'missQ', 'missD', 'negation', 'onlyQ', 'onlyD'] as const

export function confidenceInputs(top: number, second: number | undefined, x: Float64Array): number[] {
  const margin = second === undefined ? 4 : Math.min(4, top - second)
  return CONFIDENCE_INPUTS.map((k) => (k === 'bias' ? 1 : k === 'top' ? top : k === 'margin' ? margin : x[FEATURE_INDEX[k]]))
}

/** Probability that the top candidate is right, from its score, its lead over the runner-up and its fit. */
export function confidenceOf(model: RankModel, top: number, second: number | undefined, x: Float64Array): number {
  const inputs = confidenceInputs(top, second, x)
  let z = 0
  CONFIDENCE_INPUTS.forEach((k, i) => { z += (model.confidence[k] ?? 0) * inputs[i] })
  return sigmoid(z)
}
