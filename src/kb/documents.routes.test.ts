import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from './kb.testkit.ts'

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
