import { createMatcher } from '../../src/search/matcher.ts'
import { loadModel } from '../../src/search/ranker.ts'
import { createSynonymRewriter, readStartingSynonyms } from '../../src/search/synonyms.ts'
import { loadTask, toDocuments } from '../datasets.ts'
const task = loadTask('domain-dev')
const matcher = createMatcher({ model: loadModel(), rewrite: createSynonymRewriter(readStartingSynonyms()) })
const { docs, externalIds } = toDocuments(task.library)
for (const d of docs) matcher.add(d)
const gq = new Map(task.library.map((l) => [l.id, l.question]))
const st = process.argv[2] ?? 'phone'
for (const q of task.queries.filter((q) => q.style === st)) {
  const c = matcher.match(q.query, { limit: 10 }).candidates
  const rank = c.findIndex((x) => externalIds[x.id - 1] === q.gold)
  if (rank !== 0) console.log(`${rank} ${c[0]?.confidence.toFixed(2)} | ${q.query.slice(0, 80)} | gold: ${gq.get(q.gold)} | top: ${c[0]?.doc.question}`)
}
