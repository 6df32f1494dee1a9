import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { POLICY_LIBRARY, insertEntries, insertEntry } from './search.testkit.ts'

describe('matching API', () => {
  let t: TestApp
  const ids: number[] = []
  beforeAll(async () => {
    t = await createTestApp()
    for (const e of POLICY_LIBRARY) ids.push(await insertEntry(t.app.services, e))
    await insertEntry(t.app.services, { question: '草稿条目不应被检索到', status: 'draft' })
    await t.app.services.search.rebuild()
  })
  afterAll(async () => { await t.close() })

  const match = (payload: Record<string, unknown>, token?: string) => t.call({ method: 'POST', url: '/api/v1/match', payload, token })

  it('answers a hotline question with the entry, its unit, topic, policy and highlights', async () => {
    const res = await match({ question: '您好，请问城乡居民医保咋缴费？' })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.matchId).toMatch(/^[0-9a-f-]{36}$/)
    expect(body.matched).toBe(true)
    expect(body.confidence).toBe(body.candidates[0].confidence)
    expect(body.candidates[0]).toMatchObject({
      entryId: ids[0], externalId: 'kb-001', question: '城乡居民医保怎么缴费？', matchedQuestion: '城乡居民医保怎么缴费？',
      topic: { code: 'medical', name: '医疗' }, unit: { code: 'ybj' },
      policy: { title: '城乡居民基本医疗保险实施办法', docNumber: '渝府发〔2021〕5号', validity: 'in_force' }, inForce: true,
    })
    const { highlights, matchedQuestion } = body.candidates[0]
    expect(highlights.question.map((r: { start: number; end: number }) => matchedQuestion.slice(r.start, r.end)).join('|')).toContain('缴费')
  })

  it('reads a homophone typo as the library’s word and says which', async () => {
    const body = (await match({ question: '城乡居民医保咋交废' })).json()
    expect(body.corrections).toEqual([{ from: '交废', to: '交费' }])
    expect(body.candidates[0].entryId).toBe(ids[0])
    expect((await match({ question: '城乡居民医保咋缴费' })).json().corrections).toEqual([])
  })

  it('uses five candidates by default and at most twenty', async () => {
    expect((await match({ question: '怎么办理' })).json().candidates.length).toBeLessThanOrEqual(5)
    expect((await match({ question: '怎么', limit: 21 })).json().code).toBe('VALIDATION_FAILED')
  })

  it('refuses an empty or blank question with SEARCH_EMPTY_QUESTION', async () => {
    for (const question of ['', '   ', '？！。']) {
      const res = await match({ question })
      expect(res.statusCode).toBe(400)
      expect(res.json().code).toBe('SEARCH_EMPTY_QUESTION')
    }
    expect((await match({})).json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'question' }] })
  })

  it('does not answer at once when nothing in the library fits', async () => {
    const body = (await match({ question: '小区门口的路灯坏了找谁修' })).json()
    expect(body.matched).toBe(false)
    expect(body.confidence).toBeLessThan(0.8)
  })

  it('limits candidates to a topic and refuses an unknown topic', async () => {
    const body = (await match({ question: '怎么领取', topic: 'employment', limit: 10 })).json()
    expect(body.candidates.length).toBeGreaterThan(0)
    for (const c of body.candidates) expect(c.topic.code).toBe('employment')
    expect((await match({ question: '怎么领取', topic: 'nope' })).json().code).toBe('SEARCH_TOPIC_NOT_FOUND')
  })

  it('lets every working role match, and no one without a token', async () => {
    for (const role of ['agent', 'integration'] as const) {
      expect((await match({ question: '生育津贴怎么领' }, await t.token(role))).statusCode).toBe(200)
    }
    expect((await match({ question: '生育津贴怎么领' }, await t.token('reviewer', { reviewStep: 0 }))).statusCode).toBe(200)
    expect((await match({ question: '生育津贴怎么领' }, await t.token('unit', { unitCode: 'rsj' }))).statusCode).toBe(200)
    expect((await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '医保' }, token: null })).statusCode).toBe(401)
  })

  it('never serves a draft', async () => {
    const body = (await match({ question: '草稿条目不应被检索到', limit: 20 })).json()
    expect(body.candidates.map((c: { question: string }) => c.question)).not.toContain('草稿条目不应被检索到')
  })

  it('suggests entries while the agent types', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/search?q=' + encodeURIComponent('公积') })
    expect(res.statusCode).toBe(200)
    expect(res.json().items[0]).toMatchObject({ entryId: ids[2], question: '住房公积金怎么提取？' })
    const agent = await t.token('agent')
    const typed = await t.call({ method: 'GET', url: '/api/v1/search?q=' + encodeURIComponent('产假工'), token: agent })
    expect(typed.json().items[0]).toMatchObject({ entryId: ids[1], matchedQuestion: '产假工资找谁领' })
    expect((await t.call({ method: 'GET', url: '/api/v1/search?q=' })).statusCode).toBe(400)
  })

  it('reports the index in /health', async () => {
    const body = (await t.call({ method: 'GET', url: '/health', token: null })).json()
    expect(body.searchIndex).toMatchObject({ ok: true, documents: POLICY_LIBRARY.length })
    expect(body.searchIndex.builtAt).toEqual(expect.any(String))
  })
})

