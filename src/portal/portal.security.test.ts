// Walks every public route against a library that holds everything the public must never see:
// drafts, entries in review, archived entries, a published entry's unpublished revision, and other
// people's questions with their names and phone numbers.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { Db } from '../db/client.ts'
import { dialectOf } from '../db/dialect.ts'
import { setUpLibrary } from '../kb/kb.testkit.ts'

/**
 * A reader of how many rows the app has written so far, in any table. On SQLite, total_changes()
 * counts the rows changed on the connection it runs on: read inside a transaction, it runs on the
 * writer, the one connection every write goes through. PostgreSQL has no such counter, so a row
 * trigger on every table of the test's own database counts into a table of its own.
 */
async function rowChanges(db: Db): Promise<() => Promise<number>> {
  if (dialectOf(db) === 'sqlite') return () => db.transaction(async (tx) => (await tx.all<{ n: number }>(sql`select total_changes() as n`))[0].n)
  await db.run(sql`create table test_row_changes (n bigint not null)`)
  await db.run(sql`insert into test_row_changes values (0)`)
  await db.run(sql.raw(`create function test_count_row() returns trigger language plpgsql as $$ begin update test_row_changes set n = n + 1; return null; end $$`))
  // The rate limits' hit counter is shared through a table on PostgreSQL (in memory on SQLite): counting a
  // visitor's requests is not writing data.
  const tables = await db.all<{ name: string }>(sql`select tablename as name from pg_tables where schemaname = 'public' and tablename not in ('test_row_changes', 'rate_limit_hits')`)
  for (const { name } of tables) await db.run(sql.raw(`create trigger test_count_row after insert or update or delete on "${name}" for each row execute function test_count_row()`))
  return async () => Number((await db.all<{ n: number }>(sql`select n from test_row_changes`))[0].n)
}

// Texts only the staff may read. A page may echo what was typed into it, so a secret counts as shown
// only when the request did not carry it; the queries use the short keys, the checks the whole texts.
const SECRETS = ['草稿秘密：创业担保贷款', '草稿秘密的答复内容', '审核中秘密：稳岗返还', '审核中秘密的答复内容', '归档秘密：旧的补贴', '归档秘密的答复内容',
  '修订中秘密：补贴标准', '王小明', '13912345678', '500101199001011234', 'wxm@example.com']
const QUERIES = ['草稿秘密', '创业担保贷款', '审核中秘密', '稳岗返还', '归档秘密', '旧的补贴', '修订中秘密', '补贴标准', '王小明', '13912345678', '500101199001011234', 'wxm@example.com']

