// npm run eval: the real matcher on the public retrieval benchmarks, plus the held-out decision test.
// Options: --task=lcqmc,afqmc,tipdm  --cut=cut|hmm|search  --pool=30  --no-pinyin  --threshold=0.8  --sweep
//          --decision=false  --max-wrong=0.02,0.005  --separation (the model's confidence on held-out entries, with --sweep)
//          --grams=answer-only|true|off  --gram-terms=10  --gram-answer=600  --answer-chars=600  --model=path.json
import { createMatcher, type Matcher } from '../src/search/matcher.ts'
import { loadModel, withOptions } from '../src/search/model.ts'
import type { CutMode } from '../src/search/tokenizer.ts'
import { createBaseline } from './baseline.ts'
import { calibrated, feedbackExamples, fitCalibration, libraryExamples, type Calibration } from '../src/search/calibration.ts'
import { nearMissGuards } from '../src/search/guards.ts'
import { answersVerbatim } from '../src/search/decision.ts'
import { FEATURE_INDEX } from '../src/search/ranker.ts'
import { fullText, gramViewArg, loadTask, rng, startingVocabulary, toDocuments, type RetrievalTask } from './datasets.ts'

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as const }))
const tasks = (args.get('task') ?? 'domain-dev,tipdm-letters,tipdm,lcqmc,afqmc').split(',')
const num = (key: string) => (args.has(key) ? Number(args.get(key)) : undefined)
const threshold = Number(args.get('threshold') ?? 0.9)
const model = loadModel(args.get('model'))
// The model's options unless replaced here (a model is fitted for one setting of them).
const options = withOptions(model.options, {
  cutMode: args.get('cut') as CutMode | undefined, pool: num('pool'), pinyin: args.get('no-pinyin') === 'true' ? false : undefined,
  answerChars: num('answer-chars'), maxDfShare: num('max-df'), answerLcsChars: num('lcs-chars'), gramView: gramViewArg(args.get('grams')),
  maxGramTerms: num('gram-terms'), maxQueryTerms: num('query-terms'), gramAnswerChars: num('gram-answer'),
})
const vocabulary = startingVocabulary()

function build(task: RetrievalTask, keep?: (id: string) => boolean) {
  const matcher = createMatcher({ model, ...options, ...vocabulary })
  const { docs, externalIds } = toDocuments(task.library, keep ? (l) => keep(l.id) : undefined)
  const t0 = performance.now()
  for (const d of docs) matcher.add(d)
  return { matcher, externalIds, buildMs: performance.now() - t0 }
}

interface Scores { r1: number; r5: number; mrr: number; n: number }
const score = (ranks: number[]): Scores => {
  const n = ranks.length
  return {
    n,
    r1: ranks.filter((r) => r === 0).length / n,
    r5: ranks.filter((r) => r >= 0 && r < 5).length / n,
    mrr: ranks.reduce((a, r) => a + (r >= 0 && r < 10 ? 1 / (r + 1) : 0), 0) / n,
  }
}

/** The matcher and the baseline on one task, per query style where the task has them. */
function retrieval(task: RetrievalTask) {
  const { matcher, externalIds, buildMs } = build(task)
  const baseline = createBaseline(task.library.map((l, i) => ({ id: i, text: fullText(l) })))
  const rows: { style: string; rank: number; baseRank: number; ms: number }[] = []
  for (const [i, q] of task.queries.entries()) {
    const t0 = performance.now()
    const { candidates } = matcher.match(q.query, { limit: 10 })
    const ms = performance.now() - t0
    const rank = candidates.findIndex((c) => externalIds[c.id - 1] === q.gold)
    const baseRank = baseline.search(q.query, 10).findIndex((i) => task.library[i].id === q.gold)
    // npm run fit uses the even-numbered tipdm-letters letters: the odd ones are the held-out figure.
    const style = q.style ?? (task.name === 'tipdm-letters' ? (i % 2 ? 'odd half, held out' : 'even half, fitted on') : 'all')
    rows.push({ style, rank, baseRank, ms })
  }
  const groups = new Map<string, typeof rows>([['all', rows]])
  for (const r of rows) if (r.style !== 'all') groups.set(r.style, [...(groups.get(r.style) ?? []), r])
  return [...groups].map(([style, rs]) => {
    const times = rs.map((r) => r.ms).sort((a, b) => a - b)
    return {
      style, buildMs, matcher: score(rs.map((r) => r.rank)), baseline: score(rs.map((r) => r.baseRank)),
      p50: times[Math.floor(times.length * 0.5)], p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))],
    }
  })
}

