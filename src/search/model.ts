// What src/search/data/model.json holds: the ranker's fitted weights, and the matcher's options they
// were fitted with (a model fitted with one pool, cut mode or set of views ranks worse with another,
// so the two travel together). The file is checked when it is loaded: a key that is missing, unknown
// (a misspelt one) or of the wrong type stops start-up with a message naming it, where before a
// missing weight was silently read as 0 and an unknown one ignored.
import { readFileSync } from 'node:fs'
import { fromRoot } from '../paths.ts'
import { CONFIDENCE_INPUTS, FEATURES } from './ranker.ts'
import { CUT_MODES, type CutMode } from './tokenizer.ts'

export type Weights = Record<string, number>

/** How the matcher reads and retrieves: options the weights were fitted with. */
export interface ModelOptions {
  /** How jieba cuts (tokenizer.ts). */
  cutMode: CutMode
  /** Compute pinyin for the homophone feature and the pinyin view (costs index time). */
  pinyin: boolean
  /** Only the start of long answers is indexed and compared: replies quote the question early. */
  answerChars: number
  /** The word view's field boosts. */
  boosts: { question: number; similar: number; keywords: number; answer: number }
  /** Candidates taken from retrieval into re-ranking. */
  pool: number
  /**
   * Words found in more than this share of entries are left out of retrieval (they still count in
   * re-ranking): their posting lists are what makes a query slow, and BM25 gives them little weight.
   */
  maxDfShare: number
  /** The same as an absolute number of entries, which is what bounds latency in a large library. */
  maxDf: number
  /** The longest common substring with the answer is looked for in its first this many characters. */
  answerLcsChars: number
  /** At most this many (the rarest) words of a long question are used for retrieval. */
  maxQueryTerms: number
  /**
   * The character-bigram view: a second retrieval over the character bigrams of the questions and
   * of the answer's first `gramAnswerChars` characters, which finds what word cutting misses
   * (景蓉华苑 vs 景蓉花苑, names jieba cuts into single characters). `'answer-only'` keeps only
   * entries without a question in it (imported replies): an entry with questions is found by them,
   * where the word view does well. See docs/matching.md for what each setting costs and brings.
   */
  gramView: boolean | 'answer-only'
  /** How many characters of an answer-only entry's answer go into the bigram view (at most answerChars). */
  gramAnswerChars: number
  /** The same for an entry that has questions. */
  gramAnswerCharsWithQuestions: number
  /** The bigram view's field boosts: the questions' bigrams, the answer start's. */
  gramBoosts: { qgrams: number; agrams: number }
  /** At most this many (the rarest) bigrams of a query are looked up. */
  maxGramTerms: number
  /** The pinyin view: retrieval over toneless syllable bigrams of the questions, so homophone typos (登计, 医宝) meet. */
  pinyinView: boolean
  /** Each view's best this many entries are fused (reciprocal rank fusion) into the pool. */
  viewDepth: number
  /** RRF's constant: weight / (rrfK + rank). */
  rrfK: number
  /** Each view's weight in the fusion. */
  viewWeights: { word: number; gram: number; sound: number }
}

/**
 * `rank`: weights of a linear score over FEATURES (a logistic model of "this candidate is the
 * right entry"). `rankLetter`: the same for letters (LETTER_CHARS or more) against answer-only
 * entries, fitted on letters, where the answer and bigrams weigh more. `confidence`: a logistic
 * model over CONFIDENCE_INPUTS (the top candidate's score, its margin over the second, its share and
 * its best question similarity), fitted so that its output is the probability that the top candidate
 * is right. All fitted by bench/fit.ts on data that is not the evaluation's.
 */
export interface RankModel {
  rank: Weights
  rankLetter: Weights
  confidence: Weights
  options: ModelOptions
  /** What it was fitted on, for people. */
  fittedOn?: string
}

export const MODEL_FILE = fromRoot('src/search/data/model.json')

export class ModelError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`匹配模型 ${source} 有误（${problems.length} 项）：\n- ${problems.join('\n- ')}`)
    this.name = 'ModelError'
  }
}

// The shape of model.json, checked key by key. A leaf is a kind of value, or the list of values allowed.
type Kind = 'number' | 'count' | 'share' | 'boolean' | 'text' | readonly (string | boolean)[]
interface Shape { [key: string]: Kind | Shape }
const weightsOf = (keys: readonly string[]): Shape => Object.fromEntries(keys.map((k) => [k, 'number' as const]))

