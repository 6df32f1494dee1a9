import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { consultations } from '../consultations/consultations.table.ts'
import { createLedgerRepository } from './ledger.repository.ts'
import { loadStatsFixture } from './stats.testkit.ts'

describe('reading the ledger in chunks', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    loadStatsFixture(t.app.services.db)
  })
  afterAll(async () => { await t.close() })

  const ids = (chunks: Iterable<{ id: number }[]>) => [...chunks].map((c) => c.map((r) => r.id))

  it('hands over every row once, in id order, across chunk boundaries', () => {
    const repo = createLedgerRepository(t.app.services.db)
    const all = ids(repo.chunks({}, 1000)).flat()
    expect(all).toHaveLength(15)
    expect(ids(repo.chunks({}, 4)).map((c) => c.length)).toEqual([4, 4, 4, 3])
    expect(ids(repo.chunks({}, 4)).flat()).toEqual(all)
    expect(ids(repo.chunks({}, 5)).map((c) => c.length)).toEqual([5, 5, 5]) // a last full chunk, then an empty read
    expect([...all].sort((a, b) => a - b)).toEqual(all)
  })

  it('leaves the connection free for writes while an export is half read', () => {
    const repo = createLedgerRepository(t.app.services.db)
    const chunks = repo.chunks({}, 4)
    expect(chunks.next().value).toHaveLength(4)
    // An open better-sqlite3 iterator would make this insert throw "connection is busy".
    expect(() => t.app.services.db.insert(consultations).values({ channel: 'hotline', question: '导出期间的新咨询', receivedAt: new Date().toISOString(), outcome: 'answered' }).run()).not.toThrow()
    expect([...chunks].flat()).toHaveLength(11)
  })
})
