import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { insertEntries } from './search.testkit.ts'

// A library of 36 entries, each with two similar questions: enough to calibrate on (written here,
// not taken from any benchmark).
const SUBJECTS = ['住房公积金', '城乡居民医保', '失业保险金', '公租房', '残疾人证', '结婚登记', '营业执照', '驾驶证', '居住证', '生育津贴', '高龄津贴', '临时救助']
const ACTIONS: [string, string, string][] = [['申请', '怎么申请', '申请要带什么材料'], ['办理进度', '办理进度在哪查', '多久能办好'], ['条件', '需要满足什么条件', '谁可以申请']]
const LIBRARY = SUBJECTS.flatMap((s) => ACTIONS.map(([, q, sim]) => ({
  question: `${s}${q}？`, similarQuestions: [`${s}${sim}`, `请问${s}${q.replace('怎么', '如何')}`], answer: `${s}：请携带身份证到区政务服务中心办理，咨询电话 023-68552000。`,
})))

describe('calibration on the loaded library', () => {
  let t: TestApp
  let pinned: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    pinned = await createTestApp({ matchThreshold: 0.999999 })
    for (const app of [t, pinned]) {
      await insertEntries(app.app.services, LIBRARY)
      await app.app.services.search.rebuild()
    }
  })
  afterAll(async () => { await t.close(); await pinned.close() })

  it('is fitted on the library\'s own similar questions and shown to the office', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/match-calibration' })
    expect(res.statusCode).toBe(200)
    const c = res.json()
    expect(c.method).toBe('library')
    expect(c.examples.answerable + c.examples.unanswerable).toBeGreaterThanOrEqual(40)
    expect(c.thresholds.automatic).toBeGreaterThanOrEqual(c.thresholds.desk)
    expect(c.reliability.length).toBeGreaterThan(0)
  })

  it('decides by the library\'s thresholds, and says why in words', async () => {
    const c = (await t.call({ method: 'GET', url: '/api/v1/match-calibration' })).json()
    const body = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '公租房该咋申请呢' } })).json()
    expect(body.decision.thresholds).toEqual(c.thresholds)
    expect(body.matched).toBe(body.decision.probability >= c.thresholds.desk && body.decision.blockedBy.length === 0)
    expect(body.matchedAutomatically).toBe(body.decision.probability >= c.thresholds.automatic && body.decision.blockedBy.length === 0)
    expect(['很可能是', '可能是', '不确定']).toContain(body.decision.label)
    expect(body.decision.reason.length).toBeGreaterThan(4)
  })

  it('lets MATCH_THRESHOLD pin both levels instead', async () => {
    const c = (await pinned.call({ method: 'GET', url: '/api/v1/match-calibration' })).json()
    expect(c).toMatchObject({ method: 'pinned', thresholds: { desk: 0.999999, automatic: 0.999999 } })
    const body = (await pinned.call({ method: 'POST', url: '/api/v1/match', payload: { question: '公租房怎么申请' } })).json()
    expect(body.matched).toBe(false)
    expect(body.decision.reason).toContain('把握不足')
  })

  it('learns from what agents did: their answers and "none fitted" become examples, and enough of them refit it', async () => {
    const before = (await t.call({ method: 'GET', url: '/api/v1/match-calibration' })).json()
    expect(before.examples.feedback).toBe(0)
    const asked = ['住房公积金咋申请啊', '失业金办理进度哪里查', '残疾证谁能办', '营业执照要带啥材料', '高龄津贴啥条件']
    // An agent answers a consultation with the entry they chose from a match: a right example when it is the top one.
    const m = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: asked[0] } })).json()
    const answered = await t.call({ method: 'POST', url: '/api/v1/consultations', payload: { channel: 'hotline', question: asked[0], matchId: m.matchId, answeredEntryId: m.candidates[0].entryId } })
    expect(answered.statusCode).toBe(201)
    // Feedback on the others: the top candidate used, or none fitted.
    for (const [i, q] of asked.slice(1).entries()) {
      const r = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: q } })).json()
      const body = i % 2 ? { noneFitted: true } : { entryId: r.candidates[0].entryId }
      expect((await t.call({ method: 'POST', url: `/api/v1/match/${r.matchId}/feedback`, payload: body })).statusCode).toBe(200)
    }
    await t.app.services.search.rebuild()
    const after = (await t.call({ method: 'GET', url: '/api/v1/match-calibration' })).json()
    expect(after.examples.feedback).toBe(asked.length)
    expect(after.examples.answerable).toBe(before.examples.answerable)

    // Fifty more settled matches refit it on their own.
    for (let i = 0; i < 50; i++) {
      const r = (await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: `${SUBJECTS[i % SUBJECTS.length]}怎么办${i}` } })).json()
      await t.call({ method: 'POST', url: `/api/v1/match/${r.matchId}/feedback`, payload: { noneFitted: true } })
    }
    await new Promise((r) => setImmediate(r))
    await t.app.services.search.idle()
    const refit = (await t.call({ method: 'GET', url: '/api/v1/match-calibration' })).json()
    expect(refit.examples.feedback).toBe(asked.length + 50)
    expect(Date.parse(refit.fittedAt)).toBeGreaterThan(Date.parse(after.fittedAt))
  })

  it('keeps answering while a rebuild calibrates the new index', async () => {
    let rebuilt = false
    const rebuilding = t.app.services.search.rebuild().then(() => { rebuilt = true })
    const res = await t.call({ method: 'POST', url: '/api/v1/match', payload: { question: '公租房怎么申请' } })
    expect(res.statusCode).toBe(200)
    expect(rebuilt).toBe(false)
    await rebuilding
  })

  it('is for the office only', async () => {
    const agent = await t.token('agent')
    expect((await t.call({ method: 'GET', url: '/api/v1/match-calibration', token: agent })).statusCode).toBe(403)
  })
})