/** Takes 20% of the gold entries out; queries on them should come back unmatched. */
function decision(task: RetrievalTask, seed = 20240) {
  const golds = [...new Set(task.queries.map((q) => q.gold))].sort()
  const r = rng(seed)
  const heldOut = new Set(golds.filter(() => r() < 0.2))
  const { matcher, externalIds } = build(task, (id) => !heldOut.has(id))
  const rows = task.queries.map((q) => {
    const top = matcher.match(q.query, { limit: 1 }).candidates[0]
    return { present: !heldOut.has(q.gold), conf: top?.confidence ?? 0, right: top !== undefined && externalIds[top.id - 1] === q.gold }
  })
  const at = (th: number) => {
    const present = rows.filter((x) => x.present)
    const absent = rows.filter((x) => !x.present)
    const answered = rows.filter((x) => x.conf >= th)
    const wrong = answered.filter((x) => !x.right).length
    return {
      threshold: th,
      answeredRight: present.filter((x) => x.conf >= th && x.right).length / present.length,
      wrongShare: answered.length ? wrong / answered.length : 0,
      heldOutUnmatched: absent.filter((x) => x.conf < th).length / absent.length,
      answered: answered.length,
    }
  }
  /** For comparing variants only; the default threshold is chosen on fit data (bench/fit.ts), never here. */
  const bestAt = (maxWrong: number) => bestShareAt(rows.map((x) => ({ score: x.conf, answerable: x.present, right: x.right })), maxWrong)
  return { at, bestAt, heldOut: heldOut.size, queries: rows.length }
}

/**
 * Threshold-free view of how well a score separates right from wrong: the largest share of answerable
 * questions answered right at once over every threshold whose wrong share (unanswerable ones answered
 * included) is at most `maxWrong`. A bound with hindsight, never a way to choose a threshold.
 */
function bestShareAt(rows: readonly { score: number; answerable: boolean; right: boolean }[], maxWrong: number, answerable = rows.filter((x) => x.answerable).length): { share: number; answered: number } {
  const sorted = [...rows].sort((a, b) => b.score - a.score)
  let answered = 0, wrong = 0, right = 0
  let best = { share: 0, answered: 0 }
  for (const [i, x] of sorted.entries()) {
    answered++
    if (x.right) right++
    else wrong++
    // A threshold falls only between different scores.
    if (i + 1 < sorted.length && sorted[i + 1].score === x.score) continue
    if (wrong / answered <= maxWrong && right / answerable > best.share) best = { share: right / answerable, answered }
  }
  return best
}

const pct = (x: number) => (x * 100).toFixed(1) + '%'
const f3 = (x: number) => x.toFixed(3)

console.log(`matcher: cut=${options.cutMode} pool=${options.pool} pinyin=${options.pinyin} model=${model.fittedOn ?? '?'} threshold=${threshold}`)
console.log('\n| task | entries | queries | R@1 | R@5 | MRR@10 | baseline R@1 | baseline R@5 | baseline MRR@10 | build | p50 | p99 |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const name of tasks) {
  const task = loadTask(name)
  for (const r of retrieval(task)) {
    const label = r.style === 'all' ? name : `${name} (${r.style})`
    const m = r.matcher, b = r.baseline
    const worse = m.r1 < b.r1 ? ' ⚠ below baseline' : ''
    console.log(`| ${label} | ${task.library.length} | ${m.n} | ${f3(m.r1)}${worse} | ${f3(m.r5)} | ${f3(m.mrr)} | ${f3(b.r1)} | ${f3(b.r5)} | ${f3(b.mrr)} | ${(r.buildMs / 1000).toFixed(1)} s | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms |`)
  }
}
/**
 * The decision as a district runs it: the library calibrated on its own similar questions (as the
 * service does at every start-up and rebuild; a library without them falls back to the model's
 * confidence at 0.9 / 0.95), then every query and every unanswerable question decided at both
 * levels, near-miss guards included. Unanswerable questions: domain-dev's negatives; for the other
 * tasks, the queries of 20% of the gold entries taken out of the library (seed 20240).
 * With negatives (domain-dev), also the calibration as agents' use would make it: the questions of one
 * half settled by an agent (answered with the gold entry, or "none fitted" for a negative) join the
 * library's examples, and the other half is decided; both ways round (two-fold).
 */
