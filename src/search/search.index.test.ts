import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { first } from '../db/query.ts'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { POLICY_LIBRARY, archiveEntry, insertEntries, insertEntry, publishNewVersion, setDocumentValidity } from './search.testkit.ts'
import { createSearchService } from './search.service.ts'
import { loadModel } from './model.ts'
import { readStartingSynonyms } from './synonyms.ts'

/** A test app whose index holds the policy library. */
async function appWithPolicyLibrary(): Promise<TestApp> {
  const t = await createTestApp()
  await insertEntries(t.app.services, POLICY_LIBRARY)
  await t.app.services.search.rebuild()
  return t
}

describe('index lifecycle', () => {
  let t: TestApp
  beforeAll(async () => { t = await appWithPolicyLibrary() })
  afterAll(async () => { await t.close() })

  const top = async (question: string) => (await t.app.services.search.match({ question })).candidates[0]
  const ids = async (question: string) => (await t.app.services.search.match({ question, limit: 20 })).candidates.map((c) => c.entryId)

  it('adds a newly published entry on reindex, without a rebuild', async () => {
    const { search } = t.app.services
    const builtAt = search.status().builtAt
    // Published through the kb service, which asks for the reindex itself once it commits.
    const id = await insertEntry(t.app.services, { question: '居住证怎么办理？', answer: '持身份证到居住地派出所申领居住证。', topicCode: 'housing' })
    await search.reindex([id])
    expect(await top('办居住证需要什么')).toMatchObject({ entryId: id })
    expect(search.status()).toMatchObject({ documents: POLICY_LIBRARY.length + 1, builtAt })
  })

  it('serves the new version of an entry after it is published and reindexed', async () => {
    const { search } = t.app.services
    const id = (await top('失业保险金怎么领取')).entryId
    await publishNewVersion(t.app.services, id, { question: '失业保险金怎么申领？', similarQuestions: ['失业金在网上怎么领'], answer: '登录人社APP在线申领失业保险金。' })
    await search.reindex([id])
    const c = await top('失业金网上怎么领')
    expect(c).toMatchObject({ entryId: id, question: '失业保险金怎么申领？', matchedQuestion: '失业金在网上怎么领', answer: '登录人社APP在线申领失业保险金。' })
  })

  it('drops an archived entry on reindex', async () => {
    const { search } = t.app.services
    const id = (await top('新生儿怎么办理出生医学证明')).entryId
    await archiveEntry(t.app.services, id)
    await search.reindex([id])
    expect(await ids('新生儿怎么办理出生医学证明')).not.toContain(id)
  })

  it('returns an entry whose documents are all expired, but never as a confident match', async () => {
    const { search } = t.app.services
    const c = await top('城乡居民医保怎么缴费')
    expect(c.inForce).toBe(true)
    await setDocumentValidity(t.app.services, '城乡居民基本医疗保险实施办法', 'repealed')
    await search.reindex([c.entryId])
    const res = await search.match({ question: '城乡居民医保怎么缴费' })
    expect(res.candidates[0]).toMatchObject({ entryId: c.entryId, inForce: false, policy: { validity: 'repealed' } })
    expect(res.matched).toBe(false)
  })

  it('picks up everything on a full rebuild', async () => {
    const { search } = t.app.services
    const id = await insertEntry(t.app.services, { question: '残疾人两项补贴怎么申请？', topicCode: 'pension' })
    await search.rebuild()
    expect(await top('残疾人两项补贴怎么申请')).toMatchObject({ entryId: id })
  })
})

