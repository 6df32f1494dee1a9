// In-process matcher cost at library sizes of 1k, 10k and 100k entries (issue 7's in-process targets):
// index build time, memory, and match latency p50/p99 over the LCQMC queries.
//   npx tsx bench/match-latency.ts [--sizes=1000,10000,100000] [--passes=3] [--gram-terms=N] [--query-terms=N]
//   --passes: how many timed passes (the fastest per query is kept); more steadies the figures on a busy machine.
//   --gram-terms / --query-terms: replace the model's maxGramTerms / maxQueryTerms (what a letter's body looks up).
//   GRAMS=1|answer-only|off: the character-bigram view for every entry, for answer-only entries (the default) or none;
//   ANSWER_CHARS=600: how much of an answer is indexed and compared
import { readFileSync } from 'node:fs'
import { LIMITS } from '../src/common/schemas.ts'
import { createMatcher, type MatchDocument } from '../src/search/matcher.ts'
import { loadModel } from '../src/search/model.ts'
import { warmUp } from '../src/search/tokenizer.ts'
import { fitCalibration, libraryExamplesAsync } from '../src/search/calibration.ts'
import { BENCH_DIR, gramViewArg, loadPairs, loadTask, rng, startingVocabulary } from './datasets.ts'

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as const }))
const sizes = (args.get('sizes') ?? '1000,10000,100000').split(',').map(Number)
const passCount = Math.max(1, Number(args.get('passes') ?? 3))

/** Real questions and answers from the benchmarks; more entries are made by mixing them. */
function corpus() {
  const questions = new Set<string>()
  for (const f of ['lcqmc/test.txt', 'lcqmc/dev.txt', 'afqmc/test.txt', 'afqmc/dev.txt']) for (const p of loadPairs(BENCH_DIR + f)) { questions.add(p.a); questions.add(p.b) }
  const answers: string[] = []
  for (const l of readFileSync(BENCH_DIR + 'ncppolicies/train.csv', 'utf8').split('\n').slice(1)) {
    const [, , q, a] = l.split('\t')
    if (q) questions.add(q)
    if (a && a.length > 20) answers.push(a)
  }
  for (const l of loadTask('tipdm').library) if (l.answer) answers.push(l.answer)
  return { questions: [...questions], answers }
}

function library(n: number, qs: string[], answers: string[]): MatchDocument[] {
  const r = rng(n)
  const docs: MatchDocument[] = []
  for (let i = 0; i < n; i++) {
    const base = qs[i % qs.length]
    // Past the real questions, a variant joins two of them (as a long caller question would).
    const question = i < qs.length ? base : `${base}，${qs[Math.floor(r() * qs.length)]}`
    const similar = r() < 0.5 ? [qs[Math.floor(r() * qs.length)]] : []
    docs.push({ id: i + 1, question, similarQuestions: similar, keywords: [], answer: answers[Math.floor(r() * answers.length)], topicCode: null, inForce: true })
  }
  return docs
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0) + ' MB'
const { questions, answers } = corpus()
const queries = loadTask('lcqmc').queries.map((q) => q.query)
// Letters (issue 13: p99 ≤ 10 ms at 10,000 entries): real citizens' letters to a website mailbox.
// Every third, of those the API accepts (LIMITS.question: 2,000 characters; a few run to 3,000).
const letters = loadTask('tipdm-letters').queries.map((q) => q.query).filter((q, i) => i % 3 === 0 && q.length <= LIMITS.question)
const model = loadModel()
const { rewrite, related, soundWords } = startingVocabulary()
warmUp()
console.log(`corpus: ${questions.length} questions, ${answers.length} answers; ${queries.length} queries`)
console.log(`load average at start: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} cores`)
console.log(`| entries | build | heap after build | RSS | match p50 | match p99 | match p99 (best of ${passCount}) | letter p50 | letter p99 (best of ${passCount}) | typeahead p99 | calibration (600 held-out questions) | its peak heap |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |`)
for (const n of sizes) {
  const docs = library(n, questions, answers)
  const m = createMatcher({
    model, rewrite, related, soundWords, gramView: gramViewArg(process.env.GRAMS),
    ...(args.has('gram-terms') ? { maxGramTerms: Number(args.get('gram-terms')) } : {}),
    ...(args.has('query-terms') ? { maxQueryTerms: Number(args.get('query-terms')) } : {}),
    ...(process.env.ANSWER_CHARS ? { answerChars: Number(process.env.ANSWER_CHARS) } : {}),
  })
  const t0 = performance.now()
  for (const d of docs) m.add(d)
  const build = performance.now() - t0
  global.gc?.()
  const mem = process.memoryUsage()
  // Warm-up pass, then a measured pass of every query (no memo hits: each query once).
  for (const q of queries.slice(0, 200)) m.match(q + '?')
  // Passes (three unless told) over the queries with the memo cleared in between; per query the fastest pass is
  // kept too, which filters out the time the process spent waiting for a core on a busy machine.
  const timed = (texts: readonly string[]) => {
    const passes: number[][] = []
    for (let pass = 0; pass < passCount; pass++) {
      m.forgetQueries()
      passes.push(texts.map((q) => { const s = performance.now(); m.match(q); return performance.now() - s }))
    }
    return { first: passes[0], best: passes[0].map((_, i) => Math.min(...passes.map((p) => p[i]))) }
  }
  const { first: times, best } = timed(queries)
  const { first: letterTimes, best: letterBest } = timed(letters)
  const typed: number[] = []
  for (const q of queries.slice(0, 500)) { const p = q.slice(0, 3); const s = performance.now(); m.suggest(p, { limit: 8 }); typed.push(performance.now() - s) }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)].toFixed(2) + ' ms'
  // What a rebuild adds: the library's own calibration (issue 14: ≤ 20 s and ≤ 200 MB at 10,000 entries).
  global.gc?.()
  const heapBefore = process.memoryUsage().heapUsed
  let peak = heapBefore
  const watch = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed) }, 50)
  const c0 = performance.now()
  const examples = await libraryExamplesAsync(m, docs)
  fitCalibration(examples, { desk: 0.02, automatic: 0.005 })
  const calibration = performance.now() - c0
  clearInterval(watch)
  peak = Math.max(peak, process.memoryUsage().heapUsed)
  console.log(`| ${n} | ${(build / 1000).toFixed(1)} s | ${mb(mem.heapUsed)} | ${mb(mem.rss)} | ${pct(times, 0.5)} | ${pct(times, 0.99)} | ${pct(best, 0.99)} | ${pct(letterTimes, 0.5)} | ${pct(letterBest, 0.99)} | ${pct(typed, 0.99)} | ${(calibration / 1000).toFixed(1)} s (${examples.length} examples) | +${mb(peak - heapBefore)} |`)
}