const OPTIONS_SHAPE: Record<keyof ModelOptions, Kind | Shape> = {
  cutMode: CUT_MODES,
  pinyin: 'boolean',
  answerChars: 'count',
  boosts: { question: 'number', similar: 'number', keywords: 'number', answer: 'number' },
  pool: 'count',
  maxDfShare: 'share',
  maxDf: 'count',
  answerLcsChars: 'count',
  maxQueryTerms: 'count',
  gramView: [true, false, 'answer-only'],
  gramAnswerChars: 'count',
  gramAnswerCharsWithQuestions: 'count',
  gramBoosts: { qgrams: 'number', agrams: 'number' },
  maxGramTerms: 'count',
  pinyinView: 'boolean',
  viewDepth: 'count',
  rrfK: 'number',
  viewWeights: { word: 'number', gram: 'number', sound: 'number' },
}

const MODEL_SHAPE: Shape = {
  rank: weightsOf(FEATURES),
  rankLetter: weightsOf(FEATURES),
  confidence: weightsOf(CONFIDENCE_INPUTS),
  options: OPTIONS_SHAPE,
}
/** Keys that may be left out. */
const OPTIONAL_SHAPE: Shape = { fittedOn: 'text' }

const KIND_NAMES: Record<Exclude<Kind, readonly unknown[]>, string> = {
  number: '数值', count: '正整数', share: '大于 0、不大于 1 的数', boolean: 'true 或 false', text: '文字',
}

function fits(kind: Kind, v: unknown): boolean {
  if (Array.isArray(kind)) return kind.includes(v as string | boolean)
  switch (kind) {
    case 'number': return typeof v === 'number' && Number.isFinite(v)
    case 'count': return Number.isSafeInteger(v) && (v as number) > 0
    case 'share': return typeof v === 'number' && v > 0 && v <= 1
    case 'boolean': return typeof v === 'boolean'
    case 'text': return typeof v === 'string'
  }
  return false
}

function check(shape: Shape, value: unknown, path: string, problems: string[], optional: Shape = {}) {
  const at = (k: string) => (path ? `${path}.${k}` : k)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path || '文件内容'} 应为对象，实为 ${JSON.stringify(value)}`)
    return
  }
  const record = value as Record<string, unknown>
  for (const [k, kind] of Object.entries({ ...shape, ...optional })) {
    if (!Object.hasOwn(record, k)) {
      if (!Object.hasOwn(optional, k)) problems.push(`缺少 ${at(k)}`)
      continue
    }
    const v = record[k]
    if (typeof kind === 'object' && !Array.isArray(kind)) check(kind as Shape, v, at(k), problems)
    else if (!fits(kind as Kind, v)) {
      const want = Array.isArray(kind) ? kind.map((x) => JSON.stringify(x)).join('、') + ' 之一' : KIND_NAMES[kind as keyof typeof KIND_NAMES]
      problems.push(`${at(k)} 应为${want}，实为 ${JSON.stringify(v)}`)
    }
  }
  for (const k of Object.keys(record)) if (!Object.hasOwn(shape, k) && !Object.hasOwn(optional, k)) problems.push(`未知的键 ${at(k)}`)
}

/** The model as read from JSON, or a ModelError naming every key that is missing, unknown or of the wrong type. */
export function checkModel(value: unknown, source = 'model.json'): RankModel {
  const problems: string[] = []
  check(MODEL_SHAPE, value, '', problems, OPTIONAL_SHAPE)
  if (problems.length > 0) throw new ModelError(source, problems)
  return value as RankModel
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ModelError(path, [`无法读取：${(err as Error).message}`])
  }
}

/** Reads and checks a model file (by default the shipped one): when the search service is made, never at import. */
export function loadModel(path = MODEL_FILE): RankModel {
  return checkModel(readJson(path), path)
}

/**
 * Only the options of a model file, checked (`npm run fit` starts from them): a model fitted after
 * a feature was added starts from a file that has no weight for it yet.
 */
export function loadModelOptions(path = MODEL_FILE): ModelOptions {
  const problems: string[] = []
  const options = (readJson(path) as { options?: unknown } | null)?.options
  check(OPTIONS_SHAPE, options, 'options', problems)
  if (problems.length > 0) throw new ModelError(path, problems)
  return options as ModelOptions
}

/**
 * The model's options with some replaced (experiments in bench/: `--pool=50`). Only the options'
 * own keys are read from `overrides` (it may carry more, such as a matcher's other settings), and
 * an undefined value replaces nothing.
 */
export function withOptions(options: ModelOptions, overrides: Partial<ModelOptions> = {}): ModelOptions {
  const out: Record<string, unknown> = { ...options }
  for (const k of Object.keys(options) as (keyof ModelOptions)[]) if (overrides[k] !== undefined) out[k] = overrides[k]
  return out as unknown as ModelOptions
}
