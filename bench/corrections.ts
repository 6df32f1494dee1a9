// Which homophone typos the matcher reads as the library's words (sound-lexicon.ts), on a task's
// short queries: to review what a change to the rules corrects, right and wrong.
//   npx tsx bench/corrections.ts [task=domain-dev] [--show=40]
import { createMatcher } from '../src/search/matcher.ts'
import { loadModel } from '../src/search/model.ts'
import { LETTER_CHARS } from '../src/search/letter.ts'
import { loadTask, startingVocabulary, toDocuments } from './datasets.ts'

const args = process.argv.slice(2)
const task = args.find((a) => !a.startsWith('--')) ?? 'domain-dev'
const show = Number(args.find((a) => a.startsWith('--show='))?.slice(7) ?? 40)
const t = loadTask(task)
const m = createMatcher({ model: loadModel(), ...startingVocabulary() })
for (const d of toDocuments(t.library).docs) m.add(d)
const short = t.queries.filter((q) => q.query.replace(/\s/g, '').length < LETTER_CHARS)
let corrected = 0
for (const q of short) {
  const { corrections } = m.match(q.query)
  if (!corrections.length) continue
  if (corrected++ < show) console.log(`${corrections.map((c) => `${c.from} → ${c.to}`).join(', ')}  |  ${q.query.slice(0, 40)}`)
}
console.log(`${task}: ${corrected} of ${short.length} short queries corrected`)
