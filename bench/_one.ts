import { createMatcher } from '../src/search/matcher.ts'
import { loadModel } from '../src/search/model.ts'
import { loadTask, startingVocabulary, toDocuments } from './datasets.ts'
import { partsOf } from '../src/search/retrieval.ts'
const t = loadTask('domain-dev')
const m = createMatcher({ model: loadModel(), ...startingVocabulary() })
const { docs, externalIds } = toDocuments(t.library)
for (const d of docs) m.add(d)
const q = t.queries.find((x) => x.query.includes(process.argv[2]))!
console.log(partsOf(q.query).parts.map((p) => `[${p.sentence === null ? 'body' : 'sent'}] ${p.text.slice(0, 80)}`).join('\n'))
const o = m.match(q.query, { limit: 10 })
for (const c of o.candidates) console.log(externalIds[c.id - 1] === q.gold ? '*' : ' ', c.score.toFixed(2), c.matchedQuestion, '|', c.matchedSentence?.slice(0, 30))
for (const p of partsOf(q.query).parts) { const pq = m.prepareQuery(p.text, { sounds: false }).prepared; console.log('related:', pq.relatedWords.map((r) => r.word + r.weight).join(' ').slice(0, 300)) }
const all = m.match(q.query, { limit: 30 }).candidates
console.log('gold rank in pool of 30:', all.findIndex((c) => externalIds[c.id - 1] === q.gold))
const goldId = docs.find((d, i) => externalIds[i] === q.gold)!.id
console.log('gold doc question:', docs.find((d) => d.id === goldId)!.question, docs.find((d) => d.id === goldId)!.similarQuestions)
process.env.DBG_ID = String(goldId)
m.forgetQueries()
m.match(q.query, { limit: 30 })
