import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { Actor } from '../auth/auth.service.ts'
import { createLedgerQueries } from './tickets.ledger.ts'

describe('reading the ledger in chunks', () => {
  let t: TestApp
  let agent: Actor
  const submit = (question: string) =>
    t.app.services.consultations.submit({ channel: 'hotline', question, openTicket: true, unitCode: 'rsj' }, agent)

  beforeAll(async () => {
    t = await createTestApp()
    t.app.services.units.createUnit({ code: 'zwb', name: '区政府办公室' })
    t.app.services.units.createUnit({ code: 'rsj', name: '区人力社保局' })
    agent = t.app.services.auth.authenticate(ADMIN_TOKEN)
    for (let i = 1; i <= 15; i++) submit(`第 ${i} 个问题`)
  })
  afterAll(async () => { await t.close() })

  const ids = (chunks: Iterable<{ id: number }[]>) => [...chunks].map((c) => c.map((r) => r.id))

  it('hands over every row once, in id order, across chunk boundaries', () => {
    const repo = createLedgerQueries(t.app.services.db)
    const all = ids(repo.chunks({}, 1000)).flat()
    expect(all).toHaveLength(15)
    expect(ids(repo.chunks({}, 4)).map((c) => c.length)).toEqual([4, 4, 4, 3])
    expect(ids(repo.chunks({}, 4)).flat()).toEqual(all)
    expect(ids(repo.chunks({}, 5)).map((c) => c.length)).toEqual([5, 5, 5]) // a last full chunk, then an empty read
    expect([...all].sort((a, b) => a - b)).toEqual(all)
  })

  it('leaves the connection free for writes while an export is half read', () => {
    const repo = createLedgerQueries(t.app.services.db)
    const chunks = repo.chunks({}, 4)
    expect(chunks.next().value).toHaveLength(4)
    // An open better-sqlite3 iterator would make this write (a new consultation and its ticket) throw "connection is busy".
    expect(() => submit('导出期间的新咨询')).not.toThrow()
    expect([...chunks].flat()).toHaveLength(12)
  })
})
