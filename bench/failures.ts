// npm run failures: domain-dev's misses (the gold entry not first), grouped by cause, so the matching
// targets' shortfall can be read as causes rather than one number. Options: --style=phone|letter --show=5
//   retrieval miss:  the gold entry is not among the first 10 at all (no shared word reached it)
//   same topic:      a near neighbour of the same topic ranks above it (首次登记 / 转移登记)
//   other topic:     an entry of another topic ranks above it (the question's words point elsewhere)
// and, across those, whether the query holds an everyday word no synonym or related term maps.
// --confidence=N: instead, the N most confident top candidates over every query and negative, and
// which of them are wrong (what keeps the decision to answer at once from going lower; docs/answer-at-once.md).
import { createMatcher } from '../src/search/matcher.ts'
import { loadModel } from '../src/search/model.ts'
import { loadTask, startingVocabulary, toDocuments } from './datasets.ts'

const args = new Map(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true'] as const }))
const task = loadTask('domain-dev')
const matcher = createMatcher({ model: loadModel(), ...startingVocabulary() })
const { docs, externalIds } = toDocuments(task.library)
for (const d of docs) matcher.add(d)
const line = new Map(task.library.map((l) => [l.id, l]))
const show = Number(args.get('show') ?? 3)

const confident = Number(args.get('confidence') ?? 0)
if (confident > 0) {
  const rows = [...task.queries.map((q) => ({ qid: q.qid, query: q.query, gold: q.gold as string | null })), ...task.negatives.map((n) => ({ qid: n.qid, query: n.query, gold: null }))].map((r) => {
    const top = matcher.match(r.query, { limit: 1 }).candidates[0]
    const topId = top ? externalIds[top.id - 1] : null
    return { ...r, confidence: top?.confidence ?? 0, topId, right: topId !== null && topId === r.gold }
  }).sort((a, b) => b.confidence - a.confidence).slice(0, confident)
  console.log(`The ${rows.length} most confident top candidates: ${rows.filter((r) => r.right).length} right; the wrong ones:`)
  rows.forEach((r, i) => {
    if (!r.right) console.log(`  ${i + 1}. ${r.confidence.toFixed(3)} ${r.qid} ${r.query.slice(0, 40)}\n      top: ${r.topId} ${line.get(r.topId ?? '')?.question ?? '(none)'}\n      gold: ${r.gold ? `${r.gold} ${line.get(r.gold)?.question}` : 'none (a negative)'}`)
  })
}

for (const style of confident > 0 ? [] : (args.get('style') ?? 'phone,letter').split(',')) {
  const queries = task.queries.filter((q) => q.style === style)
  const groups = new Map<string, { rank: number; query: string; gold: string; top: string }[]>()
  for (const q of queries) {
    const c = matcher.match(q.query, { limit: 10 }).candidates
    const rank = c.findIndex((x) => externalIds[x.id - 1] === q.gold)
    if (rank === 0) continue
    const top = line.get(externalIds[c[0]?.id - 1])
    const cause = rank < 0 ? 'retrieval miss (gold not in the first 10)' : top?.topic === line.get(q.gold)?.topic ? 'same topic: a near neighbour ranks above' : 'other topic ranks above'
    groups.set(cause, [...(groups.get(cause) ?? []), { rank, query: q.query, gold: line.get(q.gold)?.question ?? '', top: top?.question ?? '' }])
  }
  const misses = [...groups.values()].reduce((a, g) => a + g.length, 0)
  console.log(`\n${style}: ${misses} of ${queries.length} not first`)
  console.log('| cause | misses | share of misses | gold at rank 2–3 |\n| --- | --- | --- | --- |')
  for (const [cause, g] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`| ${cause} | ${g.length} | ${((g.length / misses) * 100).toFixed(0)}% | ${g.filter((x) => x.rank > 0 && x.rank < 3).length} |`)
  }
  for (const [cause, g] of groups) {
    console.log(`\n${cause}:`)
    for (const x of g.slice(0, show)) console.log(`  [${x.rank < 0 ? '>10' : x.rank + 1}] ${x.query.slice(0, 50)}\n      gold: ${x.gold}\n      top:  ${x.top}`)
  }
}
