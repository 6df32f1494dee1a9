import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from './kb.testkit.ts'
import { createDocumentsRepository } from './documents.repository.ts'

describe('policy documents API', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
  })
  afterEach(async () => { await t.close() })

  it('creates a document with its interpretation materials and reads it back', async () => {
    const doc = await lib.document({ docNumber: '渝北人社发〔2022〕8号', url: 'https://www.example.gov.cn/zwgk/8.html', publishedOn: '2022-03-01' })
    const added = await t.call({ method: 'POST', url: `/api/v1/policy-documents/${doc.id}/interpretations`, payload: { kind: 'image', title: '一图读懂稳就业政策', url: 'https://www.example.gov.cn/tj/8.png' } })
    expect(added.statusCode).toBe(201)
    const res = await t.call({ method: 'GET', url: `/api/v1/policy-documents/${doc.id}` })
    expect(res.json()).toMatchObject({
      docNumber: '渝北人社发〔2022〕8号', validity: 'in_force', unit: { code: 'rsj' }, entryCount: 0,
      interpretations: [{ kind: 'image', title: '一图读懂稳就业政策' }],
    })
    const del = await t.call({ method: 'DELETE', url: `/api/v1/policy-documents/${doc.id}/interpretations/${added.json().id}` })
    expect(del.statusCode).toBe(204)
    expect((await t.call({ method: 'GET', url: `/api/v1/policy-documents/${doc.id}` })).json().interpretations).toEqual([])
  })

  it('filters the list by validity, unit and text, and pages it', async () => {
    await lib.document({ title: '稳就业十条', docNumber: 'A-1' })
    await lib.document({ title: '失业保险稳岗返还办法', docNumber: 'A-2', validity: 'expired' })
    await lib.document({ title: '生育保险办法', docNumber: 'B-1', unitCode: 'wjw', issuer: '区卫生健康委' })
    const get = async (qs: string) => (await t.call({ method: 'GET', url: `/api/v1/policy-documents?${qs}` })).json()
    expect((await get('validity=expired')).items.map((d: { docNumber: string }) => d.docNumber)).toEqual(['A-2'])
    expect((await get('unit=wjw')).total).toBe(1)
    expect((await get(`q=${encodeURIComponent('稳岗')}`)).items[0].docNumber).toBe('A-2')
    expect(await get('pageSize=2&page=2')).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [{}] })
  })

  it('refuses a document number that is already used with 409 KB_DOCUMENT_NUMBER_TAKEN', async () => {
    await lib.document({ docNumber: '渝北府发〔2021〕3号' })
    const res = await t.call({ method: 'POST', url: '/api/v1/policy-documents', payload: { title: '另一份', issuer: '区政府', docNumber: '渝北府发〔2021〕3号' } })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('KB_DOCUMENT_NUMBER_TAKEN')
  })

  it('marks the entries resting only on a repealed document as not in force and tells the listeners', async () => {
    const changed: number[][] = []
    t.app.services.kb.onChange((ids) => changed.push(ids))
    const doc = await lib.document()
    const other = await lib.document({ title: '另一份现行文件', docNumber: 'X-2' })
    const onlyDoc = await lib.entry({ policyDocumentIds: [doc.id] })
    const twoDocs = await lib.entry({ question: '失业保险金怎么领？', policyDocumentIds: [doc.id, other.id] })
    await lib.publish(onlyDoc.id)
    await lib.publish(twoDocs.id)
    changed.length = 0

    const res = await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${doc.id}`, payload: { validity: 'repealed' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ validity: 'repealed', entryCount: 2 })
    expect(res.json().validityChangedAt).toEqual(expect.any(String))
    expect(changed.flat().sort()).toEqual([onlyDoc.id, twoDocs.id].sort())

    const entry = (id: number) => t.call({ method: 'GET', url: `/api/v1/entries/${id}` }).then((r) => r.json())
    expect(await entry(onlyDoc.id)).toMatchObject({ status: 'published', inForce: false, policyDocuments: [{ validity: 'repealed' }] })
    expect((await entry(twoDocs.id)).inForce).toBe(true)
    const notInForce = (await t.call({ method: 'GET', url: '/api/v1/entries?inForce=false' })).json()
    expect(notInForce.items.map((e: { id: number }) => e.id)).toEqual([onlyDoc.id])

    // Back in force: the entry is served as current again.
    await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${doc.id}`, payload: { validity: 'in_force' } })
    expect((await entry(onlyDoc.id)).inForce).toBe(true)
  })

  it('refuses contradictory dates with 400 KB_DOCUMENT_DATES_INVALID naming the field, but accepts a retroactive 施行日期', async () => {
    const post = (payload: Record<string, unknown>) => t.call({ method: 'POST', url: '/api/v1/policy-documents', payload: { title: '日期测试', issuer: '区人力社保局', unitCode: 'rsj', ...payload } })
    const reversed = await post({ docNumber: 'D-1', publishedOn: '2026-05-01', effectiveOn: '2026-04-01', expiresOn: '2026-03-01', validity: 'expired' })
    expect([reversed.statusCode, reversed.json().code, reversed.json().details]).toEqual([400, 'KB_DOCUMENT_DATES_INVALID', [{ field: 'expiresOn', message: '失效日期 2026-03-01 早于施行日期 2026-04-01，请核对' }]])
    const beforePublished = await post({ docNumber: 'D-2', publishedOn: '2026-05-01', expiresOn: '2026-04-30', validity: 'repealed' })
    expect(beforePublished.json().details.map((d: { field: string }) => d.field)).toEqual(['expiresOn'])
    const lapsed = await post({ docNumber: 'D-3', publishedOn: '2024-05-01', expiresOn: '2025-01-01', validity: 'in_force' })
    expect([lapsed.statusCode, lapsed.json().details.map((d: { field: string }) => d.field)]).toEqual([400, ['validity']])
    expect(lapsed.json().message).toContain('失效日期 2025-01-01 已过，效力不能是现行有效')
    expect((await post({ docNumber: 'D-4', publishedOn: '2024-05-01', expiresOn: '2025-01-01' })).json().code).toBe('KB_DOCUMENT_DATES_INVALID')
    // 施行日期 before 发布日期 is a retroactive policy, which is legitimate.
    const retroactive = await post({ docNumber: 'D-5', publishedOn: '2026-05-01', effectiveOn: '2026-04-01', expiresOn: '2099-12-31' })
    expect(retroactive.statusCode).toBe(201)

    const id = retroactive.json().id
    const patch = (payload: Record<string, unknown>) => t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${id}`, payload })
    expect((await patch({ expiresOn: '2026-03-31' })).json().details.map((d: { field: string }) => d.field)).toEqual(['expiresOn', 'validity'])
    expect((await patch({ expiresOn: '2026-06-30', validity: 'expired' })).statusCode).toBe(200)
    expect((await patch({ validity: 'in_force' })).json().details.map((d: { field: string }) => d.field)).toEqual(['validity'])
    expect((await patch({ title: '日期测试（修订）' })).statusCode).toBe(200)
  })

  it('lapses a document in force the day after its 失效日期 (Beijing time), and its entries stop being in force', async () => {
    const changed: number[][] = []
    t.app.services.kb.onChange((ids) => changed.push(ids))
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
    const doc = await lib.document({ docNumber: 'L-1', expiresOn: today })
    const later = await lib.document({ docNumber: 'L-2', expiresOn: '2099-12-31' })
    const entry = await lib.entry({ policyDocumentIds: [doc.id] })
    await lib.publish(entry.id)
    const match = async () => (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '一次性创业补贴怎么申请？' } })).json()
    expect((await match()).candidates[0]).toMatchObject({ entryId: entry.id, inForce: true })
    changed.length = 0

    const { kb } = t.app.services
    expect(await kb.expireLapsed(new Date())).toEqual([])
    // Midnight in Beijing: the next day has begun.
    const tomorrow = new Date(`${today}T16:00:00.000Z`)
    expect(await kb.expireLapsed(tomorrow)).toEqual([{ id: doc.id, docNumber: 'L-1', title: '关于进一步做好稳就业工作的通知', expiresOn: today }])
    expect(await kb.expireLapsed(tomorrow)).toEqual([])
    expect(changed.flat()).toEqual([entry.id])
    const lapsed = (await t.call({ method: 'GET', url: `/api/v1/policy-documents/${doc.id}` })).json()
    expect(lapsed).toMatchObject({ validity: 'expired', validityChangedAt: expect.any(String) })
    expect((await t.call({ method: 'GET', url: `/api/v1/policy-documents/${later.id}` })).json().validity).toBe('in_force')
    expect((await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}` })).json()).toMatchObject({ inForce: false })
    await vi.waitFor(async () => expect((await match()).candidates[0]).toMatchObject({ entryId: entry.id, inForce: false }))
    expect((await match()).decision).toMatchObject({ level: 'none', reason: expect.stringContaining('已失效或废止') })
  })

  it('does not lapse a document whose 失效日期 was extended after the run read it', async () => {
    // The run reads the lapsed documents, then marks each: an edit committed in between wins.
    const doc = await lib.document({ docNumber: 'L-3', expiresOn: '2099-12-31' })
    const marked = await createDocumentsRepository().expireInForce(t.app.services.db, doc.id, '2026-12-08', new Date().toISOString())
    expect(marked).toBe(false)
    expect((await t.call({ method: 'GET', url: `/api/v1/policy-documents/${doc.id}` })).json().validity).toBe('in_force')
  })

  it('deletes only a document that no entry version cites', async () => {
    const cited = await lib.document()
    const unused = await lib.document({ docNumber: 'U-1' })
    await lib.entry({ policyDocumentIds: [cited.id] })
    const refused = await t.call({ method: 'DELETE', url: `/api/v1/policy-documents/${cited.id}` })
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('KB_DOCUMENT_IN_USE')
    expect((await t.call({ method: 'DELETE', url: `/api/v1/policy-documents/${unused.id}` })).statusCode).toBe(204)
    expect((await t.call({ method: 'GET', url: `/api/v1/policy-documents/${unused.id}` })).json().code).toBe('KB_DOCUMENT_NOT_FOUND')
  })

  it('lets a unit token maintain its own unit\'s documents only; agents only read', async () => {
    const rsj = await t.token('unit', { unitCode: 'rsj' })
    const agent = await t.token('agent')
    const own = await t.call({ method: 'POST', url: '/api/v1/policy-documents', token: rsj, payload: { title: '就业见习补贴办法', issuer: '区人力社保局' } })
    expect(own.statusCode).toBe(201)
    expect(own.json().unit.code).toBe('rsj')
    const foreign = await t.call({ method: 'POST', url: '/api/v1/policy-documents', token: rsj, payload: { title: '生育保险办法', issuer: '区卫生健康委', unitCode: 'wjw' } })
    expect(foreign.json().code).toBe('KB_NOT_YOUR_UNIT')
    const wjwDoc = await lib.document({ unitCode: 'wjw', docNumber: 'W-1' })
    const edit = await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${wjwDoc.id}`, token: rsj, payload: { validity: 'expired' } })
    expect(edit.statusCode).toBe(403)
    expect(edit.json().code).toBe('KB_NOT_YOUR_UNIT')
    const orphan = await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${own.json().id}`, token: rsj, payload: { unitCode: null } })
    expect(orphan.json().code).toBe('KB_NOT_YOUR_UNIT')
    expect((await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${own.json().id}`, token: rsj, payload: { validity: 'expired' } })).json().validity).toBe('expired')
    expect((await t.call({ method: 'GET', url: '/api/v1/policy-documents', token: agent })).statusCode).toBe(200)
    expect((await t.call({ method: 'POST', url: '/api/v1/policy-documents', token: agent, payload: { title: '某文件', issuer: '某单位' } })).json().code).toBe('FORBIDDEN')
  })
})
