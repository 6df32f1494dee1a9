import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from './kb.testkit.ts'

describe('POST /entries/bulk', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
  })
  afterEach(async () => { await t.close() })

  const bulk = (entries: unknown[], token?: string) => t.call({ method: 'POST', url: '/api/v1/entries/bulk', payload: { entries }, token })
  const total = async () => (await t.call({ method: 'GET', url: '/api/v1/entries?pageSize=1' })).json().total
  const row = (i: number, extra: object = {}) => ({
    externalId: `12345-${i}`, question: `第 ${i} 个政策问题怎么办理？`, answer: `第 ${i} 个问题的答复口径。`, unitCode: 'rsj', topic: 'employment', ...extra,
  })

  it('lets an admin migrate published entries, with similar questions, keywords and documents', async () => {
    const changed: number[][] = []
    t.app.services.kb.onChange((ids) => changed.push(ids))
    const doc = await lib.document()
    const res = await bulk([
      row(1, { status: 'published', similarQuestions: ['问题一的另一种问法'], keywords: ['创业'], policyDocumentIds: [doc.id] }),
      row(2, { status: 'published', unitCode: 'wjw', topic: 'birth' }),
      row(3),
    ])
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toMatchObject({ created: 3, published: 2, drafts: 1 })
    expect(changed).toEqual([body.entryIds.slice(0, 2)])

    const first = (await t.call({ method: 'GET', url: `/api/v1/entries/${body.entryIds[0]}` })).json()
    expect(first).toMatchObject({
      externalId: '12345-1', status: 'published', version: 1, publishedVersion: 1, inForce: true,
      similarQuestions: ['问题一的另一种问法'], keywords: ['创业'], policyDocuments: [{ id: doc.id }], topic: { code: 'employment' },
    })
    const trail = (await t.call({ method: 'GET', url: `/api/v1/entries/${body.entryIds[0]}/versions` })).json().items[0].trail
    expect(trail).toMatchObject([{ action: 'publish', comment: expect.stringContaining('批量导入') }])
    expect((await t.call({ method: 'GET', url: `/api/v1/entries/${body.entryIds[2]}` })).json().status).toBe('draft')
    expect((await t.call({ method: 'GET', url: `/api/v1/policy-documents/${doc.id}` })).json().entryCount).toBe(1)
  })

  it('imports nothing and reports every bad row by index and field', async () => {
    const expired = await lib.document({ validity: 'expired' })
    await lib.entry({ externalId: 'TAKEN' })
    const before = await total()
    const res = await bulk([
      row(0),
      row(1, { question: '   ' }),
      row(2, { unitCode: 'nope', topic: 'nope' }),
      row(3, { externalId: 'TAKEN' }),
      row(4, { externalId: '12345-0' }),
      row(5, { policyDocumentIds: [9999] }),
      row(6, { status: 'published', policyDocumentIds: [expired.id] }),
      row(7, { status: 'pending', extra: true }),
      row(8),
    ])
    expect(res.statusCode).toBe(422)
    const body = res.json()
    expect(body.code).toBe('KB_BULK_REJECTED')
    expect(body.message).toContain('7 行')
    const pairs = body.details.map((d: { index: number; field: string }) => [d.index, d.field])
    expect(pairs.sort((a: [number, string], b: [number, string]) => a[0] - b[0] || a[1].localeCompare(b[1]))).toEqual([
      [1, 'question'],
      [2, 'topic'], [2, 'unitCode'],
      [3, 'externalId'],
      [4, 'externalId'],
      [5, 'policyDocumentIds'],
      [6, 'policyDocumentIds'],
      [7, 'extra'], [7, 'status'],
    ])
    expect(body.details.every((d: { message: string }) => /[\u4e00-\u9fa5]/.test(d.message))).toBe(true)
    expect(await total()).toBe(before)
  })

  it('lets a unit token import drafts for its own unit only, never published entries', async () => {
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const refused = await bulk([row(1, { unitCode: undefined }), row(2, { unitCode: 'wjw' }), row(3, { status: 'published' })], rsj)
    expect(refused.json().details.map((d: { index: number; field: string }) => [d.index, d.field])).toEqual([[1, 'unitCode'], [2, 'status']])
    expect(await total()).toBe(0)
    const ok = await bulk([row(1, { unitCode: undefined }), row(2)], rsj)
    expect(ok.json()).toMatchObject({ created: 2, drafts: 2 })
    const agent = await t.token('agent')
    expect((await bulk([row(1)], agent)).json().code).toBe('FORBIDDEN')
  })

  it('refuses an external id held by an entry the unit may not read without saying whose it is', async () => {
    const wjw = await lib.wjwEntries()
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${wjw.draft}`, payload: { externalId: 'WJW-SECRET' } })
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${wjw.revised}`, payload: { externalId: 'WJW-PUBLIC' } })
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const res = await bulk([row(1, { externalId: 'WJW-SECRET' }), row(2, { externalId: 'WJW-PUBLIC' })], rsj)
    expect(res.statusCode).toBe(422)
    expect(res.json().details).toEqual([
      { index: 0, field: 'externalId', message: '外部编号 WJW-SECRET 不可用，请换一个编号' },
      // A published entry is read by every unit: it may be named.
      { index: 1, field: 'externalId', message: '外部编号 WJW-PUBLIC 已被其他问答条目使用' },
    ])
    expect((await bulk([row(1, { externalId: 'WJW-SECRET' })])).json().details[0].message).toBe('外部编号 WJW-SECRET 已被其他问答条目使用')
  })

  it('keeps body-level mistakes as ordinary validation errors', async () => {
    const empty = await bulk([])
    expect(empty.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'entries' }] })
    const tooMany = await bulk(Array.from({ length: 5001 }, (_, i) => row(i)))
    expect(tooMany.json().code).toBe('VALIDATION_FAILED')
    expect(await total()).toBe(0)
  })

  it('takes 5,000 entries in one request', async () => {
    const res = await bulk(Array.from({ length: 5000 }, (_, i) => row(i, { status: 'published' })))
    expect(res.statusCode).toBe(201)
    expect(res.json().created).toBe(5000)
    expect((await t.call({ method: 'GET', url: '/api/v1/entries?status=published&pageSize=1' })).json().total).toBe(5000)
  })
})
