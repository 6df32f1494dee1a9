import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/helpers.ts'
import { POLICY_LIBRARY, archiveEntry, insertEntry, publishNewVersion, setDocumentValidity } from './search.fixtures.ts'

describe('index lifecycle', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    for (const e of POLICY_LIBRARY) insertEntry(t.app.services.db, e)
    await t.app.services.search.rebuild()
  })
  afterAll(async () => { await t.close() })

  const top = (question: string) => t.app.services.search.match({ question }).candidates[0]
  const ids = (question: string) => t.app.services.search.match({ question, limit: 20 }).candidates.map((c) => c.entryId)

  it('adds a newly published entry on reindex, without a rebuild', () => {
    const { db, search } = t.app.services
    const builtAt = search.status().builtAt
    const id = insertEntry(db, { question: '居住证怎么办理？', answer: '持身份证到居住地派出所申领居住证。', topicCode: 'housing' })
    expect(ids('居住证怎么办理')).not.toContain(id)
    search.reindex([id])
    expect(top('办居住证需要什么')).toMatchObject({ entryId: id })
    expect(search.status()).toMatchObject({ documents: POLICY_LIBRARY.length + 1, builtAt })
  })

  it('serves the new version of an entry after it is published and reindexed', () => {
    const { db, search } = t.app.services
    const id = top('失业保险金怎么领取').entryId
    publishNewVersion(db, id, { question: '失业保险金怎么申领？', similarQuestions: ['失业金在网上怎么领'], answer: '登录人社APP在线申领失业保险金。' })
    search.reindex([id])
    const c = top('失业金网上怎么领')
    expect(c).toMatchObject({ entryId: id, question: '失业保险金怎么申领？', matchedQuestion: '失业金在网上怎么领', answer: '登录人社APP在线申领失业保险金。' })
  })

  it('drops an archived entry on reindex', () => {
    const { db, search } = t.app.services
    const id = top('新生儿怎么办理出生医学证明').entryId
    archiveEntry(db, id)
    search.reindex([id])
    expect(ids('新生儿怎么办理出生医学证明')).not.toContain(id)
  })

  it('returns an entry whose documents are all expired, but never as a confident match', () => {
    const { db, search } = t.app.services
    const c = top('城乡居民医保怎么缴费')
    expect(c.inForce).toBe(true)
    setDocumentValidity(db, '城乡居民基本医疗保险实施办法', 'repealed')
    search.reindex([c.entryId])
    const res = search.match({ question: '城乡居民医保怎么缴费' })
    expect(res.candidates[0]).toMatchObject({ entryId: c.entryId, inForce: false, policy: { validity: 'repealed' } })
    expect(res.matched).toBe(false)
  })

  it('picks up everything on a full rebuild', async () => {
    const { db, search } = t.app.services
    const id = insertEntry(db, { question: '残疾人两项补贴怎么申请？', topicCode: 'pension' })
    await search.rebuild()
    expect(top('残疾人两项补贴怎么申请')).toMatchObject({ entryId: id })
  })
})

describe('synonyms and dictionary through the API', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    for (const e of POLICY_LIBRARY) insertEntry(t.app.services.db, e)
    insertEntry(t.app.services.db, { question: '渝悦办怎么注册账号？', answer: '下载渝悦办APP，按提示实名注册。', externalId: 'kb-yyb' })
    insertEntry(t.app.services.db, { question: '悦读计划补贴怎么领？', answer: '到区图书馆登记。', externalId: 'kb-yd' })
    await t.app.services.search.rebuild()
  })
  afterAll(async () => { await t.close() })

  const top = (question: string) => t.app.services.search.match({ question }).candidates[0]

  it('ships the starting synonyms', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/synonyms' })
    expect(res.statusCode).toBe(200)
    expect(res.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ term: '社保', canonical: '社会保险' })]))
  })

  it('applies a synonym an administrator adds, and stops when it is removed', async () => {
    expect(top('下岗补助怎么领')?.externalId).not.toBe('kb-007')
    const res = await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '下岗补助', canonical: '失业保险金' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ term: '下岗补助', canonical: '失业保险金' })
    await t.app.services.search.idle()
    expect(top('下岗补助怎么领')).toMatchObject({ externalId: 'kb-007' })
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '下岗补助', canonical: '别的' } })).json().code).toBe('SEARCH_SYNONYM_TAKEN')
    const changed = await t.call({ method: 'PATCH', url: `/api/v1/synonyms/${res.json().id}`, payload: { canonical: '生育津贴' } })
    expect(changed.json().canonical).toBe('生育津贴')
    await t.app.services.search.idle()
    expect(top('下岗补助怎么领')).toMatchObject({ externalId: 'kb-002' })
    expect((await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${res.json().id}` })).statusCode).toBe(204)
    await t.app.services.search.idle()
    expect(top('下岗补助怎么领')?.externalId).not.toBe('kb-002')
    expect((await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${res.json().id}` })).json().code).toBe('SEARCH_SYNONYM_NOT_FOUND')
  })

  it('refuses a synonym that reads a word as itself', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '医保', canonical: '醫保' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('SEARCH_SYNONYM_INVALID')
  })

  it('keeps a dictionary term whole once an administrator adds it, and rebuilds the index', async () => {
    // Cut into 渝/悦/办 by default, the name also half-matches 悦读计划; kept whole it does not.
    const before = t.app.services.search.match({ question: '渝悦办', limit: 10 }).candidates.map((c) => c.externalId)
    expect(before).toContain('kb-yd')
    const res = await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '渝悦办' } })
    expect(res.statusCode).toBe(201)
    await t.app.services.search.idle()
    const after = t.app.services.search.match({ question: '渝悦办', limit: 10 }).candidates.map((c) => c.externalId)
    expect(after).toEqual(['kb-yyb'])
    expect((await t.call({ method: 'GET', url: '/api/v1/dictionary-terms' })).json().items).toMatchObject([{ term: '渝悦办' }])
    expect((await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '渝悦办' } })).json().code).toBe('SEARCH_DICTIONARY_TERM_TAKEN')
    expect((await t.call({ method: 'DELETE', url: `/api/v1/dictionary-terms/${res.json().id}` })).statusCode).toBe(204)
    await t.app.services.search.idle()
    expect(t.app.services.search.match({ question: '渝悦办', limit: 10 }).candidates.map((c) => c.externalId)).toContain('kb-yd')
  })

  it('keeps synonym and dictionary changes for administrators', async () => {
    const agent = await t.token('agent')
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: 'a', canonical: 'b' }, token: agent })).statusCode).toBe(403)
    expect((await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '某词' }, token: agent })).statusCode).toBe(403)
  })
})