describe('public routes never show what is not theirs to show', () => {
  let t: TestApp
  const pathValues: Record<string, string[]> = { id: [], code: ['employment', 'birth'], month: ['2025-10'] }
  let ticketNumber = ''

  beforeAll(async () => {
    t = await createTestApp({ matchThreshold: 0.5 })
    const lib = await setUpLibrary(t)
    const doc = await lib.document({ docNumber: '渝兴人社发〔2024〕11号' })
    const live = await lib.entry({ question: '一次性创业补贴怎么申请？', policyDocumentIds: [doc.id] })
    await lib.publish(live.id)
    const draft = await lib.entry({ question: '草稿秘密：创业担保贷款怎么申请？', answer: '草稿秘密的答复内容，尚未审核。' })
    const inReview = await lib.entry({ question: '审核中秘密：稳岗返还怎么申请？', answer: '审核中秘密的答复内容。' })
    await lib.post(`/entries/${inReview.id}/submit`, {})
    const archived = await lib.entry({ question: '归档秘密：旧的补贴怎么申请？', answer: '归档秘密的答复内容。', policyDocumentIds: [doc.id] })
    await lib.publish(archived.id)
    await lib.post(`/entries/${archived.id}/archive`, { comment: '下线' })
    // A new version of the live entry, in review: the public keeps seeing the published one.
    const patch = await t.call({ method: 'PATCH', url: `/api/v1/entries/${live.id}`, payload: { answer: '修订中秘密：补贴标准调整为 8000 元。' } })
    expect(patch.statusCode).toBe(200)
    await lib.post(`/entries/${live.id}/submit`, {})
    pathValues.id = [live.id, draft.id, inReview.id, archived.id, doc.id].map(String)

    // Another person's question, with their details in it, received in October 2025, answered by the unit and published for that month.
    const agent = await t.token('agent')
    const asked = await t.call({
      method: 'POST', url: '/api/v1/consultations', token: agent,
      payload: { channel: 'hotline', question: '我是王小明，身份证 500101199001011234，电话 13912345678，邮箱 wxm@example.com，创业补贴怎么领？', asker: { name: '王小明', phone: '13912345678', email: 'wxm@example.com' }, unitCode: 'rsj', openTicket: true, receivedAt: '2025-10-09T10:00:00+08:00' },
    })
    const ticket = asked.json().ticket
    ticketNumber = ticket.number
    await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/answer`, payload: { answer: '王小明您好，请拨打 13912345678 以外的号码 023-68552000 咨询。' } })
    await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/reply`, payload: { method: 'phone' } })
    const pub = await t.call({ method: 'POST', url: '/api/v1/publications/2025-10', payload: { ticketIds: [ticket.id] } })
    expect(pub.statusCode).toBe(200)
    expect((await t.app.services.publications.list('2025-10')).items).toHaveLength(1)
    await t.app.services.search.idle()
  })
  afterAll(async () => { await t?.close() })

  const publicReads = () => t.app.routeCatalog.filter((r) => r.roles === 'public' && r.method === 'GET'
    && !r.url.startsWith('/console') && !r.url.startsWith('/health') && r.url !== '/openapi.json')

  it('finds the public routes to walk', () => {
    const urls = publicReads().map((r) => r.url)
    expect(urls).toEqual(expect.arrayContaining(['/', '/search', '/suggest', '/topics', '/topics/:code', '/qa/:id', '/documents/:id', '/ask', '/follow', '/replies', '/replies/:month']))
  })

  it('never returns drafts, entries in review, archived entries, unpublished revisions or any asker\'s details on any public page', async () => {
    const leaks: string[] = []
    const queries = ['', ...QUERIES.map((s) => `?q=${encodeURIComponent(s)}`), `?q=${encodeURIComponent('创业补贴怎么申请')}`, `?number=${ticketNumber}`]
    let pages = 0
    for (const route of publicReads()) {
      const names = [...route.url.matchAll(/:(\w+)/g)].map((m) => m[1]!)
      const fills = names.length === 0 ? [route.url] : (pathValues[names[0]!] ?? ['1']).map((v) => route.url.replace(`:${names[0]}`, v))
      for (const url of fills) {
        for (const q of queries) {
          for (const accept of ['text/html', 'application/json']) {
            const res = await t.app.inject({ method: 'GET', url: url + q, headers: { accept } })
            pages++
            expect(res.statusCode, `${url}${q}`).toBeLessThan(500)
            const asked = decodeURIComponent(url + q)
            for (const s of SECRETS) if (res.body.includes(s) && !asked.includes(s)) leaks.push(`${url}${q} (${accept}) shows ${s}`)
          }
        }
      }
    }
    expect(pages).toBeGreaterThan(100)
    expect(leaks).toEqual([])
  })

  it('serves the published month with the reply de-identified, and 404 for the entries that are not served', async () => {
    const month = await t.app.inject({ method: 'GET', url: '/replies/2025-10', headers: { accept: 'text/html' } })
    expect(month.statusCode).toBe(200)
    expect(month.body).toContain('区人力社保局')
    expect(month.body).toContain('以外的号码')
    for (const id of pathValues.id.slice(1, 4)) {
      expect((await t.app.inject({ method: 'GET', url: `/qa/${id}`, headers: { accept: 'text/html' } })).statusCode).toBe(404)
    }
  })

  it('shows another person\'s ticket to nobody without its code, whatever is tried', async () => {
    for (const code of ['AAAA-AAAA', '', "' OR 1=1 --", ticketNumber]) {
      const res = await t.app.inject({ method: 'POST', url: '/follow', payload: { number: ticketNumber, code: code || 'x' } })
      expect(res.statusCode).toBeGreaterThanOrEqual(400)
      for (const s of SECRETS) expect(res.body).not.toContain(s)
    }
    // A ticket that did not come through the portal has no code at all.
    const res = await t.app.inject({ method: 'POST', url: '/follow', payload: { number: ticketNumber, code: 'K7QM-3WXA' } })
    expect(res.json().code).toBe('PORTAL_LOOKUP_FAILED')
  })

  it('writes nothing on a public GET and sets no cookie', async () => {
    const changes = await rowChanges(t.app.services.db)
    const before = await changes()
    for (const url of ['/', '/topics', '/qa/1', '/documents/1', '/replies', '/ask', '/follow']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } })
      expect(res.headers['set-cookie'], url).toBeUndefined()
    }
    expect(await changes()).toBe(before)
  })
})
