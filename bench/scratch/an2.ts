import { createMatcher } from '../../src/search/matcher.ts'
import { loadModel } from '../../src/search/ranker.ts'
import { createSynonymRewriter, readStartingSynonyms } from '../../src/search/synonyms.ts'
import { selfExampleRounds } from '../../src/search/self-examples.ts'
import { loadTask, toDocuments } from '../datasets.ts'
const task = loadTask('domain-dev')
const matcher = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
const { docs, externalIds } = toDocuments(task.library)
for (const d of docs) matcher.add(d)
const byId = new Map(docs.map((d) => [d.id, d]))
const un: any[] = []
for (const round of selfExampleRounds(docs, 2, 600)) {
  const mod = new Map(round.docs.map((d) => [d.id, d]))
  for (const q of round.queries) {
    matcher.remove(q.gold)
    const c = matcher.match(q.text, { limit: 2 }).candidates[0]
    un.push({ raw: c?.confidence, q: q.text, gold: byId.get(q.gold)!.question, top: c?.matchedQuestion })
    matcher.add(byId.get(q.gold)!)
  }
}
un.sort((a, b) => b.raw - a.raw)
for (const u of un.slice(0, 25)) console.log(u.raw.toFixed(3), '|', u.q, '| gold:', u.gold, '| top:', u.top)
// real negatives top
for (const n of task.negatives) { const c = matcher.match(n.query, { limit: 1 }).candidates[0]; if ((c?.confidence ?? 0) > 0.4) console.log('NEG', c.confidence.toFixed(3), n.query, '|', c.matchedQuestion) }
