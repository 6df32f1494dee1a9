// Two replicas of the service on one PostgreSQL database, as behind a load balancer: a change made
// through one reaches the other's search index and caches through the index change log
// (src/db/change-log.ts), without a restart. The second replica polls only once a minute here, so
// what brings the changes within the test's few seconds is PostgreSQL's NOTIFY.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './app.testkit.ts'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from './pg.testkit.ts'

/** Asks again every 50 ms until `check` passes (it throws until then), for at most `ms` (a loaded CI machine is slow). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, ms = 10_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await read()
    try {
      check(value)
      return value
    } catch (err) {
      if (Date.now() > end) throw err
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(!pgAvailable)(pgSuiteName('two replicas on one PostgreSQL database: the index and caches follow each other\'s changes'), () => {
  let a: TestApp
  let b: TestApp
  let entryId: number
  beforeAll(async () => {
    const url = await createTestPgDatabase()
    a = await createTestApp({ databaseUrl: url, databasePoolSize: 3 })
    b = await createTestApp({ databaseUrl: url, databasePoolSize: 3, indexPollMs: 60_000 })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  const match = async (t: TestApp, question: string) => {
    const res = await t.call({ method: 'POST', url: '/api/v1/match', payload: { question } })
    expect(res.statusCode).toBe(200)
    return res.json().candidates as { entryId: number; unit: { code: string; name: string } }[]
  }
  const ready = async (t: TestApp) => {
    const res = await t.call({ method: 'GET', url: '/health/ready', token: null })
    return { statusCode: res.statusCode, ...res.json() }
  }

  it('serves on B an entry published through A, and stops serving it when A archives it', async () => {
    expect(await match(b, '生育津贴怎么申领')).toEqual([])
    expect((await a.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'ybj', name: '区医保局' } })).statusCode).toBe(201)
    const bulk = await a.call({ method: 'POST', url: '/api/v1/entries/bulk', payload: { entries: [
      { unitCode: 'ybj', question: '生育津贴怎么申领？', answer: '由用人单位向医保经办机构申领生育津贴。', status: 'published' },
    ] } })
    expect(bulk.statusCode).toBe(201)
    entryId = bulk.json().entryIds[0]
    // A serves it once its commit is answered; B as soon as the change reaches it.
    expect((await match(a, '生育津贴怎么申领'))[0]).toMatchObject({ entryId })
    await eventually(() => match(b, '生育津贴怎么申领'), (c) => expect(c[0]).toMatchObject({ entryId, unit: { name: '区医保局' } }))

    expect((await a.call({ method: 'POST', url: `/api/v1/entries/${entryId}/archive`, payload: {} })).statusCode).toBe(200)
    await eventually(() => match(b, '生育津贴怎么申领'), (c) => expect(c).toEqual([]))
    expect((await a.call({ method: 'POST', url: `/api/v1/entries/${entryId}/restore`, payload: {} })).statusCode).toBe(200)
    await eventually(() => match(b, '生育津贴怎么申领'), (c) => expect(c[0]).toMatchObject({ entryId }))
  })

  it('uses on B a synonym added through A, and a unit renamed through A', async () => {
    // No word of 娃娃钱 is in the entry: only the synonym leads to it.
    expect(await match(b, '娃娃钱')).toEqual([])
    expect((await a.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '娃娃钱', canonical: '生育津贴' } })).statusCode).toBe(201)
    await eventually(() => match(b, '娃娃钱'), (c) => expect(c[0]).toMatchObject({ entryId }))

    const unit = (await a.call({ method: 'GET', url: '/api/v1/units?q=ybj' })).json().items[0]
    expect((await a.call({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { name: '区医疗保障局' } })).statusCode).toBe(200)
    await eventually(() => match(b, '生育津贴怎么申领'), (c) => expect(c[0]).toMatchObject({ entryId, unit: { name: '区医疗保障局' } }))
  })

  it('moves deadlines on B after A loads a year\'s working calendar', async () => {
    // Received 31 December: unpublished, 1 January (元旦 by law) and the weekend are off, so 4 January counts;
    // the notice here also gives 4 January off, which moves it to the 5th.
    const due = async (t: TestApp) => (await t.call({ method: 'GET', url: `/api/v1/calendar/due?from=${encodeURIComponent('2026-12-31T10:00:00+08:00')}&days=1` })).json()
    expect(await due(b)).toMatchObject({ dueAt: '2027-01-04T15:59:59.000Z', provisional: true })
    const put = await a.call({ method: 'PUT', url: '/api/v1/calendar/2027', payload: {
      sourceUrl: 'https://www.gov.cn/zhengce/content/2026-11/01/content_0000000.htm',
      holidays: [{ date: '2027-01-01', name: '元旦' }, { date: '2027-01-02', name: '元旦' }, { date: '2027-01-03', name: '元旦' }, { date: '2027-01-04', name: '元旦' }],
      workdays: [],
    } })
    expect(put.statusCode).toBe(200)
    await eventually(() => due(b), (d) => expect(d).toMatchObject({ dueAt: '2027-01-05T15:59:59.000Z', provisional: false }))
  })

  it('reports both replicas ready, one leading, each with its index at the latest version', async () => {
    const [ra, rb] = await Promise.all([eventually(() => ready(a), (r) => expect(r.index.lag).toBe(0)), eventually(() => ready(b), (r) => expect(r.index.lag).toBe(0))])
    for (const r of [ra, rb]) {
      // Published, archived, restored; a synonym; a unit renamed; a calendar year.
      expect(r).toMatchObject({ statusCode: 200, status: 'ready', engine: 'postgresql', database: { ok: true }, index: { ready: true, documents: 1, appliedVersion: 6, latestVersion: 6, lag: 0 } })
    }
    expect([ra.role, rb.role].sort()).toEqual(['follower', 'leader'])
  })
})
