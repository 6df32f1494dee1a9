import { createMatcher, type Matcher, type MatchDocument } from '../../src/search/matcher.ts'
import { loadModel, FEATURE_INDEX, FEATURES } from '../../src/search/ranker.ts'
import { createSynonymRewriter, readStartingSynonyms } from '../../src/search/synonyms.ts'
import { selfExampleRounds } from '../../src/search/self-examples.ts'
import { loadTask, toDocuments } from '../datasets.ts'
const name = process.argv[2] ?? 'domain-dev'
const task = loadTask(name)
const matcher = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
const { docs, externalIds } = toDocuments(task.library)
for (const d of docs) matcher.add(d)
const byId = new Map(docs.map((d) => [d.id, d]))
const logit = (p: number) => { const q = Math.min(1 - 1e-6, Math.max(1e-6, p)); return Math.log(q / (1 - q)) }
const NAMES = (process.env.FEATS ?? 'raw,margin,editSim,bigramDice,charDice,covQ,covD,missQ,missD,negation,numbers,onlyQ,onlyD,fused,wordRR,gramRR,soundRR,gramCovQ,pinyinDice,lcsRatio,ansCov,sentence,related,lenRatio,exact').split(',')
function vec(m: Matcher, q: string): { x: number[]; id: number } {
  const c = m.match(q, { limit: 2 }).candidates
  const t = c[0]
  if (!t) return { x: NAMES.map(() => 0), id: -1 }
  const x = NAMES.map((n) => n === 'raw' ? logit(t.confidence) : n === 'margin' ? Math.min(4, t.score - (c[1]?.score ?? t.score - 4)) : t.features[FEATURE_INDEX[n as keyof typeof FEATURE_INDEX]])
  return { x, id: t.id }
}
const self: { x: number[]; y: number; w: number }[] = []
for (const round of selfExampleRounds(docs, 2, 600)) {
  const mod = new Map(round.docs.map((d) => [d.id, d]))
  for (const q of round.queries) {
    matcher.add(mod.get(q.gold)!)
    const a = vec(matcher, q.text); self.push({ x: a.x, y: a.id === q.gold ? 1 : 0, w: 1 })
    matcher.remove(q.gold)
    const b = vec(matcher, q.text); self.push({ x: b.x, y: 0, w: 1 / 3 })
    matcher.add(byId.get(q.gold)!)
  }
}
// standardise
const D = NAMES.length
const mu = Array(D).fill(0), sd = Array(D).fill(0)
for (const s of self) s.x.forEach((v, i) => mu[i] += v / self.length)
for (const s of self) s.x.forEach((v, i) => sd[i] += (v - mu[i]) ** 2 / self.length)
for (let i = 0; i < D; i++) sd[i] = Math.sqrt(sd[i]) || 1
const z = (x: number[]) => x.map((v, i) => (v - mu[i]) / sd[i])
const lambda = Number(process.env.L2 ?? 1)
let w = Array(D + 1).fill(0)
const sig = (v: number) => 1 / (1 + Math.exp(-v))
for (let it = 0; it < 3000; it++) {
  const g = Array(D + 1).fill(0)
  let W = 0
  for (const s of self) { const zx = z(s.x); const p = sig(w[D] + zx.reduce((a, v, i) => a + v * w[i], 0)); const d = s.w * (p - s.y); zx.forEach((v, i) => g[i] += d * v); g[D] += d; W += s.w }
  for (let i = 0; i < D; i++) g[i] = g[i] / W + lambda * w[i] / W
  g[D] /= W
  w = w.map((v, i) => v - 0.5 * g[i])
}
const P = (x: number[]) => sig(w[D] + z(x).reduce((a, v, i) => a + v * w[i], 0))
console.log(NAMES.map((n, i) => `${n}:${w[i].toFixed(2)}`).join(' '))
function thr(rs: { p: number; right: boolean; w: number }[], mw: number) {
  const s = [...rs].sort((a, b) => b.p - a.p); let n = 0, wr = 0, best = 1
  for (const r of s) { n += r.w; if (!r.right) wr += r.w; if (wr / n <= mw) best = r.p }
  return best
}
const selfScored = self.map((s) => ({ p: P(s.x), right: s.y === 1, w: s.w }))
const rows = [...task.queries.map((q) => { const v = vec(matcher, q.query); return { p: P(v.x), right: v.id > 0 && externalIds[v.id - 1] === q.gold, neg: false, raw: Math.exp(v.x[0]) } }),
  ...task.negatives.map((n) => { const v = vec(matcher, n.query); return { p: P(v.x), right: false, neg: true, raw: 0 } })]
const nAns = task.queries.length
for (const mw of [0.02, 0.005]) {
  const th = thr(selfScored, mw)
  const at = rows.filter((r) => r.p >= th)
  const o = thr(rows.map((r) => ({ ...r, w: 1 })), mw)
  const ato = rows.filter((r) => r.p >= o)
  console.log(`maxWrong ${mw}: self-threshold ${th.toFixed(3)} answered right ${(at.filter((r) => r.right).length / nAns).toFixed(3)} wrong share ${(at.filter((r) => !r.right).length / Math.max(1, at.length)).toFixed(3)} negs ${at.filter((r) => r.neg).length} | oracle th ${o.toFixed(3)} right ${(ato.filter((r) => r.right).length / nAns).toFixed(3)}`)
}
