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
    await t.app.services.units.createUnit({ code: 'zwb', name: '区政府办公室' })
    await t.app.services.units.createUnit({ code: 'rsj', name: '区人力社保局' })
    agent = await t.app.services.auth.authenticate(ADMIN_TOKEN)
    for (let i = 1; i <= 15; i++) await submit(`第 ${i} 个问题`)
  })
  afterAll(async () => { await t.close() })

  const ids = async (chunks: AsyncIterable<{ id: number }[]>) => {
    const out: number[][] = []
    for await (const c of chunks) out.push(c.map((r) => r.id))
    return out
  }

  it('hands over every row once, in id order, across chunk boundaries', async () => {
    const repo = createLedgerQueries(t.app.services.db)
    const all = (await ids(repo.chunks({}, 1000))).flat()
    expect(all).toHaveLength(15)
    expect((await ids(repo.chunks({}, 4))).map((c) => c.length)).toEqual([4, 4, 4, 3])
    expect((await ids(repo.chunks({}, 4))).flat()).toEqual(all)
    expect((await ids(repo.chunks({}, 5))).map((c) => c.length)).toEqual([5, 5, 5]) // a last full chunk, then an empty read
    expect([...all].sort((a, b) => a - b)).toEqual(all)
  })

  it('leaves the connection free for writes while an export is half read', async () => {
    const repo = createLedgerQueries(t.app.services.db)
    const chunks = repo.chunks({}, 4)
    expect((await chunks.next()).value).toHaveLength(4)
    // A cursor left open on a connection between chunks would make this write (a new consultation and its ticket) fail.
    await expect(submit('导出期间的新咨询')).resolves.toMatchObject({ created: true })
    expect((await ids(chunks)).flat()).toHaveLength(12)
  })
})
