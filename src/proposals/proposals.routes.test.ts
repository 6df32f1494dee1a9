import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { insertEntry } from '../search/search.testkit.ts'

describe('the library learns from answered calls', () => {
  let t: TestApp
  let rsj: string
  let ybj: string
  let fund: number
  let medical: number
  beforeAll(async () => {
    t = await createTestApp()
    fund = await insertEntry(t.app.services, { question: '失业保险金怎么领取？', similarQuestions: ['失业金在哪里申请'], answer: '失业人员办理失业登记后，可在线申领失业保险金。', unitCode: 'rsj', topicCode: 'employment' })
    medical = await insertEntry(t.app.services, { question: '城乡居民医保怎么缴费？', answer: '可通过税务APP、银行网点或社区代收点缴费。', unitCode: 'ybj', topicCode: 'medical' })
    await t.app.services.search.rebuild()
    rsj = await t.token('unit', { unitCode: 'rsj' })
    ybj = await t.token('unit', { unitCode: 'ybj' })
  })
  afterAll(async () => { await t.close() })

  const answer = (question: string, entryId: number) =>
    t.call({ method: 'POST', url: '/api/v1/consultations', payload: { channel: 'hotline', question, answeredEntryId: entryId } })
  const proposals = async (token: string, query = '') => (await t.call({ method: 'GET', url: `/api/v1/proposals${query}`, token })).json()

  it('groups and counts new wordings of answered questions for the owning unit only', async () => {
    for (const q of ['失业了失业金咋领', '失业了，失业金咋领？', '失业金能领几个月', '失业金在哪里申请']) expect((await answer(q, fund)).statusCode).toBe(201)
    await answer('我叫李建国，失业金咋领', fund)
    const mine = await proposals(rsj)
    expect(mine.items.map((p: { question: string; asked: number }) => [p.question, p.asked])).toEqual([['失业了失业金咋领', 2], ['失业金能领几个月', 1]])
    expect(mine.items[0]).toMatchObject({ status: 'open', entry: { id: fund, question: '失业保险金怎么领取？' }, unit: { code: 'rsj' } })
    expect((await proposals(ybj)).total).toBe(0)
    expect((await t.call({ method: 'GET', url: '/api/v1/proposals?unit=rsj', token: ybj })).statusCode).toBe(403)
  })

  it('an accepted proposal becomes a similar question only after review', async () => {
    const p = (await proposals(rsj)).items.find((x: { question: string }) => x.question === '失业了失业金咋领')
    expect((await t.call({ method: 'POST', url: `/api/v1/proposals/${p.id}/accept`, token: ybj, payload: {} })).statusCode).toBe(404)
    const res = await t.call({ method: 'POST', url: `/api/v1/proposals/${p.id}/accept`, token: rsj, payload: { question: '失业了，失业金怎么领' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ status: 'accepted', question: '失业了，失业金怎么领', entryVersionId: expect.any(Number) })
    // Still the served version until the review approves the new one.
    const served = (await t.call({ method: 'GET', url: `/api/v1/entries/${fund}` })).json()
    expect(served.similarQuestions).not.toContain('失业了，失业金怎么领')
    expect(served.workingVersion).toMatchObject({ state: 'in_review' })
    const versions = (await t.call({ method: 'GET', url: `/api/v1/entries/${fund}/versions` })).json().items
    const draft = versions.find((v: { id: number }) => v.id === res.json().entryVersionId)
    expect(draft.state).toBe('in_review')
    expect(draft.similarQuestions).toContain('失业了，失业金怎么领')
    expect(t.app.services.search.questionsOf(fund)).not.toContain('失业了，失业金怎么领')
    // Approved through every review step, it serves and is matched like any other wording.
    for (let step = 0; step < 5 && (await t.call({ method: 'GET', url: `/api/v1/entries/${fund}` })).json().workingVersion; step++) {
      const approved = await t.call({ method: 'POST', url: `/api/v1/entries/${fund}/approve`, payload: {} })
      expect(approved.statusCode, approved.body).toBe(200)
    }
    await t.app.services.search.idle()
    expect(t.app.services.search.questionsOf(fund)).toContain('失业了，失业金怎么领')
    // Deciding twice is refused.
    expect((await t.call({ method: 'POST', url: `/api/v1/proposals/${p.id}/reject`, token: rsj, payload: {} })).json().code).toBe('PROPOSAL_ALREADY_DECIDED')
  })

  it('a rejected proposal does not come back when asked again', async () => {
    const p = (await proposals(rsj, '?status=open')).items.find((x: { question: string }) => x.question === '失业金能领几个月')
    const res = await t.call({ method: 'POST', url: `/api/v1/proposals/${p.id}/reject`, token: rsj, payload: { comment: '属于领取期限问题，另有条目' } })
    expect(res.json()).toMatchObject({ status: 'rejected', statusName: '已驳回' })
    await answer('失业金能领几个月？', fund)
    const open = await proposals(rsj, '?status=open')
    expect(open.items.map((x: { question: string }) => x.question)).not.toContain('失业金能领几个月')
    const rejected = (await proposals(rsj, '?status=rejected')).items
    expect(rejected).toHaveLength(1)
    expect(rejected[0].asked).toBe(2)
  })

  it('hands an unanswered question to a unit as a drafting task, closed with the entry written', async () => {
    const created = await t.call({ method: 'POST', url: '/api/v1/drafting-tasks', payload: { question: '医保断缴了怎么补缴', unitCode: 'ybj', variants: ['医保断了能补交吗', '医保断了能补交吗'], asked: 6 } })
    expect(created.statusCode).toBe(201)
    const task = created.json()
    expect(task).toMatchObject({ status: 'open', unit: { code: 'ybj' }, variants: ['医保断了能补交吗'], asked: 6 })
    expect((await t.call({ method: 'POST', url: '/api/v1/drafting-tasks', token: ybj, payload: { question: '医保断缴', unitCode: 'ybj' } })).statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: `/api/v1/drafting-tasks/${task.id}`, token: rsj })).statusCode).toBe(404)
    expect((await t.call({ method: 'GET', url: '/api/v1/drafting-tasks', token: ybj })).json().total).toBe(1)
    const noEntry = await t.call({ method: 'POST', url: `/api/v1/drafting-tasks/${task.id}/close`, token: ybj, payload: { outcome: 'drafted' } })
    expect(noEntry.statusCode).toBe(400)
    expect(noEntry.json()).toMatchObject({ code: 'DRAFTING_TASK_ENTRY_REQUIRED', message: '任务标为已起草时，请填写起草的问答条目编号（entryId）', details: [{ field: 'entryId' }] })
    const wrongEntry = await t.call({ method: 'POST', url: `/api/v1/drafting-tasks/${task.id}/close`, token: ybj, payload: { outcome: 'drafted', entryId: fund } })
    expect(wrongEntry.statusCode).toBe(422)
    expect(wrongEntry.json()).toMatchObject({ message: `问答条目 ${fund} 不存在或不属于任务的承办单位`, details: [{ field: 'entryId' }] })
    const closed = await t.call({ method: 'POST', url: `/api/v1/drafting-tasks/${task.id}/close`, token: ybj, payload: { outcome: 'drafted', entryId: medical } })
    expect(closed.json()).toMatchObject({ status: 'drafted', entryId: medical })
    expect((await t.call({ method: 'POST', url: `/api/v1/drafting-tasks/${task.id}/close`, token: ybj, payload: { outcome: 'dismissed' } })).json().code).toBe('DRAFTING_TASK_CLOSED')
  })
})
