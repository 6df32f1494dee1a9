import { createMatcher } from '../../src/search/matcher.ts'
import { loadModel } from '../../src/search/ranker.ts'
import { createSynonymRewriter, readStartingSynonyms } from '../../src/search/synonyms.ts'
import { libraryExamples } from '../../src/search/calibration.ts'
import { loadTask, toDocuments } from '../datasets.ts'
const task = loadTask('domain-dev')
const model = loadModel()
const matcher = createMatcher({ model, rewrite: createSynonymRewriter(readStartingSynonyms()) })
const { docs, externalIds } = toDocuments(task.library)
for (const d of docs) matcher.add(d)
type R = { raw: number; right: boolean; margin: number; style: string }
const rows: R[] = []
for (const q of task.queries) {
  const c = matcher.match(q.query, { limit: 3 }).candidates
  rows.push({ raw: c[0]?.confidence ?? 0, right: !!c[0] && externalIds[c[0].id - 1] === q.gold, margin: (c[0]?.confidence ?? 0) - (c[1]?.confidence ?? 0), style: q.style ?? '' })
}
for (const n of task.negatives) {
  const c = matcher.match(n.query, { limit: 3 }).candidates
  rows.push({ raw: c[0]?.confidence ?? 0, right: false, margin: (c[0]?.confidence ?? 0) - (c[1]?.confidence ?? 0), style: 'neg-' + (n as any).kind })
}
function oracle(rs: R[], key: (r: R) => number, maxWrong: number) {
  const s = [...rs].sort((a, b) => key(b) - key(a))
  let best = 0, right = 0, wrong = 0, th = 1
  for (const r of s) { if (r.right) right++; else wrong++; if (wrong / (right + wrong) <= maxWrong && right > best) { best = right; th = key(r) } }
  return { answeredRight: best, th }
}
const ans = rows.filter((r) => !r.style.startsWith('neg')).length
for (const mw of [0.02, 0.005, 0.05]) {
  const o = oracle(rows, (r) => r.raw, mw)
  console.log('raw maxWrong', mw, (o.answeredRight / ans).toFixed(3), 'th', o.th.toFixed(3))
  const o2 = oracle(rows, (r) => r.margin, mw)
  console.log('margin maxWrong', mw, (o2.answeredRight / ans).toFixed(3), 'th', o2.th.toFixed(3))
}
for (const st of ['phone', 'letter']) {
  const rs = rows.filter((r) => r.style === st || r.style.startsWith('neg'))
  const o = oracle(rs, (r) => r.raw, 0.02)
  console.log(st, 'raw 2%', (o.answeredRight / rows.filter((r) => r.style === st).length).toFixed(3))
}
// distributions
const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(p * (s.length - 1))]?.toFixed(3) }
for (const g of ['right', 'wrong', 'neg']) {
  const xs = rows.filter((r) => g === 'neg' ? r.style.startsWith('neg') : !r.style.startsWith('neg') && (g === 'right') === r.right).map((r) => r.raw)
  console.log(g, xs.length, 'p10', q(xs, .1), 'p50', q(xs, .5), 'p90', q(xs, .9), 'max', q(xs, 1))
}
const ex = libraryExamples(matcher, docs)
const exr = ex.map((e) => ({ raw: e.raw, right: e.right, margin: 0, style: '' }))
console.log('self examples', ex.length, 'right', ex.filter((e) => e.right).length)
for (const g of [true, false]) { const xs = ex.filter((e) => e.right === g).map((e) => e.raw); console.log('self', g, xs.length, 'p10', q(xs, .1), 'p50', q(xs, .5), 'p90', q(xs, .9), 'max', q(xs, 1)) }
console.log('self oracle 2%', oracle(exr, (r) => r.raw, 0.02))
