// domain-dev imported as a district imports its library, through the HTTP API (units, topics, the bulk
// route), then every query asked through POST /match: R@1 per style must be at least the plain
// character-bigram BM25 baseline's on the same library. The figures themselves are reported by
// `npm run eval`; this only guards the API path against falling below the baseline. Skipped when
// ../shared/benchmarks is not beside the clone.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBaseline } from '../bench/baseline.ts'
import { BENCH_DIR, fullText, loadTask, type RetrievalTask } from '../bench/datasets.ts'
import { createTestApp, type TestApp } from './app.testkit.ts'

const present = existsSync(`${BENCH_DIR}domain-dev/library.jsonl`)

describe.skipIf(!present)('domain-dev through the HTTP API', () => {
  let t: TestApp
  let task: RetrievalTask
  const entryIdOf = new Map<number, string>()
  beforeAll(async () => {
    task = loadTask('domain-dev')
    t = await createTestApp()
    const code = (prefix: string, names: string[]) => new Map([...new Set(names)].map((n, i) => [n, `${prefix}${i + 1}`]))
    const units = code('u', task.library.map((l) => l.unit ?? '区政府办'))
    const topics = code('t', task.library.map((l) => l.topic ?? '其他'))
    for (const [name, c] of units) expect((await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: c, name } })).statusCode).toBe(201)
    for (const [name, c] of topics) expect((await t.call({ method: 'POST', url: '/api/v1/topics', payload: { code: c, name } })).statusCode).toBe(201)
    const res = await t.call({
      method: 'POST', url: '/api/v1/entries/bulk',
      payload: {
        entries: task.library.map((l) => ({
          externalId: l.id, question: l.question, answer: l.answer, similarQuestions: l.similarQuestions ?? [], keywords: l.keywords ?? [],
          topic: topics.get(l.topic ?? '其他'), unitCode: units.get(l.unit ?? '区政府办'), status: 'published',
        })),
      },
    })
    expect(res.statusCode).toBe(201)
    res.json().entryIds.forEach((id: number, i: number) => entryIdOf.set(id, task.library[i].id))
    await t.app.services.search.idle()
  })
  afterAll(async () => { await t?.close() })

  it('finds the right entry first at least as often as the bigram BM25 baseline, for hotline questions and for letters', async () => {
    const baseline = createBaseline(task.library.map((l, i) => ({ id: i, text: fullText(l) })))
    const hits = new Map<string, { matcher: number; baseline: number; n: number }>()
    for (const q of task.queries) {
      const res = await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: q.query, limit: 1 } })
      expect(res.statusCode).toBe(200)
      const top = res.json().candidates[0]
      const h = hits.get(q.style ?? 'all') ?? { matcher: 0, baseline: 0, n: 0 }
      h.n++
      if (top && entryIdOf.get(top.entryId) === q.gold) h.matcher++
      if (task.library[baseline.search(q.query, 1)[0]]?.id === q.gold) h.baseline++
      hits.set(q.style ?? 'all', h)
    }
    expect([...hits.keys()].sort()).toEqual(['letter', 'phone'])
    for (const [style, h] of hits) {
      expect(h.matcher / h.n, `${style}: matcher ${h.matcher}/${h.n}, baseline ${h.baseline}/${h.n}`).toBeGreaterThanOrEqual(h.baseline / h.n)
    }
  })
})