async function libraryDecision(name: string) {
  const task = loadTask(name)
  const heldOut = new Set<string>()
  if (task.negatives.length === 0) {
    const r = rng(20240)
    for (const g of [...new Set(task.queries.map((q) => q.gold))].sort()) if (r() < 0.2) heldOut.add(g)
  }
  const { matcher, externalIds } = build(task, heldOut.size ? (id) => !heldOut.has(id) : undefined)
  const { docs } = toDocuments(task.library, heldOut.size ? (l) => !heldOut.has(l.id) : undefined)
  const t0 = performance.now()
  const heapBefore = process.memoryUsage().heapUsed
  const ownExamples = libraryExamples(matcher, docs)
  const fitted = fitCalibration(ownExamples, MAX_WRONG)
  const cal = withFallback(fitted)
  const calMs = performance.now() - t0
  // Right after the fit (a collection may still have run in it: never shown below 0).
  const calHeap = Math.max(0, process.memoryUsage().heapUsed - heapBefore)
  const byId = new Map(docs.map((d) => [d.id, d]))
  const entryIdOf = new Map(externalIds.map((x, i) => [x, i + 1]))
  const decide = (query: string) => {
    const [top, second] = matcher.match(query, { limit: 2 }).candidates
    if (!top) return { id: -1, raw: 0, verbatim: false, guards: [] as string[] }
    const d = byId.get(top.id)!
    // As the service decides (decision.ts): a question in the very words of one entry's question is answered whatever its probability.
    const verbatimOf = (c: typeof top | undefined) => c && { verbatim: c.features[FEATURE_INDEX.exact] === 1, matchedQuestion: c.matchedQuestion }
    return { id: top.id, raw: top.confidence, verbatim: answersVerbatim(verbatimOf(top), verbatimOf(second)), guards: nearMissGuards(top.matchedSentence ?? query, { matchedQuestion: top.matchedQuestion, keywords: d.keywords, answer: d.answer }).map((g) => g.kind as string) }
  }
  const answerable = task.queries.filter((q) => !heldOut.has(q.gold)).map((q) => { const r = decide(q.query); return { ...r, query: q.query, gold: entryIdOf.get(q.gold)!, right: r.id > 0 && externalIds[r.id - 1] === q.gold } })
  const unanswerable = [...task.negatives.map((n) => n.query), ...task.queries.filter((q) => heldOut.has(q.gold)).map((q) => q.query)].map((q) => ({ ...decide(q), query: q, gold: null, right: false }))
  console.log(`\n${name}: ${answerable.length} answerable, ${unanswerable.length} unanswerable (${task.negatives.length ? 'negatives' : `queries of ${heldOut.size} held-out entries`}); calibration ${cal.method === 'library' ? `on ${cal.examples.answerable} answerable and ${cal.examples.unanswerable} unanswerable self-examples` : 'fallback (too few similar questions): the model\'s confidence'} in ${(calMs / 1000).toFixed(1)} s (heap +${Math.round(calHeap / 1e6)} MB); thresholds desk ${cal.thresholds.desk.toFixed(3)}, automatic ${cal.thresholds.automatic.toFixed(3)}`)
  const all = [...answerable, ...unanswerable].map((r) => ({ ...r, p: calibrated(cal, r.raw), cal }))
  decisionTable(all, answerable.length, unanswerable.length)
  // How far any threshold on this ordering could go, chosen with hindsight on these very labels: the
  // bound the calibration works under (guard-blocked candidates are never answered at once).
  const open = all.filter((r) => r.guards.length === 0).map((r) => ({ score: r.verbatim ? Infinity : r.raw, answerable: r.gold !== null, right: r.right }))
  const bound = (maxWrong: number) => { const b = bestShareAt(open, maxWrong, answerable.length); return `${pct(b.share)} (${b.answered} answered)` }
  console.log(`Bound with hindsight (the best threshold on this ordering, chosen on these labels): at most 2% wrong allows ${bound(0.02)} answered right, 0.5% ${bound(0.005)}, 5% ${bound(0.05)}, 10% ${bound(0.1)}`)
  // Each guard on every top candidate, whatever the threshold: how often it fires, and how often the
  // candidate it withholds was right (its cost) or wrong (what it saves).
  console.log('Guards on every top candidate (cost: right ones withheld; saving: wrong ones withheld):\n| guard | fires | right (cost) | wrong (saving) | share wrong where it fires | share wrong elsewhere |\n| --- | --- | --- | --- | --- | --- |')
  for (const kind of ['number', 'negation', 'person', 'place']) {
    const fires = all.filter((r) => r.guards.includes(kind))
    const rest = all.filter((r) => !r.guards.includes(kind) && r.id > 0)
    console.log(`| ${kind} | ${fires.length} | ${fires.filter((r) => r.right).length} | ${fires.filter((r) => !r.right).length} | ${pct(fires.length ? fires.filter((r) => !r.right).length / fires.length : 0)} | ${pct(rest.filter((r) => !r.right).length / Math.max(1, rest.length))} |`)
  }
  console.log('Reliability (calibrated probability of the top candidate against how often it was right):\n| bin | n | predicted | observed |\n| --- | --- | --- | --- |')
  for (let b = 0; b < 10; b++) {
    const inBin = all.filter((x) => x.p >= b / 10 && (x.p < (b + 1) / 10 || (b === 9 && x.p <= 1)))
    if (inBin.length) console.log(`| ${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)} | ${inBin.length} | ${(inBin.reduce((a, x) => a + x.p, 0) / inBin.length).toFixed(2)} | ${(inBin.filter((x) => x.right).length / inBin.length).toFixed(2)} |`)
  }
  if (task.negatives.length === 0) return
  // Two-fold: every other question (answerable and unanswerable alike) is settled by an agent.
  const rows = [...answerable, ...unanswerable]
  const decided: typeof all = []
  for (const fold of [0, 1]) {
    const settled = rows.filter((_, i) => i % 2 !== fold).map((r) => ({ question: r.query, usedEntryId: r.gold, noneFitted: r.gold === null, askedAt: '' }))
    const feedback = await feedbackExamples(matcher, settled, () => true)
    const foldCal = withFallback(fitCalibration([...ownExamples, ...feedback], MAX_WRONG))
    console.log(`fold ${fold}: ${feedback.length} agents' choices join the ${ownExamples.length} self-examples; thresholds desk ${foldCal.thresholds.desk.toFixed(3)}, automatic ${foldCal.thresholds.automatic.toFixed(3)}`)
    rows.forEach((r, i) => { if (i % 2 === fold) decided.push({ ...r, p: calibrated(foldCal, r.raw), cal: foldCal }) })
  }
  console.log('After agents\' choices on the other half (two-fold), each half decided by its own calibration:')
  decisionTable(decided, answerable.length, unanswerable.length)
}

