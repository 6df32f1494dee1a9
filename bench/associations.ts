// npm run associations: learns which words stand for each other from labelled paraphrase pairs, and
// writes src/search/data/associations.tsv, which the re-ranker reads (feature `assoc`, ranker.ts).
//
// Data: the same-meaning pairs of ../shared/benchmarks/pairs (AFQMC train, OPPO XiaoBu, STS-B train
// with a score of 4 or 5, PAWS-X), which are for fitting, never for evaluation. A pair is left out
// when either sentence occurs in any benchmark task (their libraries and queries): AFQMC repeats its
// customer-service questions across its splits, and a table learned from them would remember the test.
//
// Model: IBM Model 1 (word-translation probabilities t(f | e) by expectation maximisation, with a
// null word), trained in both directions on words as the matcher reads them (normalised, synonyms
// read, cut by jieba, stop words out). Kept: pairs of different words whose probability is at least
// MIN_PROBABILITY, where the source word occurs in at least MIN_WORD_PAIRS pairs and the two co-occur
// in at least MIN_CO_PAIRS (a word seen once "translates" to whatever stood beside it).
// Deterministic: the same data gives the same file.
import { readFileSync, writeFileSync } from 'node:fs'
import { normalizeText, STOP_WORDS } from '../src/search/normalize.ts'
import { cutWords, warmUp } from '../src/search/tokenizer.ts'
import { ASSOCIATIONS_FILE } from '../src/search/associations.ts'
import { loadModelOptions } from '../src/search/model.ts'
import { BENCH_DIR, loadTask, startingVocabulary } from './datasets.ts'

const ITERATIONS = 6
const MIN_PROBABILITY = 0.05
const MIN_WORD_PAIRS = 3
const MIN_CO_PAIRS = 2
const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as const }))
const out = args.get('out') ?? ASSOCIATIONS_FILE

warmUp()
const { rewrite } = startingVocabulary()
const benchmarkSentences = new Set<string>()
for (const name of ['afqmc', 'lcqmc', 'tipdm', 'tipdm-letters', 'domain-dev']) {
  const task = loadTask(name)
  for (const l of task.library) if (l.question) benchmarkSentences.add(l.question.trim())
  for (const q of task.queries) benchmarkSentences.add(q.query.trim())
}

/** Same-meaning pairs of one file: `columns` are sentence 1, sentence 2 and the label; `same` reads the label. */
function pairsOf(file: string, same: (label: string) => boolean, columns = [0, 1, 2], header = false): [string, string][] {
  const lines = readFileSync(BENCH_DIR + 'pairs/' + file, 'utf8').split('\n').slice(header ? 1 : 0)
  const pairs: [string, string][] = []
  for (const line of lines) {
    const c = line.split('\t')
    if (c.length <= Math.max(...columns)) continue
    const [a, b, label] = columns.map((i) => c[i].trim())
    if (!same(label) || benchmarkSentences.has(a) || benchmarkSentences.has(b)) continue
    pairs.push([a, b])
  }
  return pairs
}

const pairs = [
  ...pairsOf('afqmc-train.txt', (l) => l === '1'),
  ...pairsOf('oppo-xiaobu-dev.txt', (l) => l === '1'),
  ...pairsOf('sts-b-train.txt', (l) => Number(l) >= 4),
  ...pairsOf('paws-x-dev_2k.tsv', (l) => l === '1', [1, 2, 3], true),
  ...pairsOf('paws-x-test_2k.tsv', (l) => l === '1', [1, 2, 3], true),
]

const ids = new Map<string, number>()
const words: string[] = ['']
const NULL = 0
const idOf = (w: string) => { let i = ids.get(w); if (i === undefined) { i = words.length; ids.set(w, i); words.push(w) } return i }
// Cut as the matcher cuts (the shipped model's cut mode).
const { cutMode } = loadModelOptions()
const wordsOf = (s: string) => [...new Set(cutWords(rewrite(normalizeText(s)), cutMode).filter((w) => !STOP_WORDS.has(w)))].map(idOf)
/** Sentence pairs both ways: (target words, source words). */
const data: [number[], number[]][] = []
for (const [a, b] of pairs) {
  const A = wordsOf(a), B = wordsOf(b)
  if (A.length && B.length) data.push([A, B], [B, A])
}

// t(f | e) keyed e · SPAN + f; unseen pairs start uniform.
const SPAN = 2 ** 21
if (words.length >= SPAN) throw new Error('vocabulary too large for the key space')
let t = new Map<number, number>()
const initial = 1 / words.length
for (let it = 0; it < ITERATIONS; it++) {
  const counts = new Map<number, number>()
  const totals = new Float64Array(words.length)
  for (const [target, source] of data) {
    const es = [...source, NULL]
    for (const f of target) {
      let z = 0
      for (const e of es) z += t.get(e * SPAN + f) ?? initial
      for (const e of es) {
        const k = e * SPAN + f
        const c = (t.get(k) ?? initial) / z
        counts.set(k, (counts.get(k) ?? 0) + c)
        totals[e] += c
      }
    }
  }
  t = new Map()
  for (const [k, c] of counts) t.set(k, c / totals[Math.floor(k / SPAN)])
}

const pairCount = new Float64Array(words.length)
const together = new Map<number, number>()
for (const [target, source] of data) {
  for (const e of source) pairCount[e]++
  for (const e of source) for (const f of target) together.set(e * SPAN + f, (together.get(e * SPAN + f) ?? 0) + 1)
}
const kept: [string, string, number][] = []
for (const [k, p] of t) {
  const e = Math.floor(k / SPAN), f = k % SPAN
  if (e === NULL || e === f || p < MIN_PROBABILITY || pairCount[e] < MIN_WORD_PAIRS || (together.get(k) ?? 0) < MIN_CO_PAIRS) continue
  kept.push([words[e], words[f], p])
}
kept.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0))
const header = [
  '# Word associations learned by `npm run associations` (bench/associations.ts): IBM Model 1 on the',
  `# same-meaning pairs of ../shared/benchmarks/pairs (${pairs.length} pairs, none with a benchmark sentence).`,
  '# "source<TAB>target<TAB>t(target | source)"; the re-ranker reads each pair both ways at the higher value.',
]
writeFileSync(out, [...header, ...kept.map(([e, f, p]) => `${e}\t${f}\t${p.toFixed(3)}`)].join('\n') + '\n')
console.log(`${pairs.length} pairs, ${words.length - 1} words, ${kept.length} associations → ${out}`)