describe('feedback on a match', () => {
  let t: TestApp
  let entryId: number
  beforeAll(async () => {
    t = await createTestApp()
    await insertEntries(t.app.services, POLICY_LIBRARY)
    await t.app.services.search.rebuild()
    entryId = (await t.app.services.search.match({ question: '生育津贴怎么申领' })).candidates[0].entryId
  })
  afterAll(async () => { await t.close() })

  const feedback = (matchId: string, payload: Record<string, unknown>, token?: string) =>
    t.call({ method: 'POST', url: `/api/v1/match/${matchId}/feedback`, payload, token })

  it('counts a hit for the entry and for the question that matched', async () => {
    const agent = await t.token('agent')
    const m = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '产假工资找谁领？' }, token: agent })).json()
    expect(m.candidates[0]).toMatchObject({ entryId, matchedQuestion: '产假工资找谁领' })
    const res = await feedback(m.matchId, { entryId }, agent)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ matchId: m.matchId, usedEntryId: entryId, matchedQuestion: '产假工资找谁领', noneFitted: false })
    expect(await t.app.services.search.questionHits(entryId)).toMatchObject([{ question: '产假工资找谁领', hits: 1 }])
    const second = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '生育津贴怎么申领' } })).json()
    await feedback(second.matchId, { entryId, matchedQuestion: '生育津贴怎么申领？' })
    const hits = await t.app.services.search.questionHits(entryId)
    expect(hits.map((h) => [h.question, h.hits]).sort()).toEqual([['产假工资找谁领', 1], ['生育津贴怎么申领？', 1]])
  })

  it('refuses a second feedback on the same match and an unknown match', async () => {
    const m = await t.app.services.search.match({ question: '失业保险金怎么领' })
    expect((await feedback(m.matchId, { noneFitted: true })).statusCode).toBe(200)
    expect((await feedback(m.matchId, { entryId })).json().code).toBe('SEARCH_FEEDBACK_ALREADY_GIVEN')
    expect((await feedback('00000000-0000-4000-8000-000000000000', { noneFitted: true })).json().code).toBe('SEARCH_MATCH_NOT_FOUND')
    expect((await feedback((await t.app.services.search.match({ question: '医保' })).matchId, { entryId: 99999 })).json().code).toBe('SEARCH_ENTRY_NOT_FOUND')
  })

  it('keeps misses for the upkeep of the library', async () => {
    const m = await t.app.services.search.match({ question: '电动车上牌在哪里办理' })
    await feedback(m.matchId, { noneFitted: true })
    const res = await t.call({ method: 'GET', url: '/api/v1/match-misses' })
    expect(res.statusCode).toBe(200)
    expect(res.json().items.map((i: { question: string }) => i.question)).toContain('电动车上牌在哪里办理')
  })

  it('masks phone numbers in the logged question', async () => {
    const m = await t.app.services.search.match({ question: '我电话13812345678，医保卡丢了' })
    await feedback(m.matchId, { noneFitted: true })
    const items = (await t.call({ method: 'GET', url: '/api/v1/match-misses' })).json().items
    expect(items.map((i: { question: string }) => i.question)).toContain('我电话138****5678，医保卡丢了')
  })

  it('masks a letter before cutting its logged question, so a number across the cut is masked too', async () => {
    // The phone starts at character 1,995: a cut before masking would keep 13812 as written.
    const letter = '医保卡丢了'.repeat(398) + '我的电话：13812345678' + '，谢谢'.repeat(100)
    const m = await t.app.services.search.match({ question: letter })
    await feedback(m.matchId, { noneFitted: true })
    const items = (await t.call({ method: 'GET', url: '/api/v1/match-misses' })).json().items
    const logged = items.map((i: { question: string }) => i.question).find((q: string) => q.startsWith('医保卡丢了医保卡'))
    expect(logged).toHaveLength(2000)
    expect(logged).not.toContain('13812')
    expect(logged.endsWith('我的电话：138**')).toBe(true)
  })

  it('lets search.recordHit count a consultation answered with an entry', async () => {
    const { db, search } = t.app.services
    await db.transaction((tx) => search.recordHit(tx, entryId))
    expect((await search.questionHits(entryId)).find((h) => h.question === '生育津贴怎么申领？')?.hits).toBe(2)
  })
})