/** The service's defaults (MATCH_MAX_WRONG_DESK / _AUTO); `--max-wrong=0.1,0.05` to see what a looser setting would do. */
const MAX_WRONG = (() => {
  const [desk, automatic] = (args.get('max-wrong') ?? '0.02,0.005').split(',').map(Number)
  return { desk, automatic: automatic ?? desk }
})()

/** The service's fallback (decision.ts) when the library gives too few examples. */
const withFallback = (fitted: Calibration): Calibration => (fitted.method === 'library' ? fitted : { ...fitted, thresholds: { desk: 0.9, automatic: 0.95 } })

/** Both levels' figures, each row decided at its own calibration's thresholds. */
function decisionTable(rows: readonly { p: number; verbatim: boolean; right: boolean; gold: number | null; guards: string[]; cal: Calibration }[], answerable: number, unanswerable: number) {
  const verbatim = rows.filter((r) => r.verbatim)
  console.log(`(${verbatim.length} asked in the very words of one entry's question: ${verbatim.filter((r) => r.right).length} of them right)`)
  console.log('| level | answered at once and right | wrong among answers at once | unanswerable answered at once | withheld by a guard (right / wrong top) |\n| --- | --- | --- | --- | --- |')
  for (const level of ['desk', 'automatic'] as const) {
    const over = rows.filter((r) => r.p >= r.cal.thresholds[level] || r.verbatim)
    const at = over.filter((r) => r.guards.length === 0)
    const blocked = over.filter((r) => r.guards.length > 0)
    const wrong = at.filter((r) => !r.right).length
    console.log(`| ${level === 'desk' ? 'agent desk' : 'automatic'} (≤ ${MAX_WRONG[level] * 100}% wrong) | ${pct(at.filter((r) => r.right).length / answerable)} | ${pct(at.length ? wrong / at.length : 0)} | ${pct(at.filter((r) => r.gold === null).length / Math.max(1, unanswerable))} | ${blocked.filter((r) => r.right).length} / ${blocked.filter((r) => !r.right).length} |`)
  }
}
if (args.get('decision') !== 'false') for (const name of tasks.filter((t) => ['domain-dev', 'lcqmc', 'tipdm-letters'].includes(t))) await libraryDecision(name)

if (args.get('separation') === 'true') {
  console.log('\nHeld-out separation test (20% of gold entries removed, seed 20240), on the model\'s confidence:')
  console.log('| task | threshold | answered at once, right (gold present) | wrong among answers at once | held-out queries left unmatched |\n| --- | --- | --- | --- | --- |')
  for (const name of tasks) {
    const d = decision(loadTask(name))
    const ths = args.get('sweep') === 'true' ? [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] : [threshold]
    for (const th of ths) {
      const x = d.at(th)
      console.log(`| ${name} | ${th} | ${pct(x.answeredRight)} | ${pct(x.wrongShare)} | ${pct(x.heldOutUnmatched)} |`)
    }
    console.log(`(${name}: at most 2% wrong allows ${pct(d.bestAt(0.02).share)} answered right, at most 1% ${pct(d.bestAt(0.01).share)}; separation only, not a chosen threshold)`)
  }
}
void (undefined as unknown as Matcher)