describe('synonyms and dictionary through the API', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await insertEntries(t.app.services, POLICY_LIBRARY)
    await insertEntry(t.app.services, { question: '渝悦办怎么注册账号？', answer: '下载渝悦办APP，按提示实名注册。', externalId: 'kb-yyb' })
    await insertEntry(t.app.services, { question: '悦读计划补贴怎么领？', answer: '到区图书馆登记。', externalId: 'kb-yd' })
    await t.app.services.search.rebuild()
  })
  afterAll(async () => { await t.close() })

  const top = async (question: string) => (await t.app.services.search.match({ question })).candidates[0]

  it('ships the starting synonyms', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/synonyms' })
    expect(res.statusCode).toBe(200)
    expect(res.json().items).toEqual(expect.arrayContaining([expect.objectContaining({ term: '社保', canonical: '社会保险' })]))
  })

  it('applies a synonym an administrator adds, and stops when it is removed', async () => {
    expect((await top('饭碗钱怎么领'))?.externalId).not.toBe('kb-007')
    const res = await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '饭碗钱', canonical: '失业保险金' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ term: '饭碗钱', canonical: '失业保险金' })
    await t.app.services.search.idle()
    expect(await top('饭碗钱怎么领')).toMatchObject({ externalId: 'kb-007' })
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '饭碗钱', canonical: '别的' } })).json().code).toBe('SEARCH_SYNONYM_TAKEN')
    const changed = await t.call({ method: 'PATCH', url: `/api/v1/synonyms/${res.json().id}`, payload: { canonical: '生育津贴' } })
    expect(changed.json().canonical).toBe('生育津贴')
    await t.app.services.search.idle()
    expect(await top('饭碗钱怎么领')).toMatchObject({ externalId: 'kb-002' })
    const whileRead = await t.app.services.search.match({ question: '饭碗钱怎么领' })
    expect(whileRead.matched).toBe(true)
    expect((await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${res.json().id}` })).statusCode).toBe(204)
    await t.app.services.search.idle()
    // Without the synonym only 怎么 and 领 are left in common with 生育津贴怎么申领: no longer a match.
    const after = await t.app.services.search.match({ question: '饭碗钱怎么领' })
    expect(after.matched).toBe(false)
    expect(after.confidence).toBeLessThan(whileRead.confidence / 2)
    expect((await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${res.json().id}` })).json().code).toBe('SEARCH_SYNONYM_NOT_FOUND')
  })

  it('adds the shipped starting words a library lacks, and leaves the words an administrator changed as they are', async () => {
    const list = async () => (await t.call({ method: 'GET', url: '/api/v1/synonyms' })).json().items as { id: number; term: string; canonical: string; weight: number }[]
    const shipped = readStartingSynonyms()
    const before = await list()
    const byTerm = new Map(before.map((s) => [s.term, s]))
    // As a library seeded by an earlier version: two starting words missing, one changed by its administrator.
    for (const term of ['房本', '社保']) expect((await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${byTerm.get(term)!.id}` })).statusCode).toBe(204)
    expect((await t.call({ method: 'PATCH', url: `/api/v1/synonyms/${byTerm.get('医保')!.id}`, payload: { canonical: '基本医疗保险' } })).statusCode).toBe(200)
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms/starting-set', token: await t.token('agent') })).statusCode).toBe(403)
    const res = await t.call({ method: 'POST', url: '/api/v1/synonyms/starting-set' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ added: 2, total: before.length })
    expect([...res.json().terms].sort()).toEqual(['房本', '社保'].sort())
    expect(res.json().ids).toHaveLength(2)
    expect(res.json().hidden).toEqual([])
    const after = new Map((await list()).map((s) => [s.term, s]))
    expect(after.get('房本')).toMatchObject({ canonical: '不动产权证书', weight: shipped.find((p) => p.term === '房本')!.weight })
    expect(after.get('社保')).toMatchObject({ canonical: '社会保险', weight: 1 })
    expect(after.get('医保')).toMatchObject({ canonical: '基本医疗保险' })
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms/starting-set' })).json()).toEqual({ added: 0, total: before.length, ids: [], terms: [], hidden: [] })
    // The audit log names the words added.
    const audit = (await t.call({ method: 'GET', url: '/api/v1/audit?action=addStartingSynonyms' })).json().items
    expect(audit[audit.length - 1].targetIds.map(String).sort()).toEqual(res.json().ids.map(String).sort())
    // An administrator's related phrase that a shipped synonym rewrites (社保卡 → 社会保障卡) is never found: named.
    const mine = (await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '社保卡掉了', canonical: '补领', weight: 0.7 } })).json()
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms/starting-set' })).json().hidden).toEqual(['社保卡掉了'])
    await t.call({ method: 'DELETE', url: `/api/v1/synonyms/${mine.id}` })
    await t.call({ method: 'PATCH', url: `/api/v1/synonyms/${after.get('医保')!.id}`, payload: { canonical: '医疗保险' } })
    await t.app.services.search.idle()
  })

  it('refuses a synonym that reads a word as itself', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '医保', canonical: '醫保' } })
    expect(res.statusCode).toBe(422)
    expect(res.json().code).toBe('SEARCH_SYNONYM_INVALID')
  })

  it('keeps a dictionary term whole once an administrator adds it, and rebuilds the index', async () => {
    // Cut into 渝/悦/办 by default, the name also half-matches 悦读计划; kept whole it does not.
    const before = (await t.app.services.search.match({ question: '渝悦办', limit: 10 })).candidates.map((c) => c.externalId)
    expect(before).toContain('kb-yd')
    const res = await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '渝悦办' } })
    expect(res.statusCode).toBe(201)
    await t.app.services.search.idle()
    const after = (await t.app.services.search.match({ question: '渝悦办', limit: 10 })).candidates.map((c) => c.externalId)
    expect(after).toEqual(['kb-yyb'])
    expect((await t.call({ method: 'GET', url: '/api/v1/dictionary-terms' })).json().items).toMatchObject([{ term: '渝悦办' }])
    expect((await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '渝悦办' } })).json().code).toBe('SEARCH_DICTIONARY_TERM_TAKEN')
    expect((await t.call({ method: 'DELETE', url: `/api/v1/dictionary-terms/${res.json().id}` })).statusCode).toBe(204)
    await t.app.services.search.idle()
    expect((await t.app.services.search.match({ question: '渝悦办', limit: 10 })).candidates.map((c) => c.externalId)).toContain('kb-yd')
  })

  it('keeps synonym and dictionary changes for administrators', async () => {
    const agent = await t.token('agent')
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: 'a', canonical: 'b' }, token: agent })).statusCode).toBe(403)
    expect((await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '某词' }, token: agent })).statusCode).toBe(403)
  })
})

describe('token cache', () => {
  let t: TestApp
  beforeAll(async () => { t = await appWithPolicyLibrary() })
  afterAll(async () => { await t.close() })

  const cacheRow = (entryId: number) => first(t.app.services.db.all<{ key: string; tokens: string }>(sql`select key, tokens from search_entry_tokens where entry_id = ${entryId}`))

  it('keeps what each published entry was cut into, and builds from it on the next rebuild', async () => {
    const { db, search } = t.app.services
    const count = (await first(db.all<{ n: number }>(sql`select count(*) n from search_entry_tokens`)))!
    expect(count.n).toBe(POLICY_LIBRARY.length)
    const id = (await search.match({ question: '住房公积金怎么提取' })).candidates[0].entryId
    // Doctor the cached tokens (same key): a rebuild that reads them finds the entry by a word it never had.
    const row = (await cacheRow(id))!
    const tokens = JSON.parse(row.tokens)
    tokens.questions[0].words.push('暗号')
    await db.run(sql`update search_entry_tokens set tokens = ${JSON.stringify(tokens)} where entry_id = ${id}`)
    await search.rebuild()
    expect((await search.match({ question: '暗号' })).candidates[0]?.entryId).toBe(id)
  })

  it('cuts again when what the cutting depends on changes, or the entry does', async () => {
    const { search } = t.app.services
    const id = (await search.match({ question: '暗号' })).candidates[0].entryId
    const before = (await cacheRow(id))!.key
    // A new synonym changes the signature of every entry: the doctored tokens are replaced.
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '房积金', canonical: '住房公积金' } })).statusCode).toBe(201)
    await search.idle()
    expect((await cacheRow(id))!.key).not.toBe(before)
    expect((await search.match({ question: '暗号' })).candidates.map((c) => c.entryId)).not.toContain(id)
    // A new version of the entry: its key changes on reindex; an archived entry's row goes on rebuild.
    const keyed = (await cacheRow(id))!.key
    await publishNewVersion(t.app.services, id, { question: '住房公积金如何提取？', answer: '凭身份证和证明材料到公积金中心提取。' })
    await search.reindex([id])
    expect((await cacheRow(id))!.key).not.toBe(keyed)
    await archiveEntry(t.app.services, id)
    await search.reindex([id])
    await search.rebuild()
    expect(await cacheRow(id)).toBeUndefined()
  })

  it('cuts again when the model reads entries differently: its cutting options are part of the key', async () => {
    const { db, config, log } = t.app.services
    const id = (await t.app.services.search.match({ question: '失业保险金怎么领取' })).candidates[0].entryId
    const before = (await cacheRow(id))!
    const shipped = loadModel()
    const other = createSearchService({ db, config, log, model: { ...shipped, options: { ...shipped.options, answerChars: 5 } } })
    await other.start()
    const after = (await cacheRow(id))!
    expect(after.key).not.toBe(before.key)
    expect(JSON.parse(after.tokens).answer.replace(/ /g, '').length).toBeLessThanOrEqual(5)
    await other.stop()
  })
})

describe('an entry changed while a synonym change rebuilds the index', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    // More than one rebuild chunk (1,000 entries), so the rebuild yields and a change can come in between.
    // Each with an area, as review requires of a new version (publishNewVersion below).
    await insertEntries(t.app.services, Array.from({ length: 1100 }, (_, i) => ({ question: `第${i}号事项的办理流程是什么？`, answer: `第${i}号事项在区政务服务中心办理。`, topicCode: 'housing' })))
    await t.app.services.search.rebuild()
  })
  afterAll(async () => { await t.close() })

  it('serves and caches the changed entry as cut with the new synonyms', async () => {
    const { search } = t.app.services
    // The first entry: the rebuild has already read it when it yields after its first chunk.
    const id = (await search.match({ question: '第0号事项的办理流程是什么' })).candidates[0].entryId
    // The synonym starts a rebuild; the entry changes before it finishes.
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '公维金', canonical: '维修基金' } })).statusCode).toBe(201)
    expect(search.status().rebuilding).toBe(true)
    await publishNewVersion(t.app.services, id, { question: '老旧小区公维金怎么申请使用？', answer: '向街道办事处提交公维金使用申请。' })
    await search.reindex([id])
    await search.idle()
    const live = (await search.match({ question: '老旧小区的维修基金怎么申请' })).candidates[0]
    const cached = (await first(t.app.services.db.all<{ tokens: string }>(sql`select key, tokens from search_entry_tokens where entry_id = ${id}`)))!
    expect(JSON.parse(cached.tokens).questions[0].text).toContain('维修基金')
    // A rebuild from scratch (cache dropped) gives the same match.
    await t.app.services.db.run(sql`delete from search_entry_tokens`)
    await search.rebuild()
    const rebuilt = (await search.match({ question: '老旧小区的维修基金怎么申请' })).candidates[0]
    expect(live.entryId).toBe(id)
    expect(live.score).toBeCloseTo(rebuilt.score, 9)
  })
})
