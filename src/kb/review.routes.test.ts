import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { setUpLibrary } from './kb.testkit.ts'

describe('review workflow (G2)', () => {
  let t: TestApp
  let lib: Awaited<ReturnType<typeof setUpLibrary>>
  let author: string
  let reviewers: string[]
  beforeEach(async () => {
    t = await createTestApp()
    lib = await setUpLibrary(t)
    author = await t.token('unit', { unitCode: 'rsj', name: '人社局政策解读专员' })
    reviewers = [
      await t.token('reviewer', { reviewStep: 0, name: '初审人' }),
      await t.token('reviewer', { reviewStep: 1, name: '复审人' }),
      await t.token('reviewer', { reviewStep: 2, name: '终审人' }),
    ]
  })
  afterEach(async () => { await t.close() })

  const act = (id: number, action: string, token: string, payload: object = {}) =>
    t.call({ method: 'POST', url: `/api/v1/entries/${id}/${action}`, token, payload })

  it('publishes after every configured step approves, and keeps the whole trail with a return in it', async () => {
    const changed: number[][] = []
    t.app.services.kb.onChange((ids) => changed.push(ids))
    const entry = await lib.entry({ unitCode: undefined }, author)
    expect((await act(entry.id, 'submit', author, { comment: '请审核' })).json()).toMatchObject({ status: 'in_review', workingVersion: { reviewStep: 0, reviewStepName: '初审' } })
    expect((await act(entry.id, 'approve', reviewers[0])).json().workingVersion.reviewStepName).toBe('复审')

    const returned = await act(entry.id, 'return', reviewers[1], { comment: '补贴标准请注明依据' })
    expect(returned.json()).toMatchObject({ status: 'draft', versionState: 'returned', workingVersion: { state: 'returned', reviewStep: null } })
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, token: author, payload: { answer: '依据渝北人社发〔2022〕8号，补贴 5000 元。' } })
    // Resubmitting starts again at the first step.
    expect((await act(entry.id, 'submit', author)).json().workingVersion.reviewStepName).toBe('初审')
    for (const reviewer of reviewers.slice(0, 2)) expect((await act(entry.id, 'approve', reviewer)).statusCode).toBe(200)
    expect(changed).toEqual([])
    const published = await act(entry.id, 'approve', reviewers[2], { comment: '同意发布' })
    expect(published.json()).toMatchObject({ status: 'published', versionState: 'published', publishedVersion: 1, workingVersion: null, publishedAt: expect.any(String) })
    expect(changed).toEqual([[entry.id]])

    const [v1] = (await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}/versions` })).json().items
    expect(v1.trail.map((a: { action: string; stepName: string | null; comment: string | null; actor: { name: string } }) => [a.action, a.stepName, a.comment, a.actor.name])).toEqual([
      ['submit', null, '请审核', '人社局政策解读专员'],
      ['approve', '初审', null, '初审人'],
      ['return', '复审', '补贴标准请注明依据', '复审人'],
      ['submit', null, null, '人社局政策解读专员'],
      ['approve', '初审', null, '初审人'],
      ['approve', '复审', null, '复审人'],
      ['approve', '终审', '同意发布', '终审人'],
      ['publish', '终审', null, '终审人'],
    ])
  })

  it('lets a reviewer act only at its own step, and the admin at any', async () => {
    const entry = await lib.entry()
    await act(entry.id, 'submit', author)
    const wrong = await act(entry.id, 'approve', reviewers[1])
    expect(wrong.statusCode).toBe(403)
    expect(wrong.json()).toMatchObject({ code: 'KB_REVIEW_WRONG_STEP' })
    expect(wrong.json().message).toContain('初审')
    expect((await act(entry.id, 'return', reviewers[2], { comment: '不是我的环节' })).json().code).toBe('KB_REVIEW_WRONG_STEP')
    expect((await act(entry.id, 'approve', author)).json().code).toBe('FORBIDDEN')
    expect((await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/approve`, payload: {} })).json().workingVersion.reviewStepName).toBe('复审')
  })

  it('takes two approvals given at the same moment one after the other: the second reviewer finds the step moved on', async () => {
    const entry = await lib.entry()
    await act(entry.id, 'submit', author)
    const [a, b] = await Promise.all([act(entry.id, 'approve', reviewers[0]), act(entry.id, 'approve', reviewers[0])])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 403])
    expect([a, b].find((r) => r.statusCode === 403)!.json().code).toBe('KB_REVIEW_WRONG_STEP')
    const trail = (await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}/versions` })).json().items[0].trail
    expect(trail.map((x: { action: string; stepName: string | null }) => [x.action, x.stepName])).toEqual([['submit', null], ['approve', '初审']])
  })

  it('requires a comment to return an entry', async () => {
    const entry = await lib.entry()
    await act(entry.id, 'submit', author)
    const res = await act(entry.id, 'return', reviewers[0])
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'comment' }] })
  })

  it('refuses to publish an entry whose every document has since expired, and to submit one', async () => {
    const doc = await lib.document({ docNumber: 'D-1' })
    const entry = await lib.entry({ policyDocumentIds: [doc.id] })
    await act(entry.id, 'submit', author)
    await act(entry.id, 'approve', reviewers[0])
    await act(entry.id, 'approve', reviewers[1])
    await t.call({ method: 'PATCH', url: `/api/v1/policy-documents/${doc.id}`, payload: { validity: 'expired' } })
    const refused = await act(entry.id, 'approve', reviewers[2])
    expect(refused.statusCode).toBe(409)
    expect(refused.json().code).toBe('KB_POLICY_NOT_IN_FORCE')
    expect((await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}` })).json()).toMatchObject({ status: 'in_review', workingVersion: { reviewStepName: '终审' } })

    const other = await lib.entry({ question: '稳岗返还怎么申请？', policyDocumentIds: [doc.id] })
    expect((await act(other.id, 'submit', author)).json().code).toBe('KB_POLICY_NOT_IN_FORCE')
  })

  it('still publishes an entry that rests on one document in force among expired ones, or on none', async () => {
    const expired = await lib.document({ docNumber: 'E-1', validity: 'expired' })
    const current = await lib.document({ docNumber: 'C-1' })
    const mixed = await lib.entry({ policyDocumentIds: [expired.id, current.id] })
    const none = await lib.entry({ question: '就业见习补贴怎么申请？' })
    expect((await lib.publish(mixed.id)).inForce).toBe(true)
    expect((await lib.publish(none.id)).inForce).toBe(true)
  })

  it('lists versions waiting at a step with field-level changes from the published version', async () => {
    const fresh = await lib.entry({ question: '灵活就业社保补贴怎么申请？' })
    const live = await lib.entry()
    await lib.publish(live.id)
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${live.id}`, payload: { answer: '补贴 8000 元。', similarQuestions: ['创业补贴多少钱'] } })
    await act(live.id, 'submit', author)
    await act(fresh.id, 'submit', author)
    await act(fresh.id, 'approve', reviewers[0])

    const atFirst = (await t.call({ method: 'GET', url: '/api/v1/reviews', token: reviewers[0] })).json()
    expect(atFirst.total).toBe(1)
    expect(atFirst.items[0]).toMatchObject({ entryId: live.id, version: 2, stepName: '初审', isNew: false })
    expect(atFirst.items[0].diff).toEqual([
      { field: 'similarQuestions', before: [], after: ['创业补贴多少钱'] },
      { field: 'answer', before: expect.stringContaining('5000 元'), after: '补贴 8000 元。' },
    ])
    const atSecond = (await t.call({ method: 'GET', url: '/api/v1/reviews?step=1', token: reviewers[0] })).json()
    expect(atSecond.items).toMatchObject([{ entryId: fresh.id, isNew: true, stepName: '复审' }])
    expect(atSecond.items[0].diff.find((d: { field: string }) => d.field === 'question')).toEqual({ field: 'question', before: null, after: '灵活就业社保补贴怎么申请？' })
    expect((await t.call({ method: 'GET', url: '/api/v1/reviews' })).json().total).toBe(2)
    expect((await t.call({ method: 'GET', url: '/api/v1/reviews', token: author })).json().code).toBe('FORBIDDEN')
  })

  it('refuses to act on a version other than the one the reviewer saw', async () => {
    const entry = await lib.entry()
    await lib.publish(entry.id)
    await t.call({ method: 'PATCH', url: `/api/v1/entries/${entry.id}`, payload: { answer: '新口径' } })
    await act(entry.id, 'submit', author)
    const res = await act(entry.id, 'approve', reviewers[0], { version: 1 })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('KB_VERSION_CONFLICT')
    expect((await act(entry.id, 'approve', reviewers[0], { version: 2 })).statusCode).toBe(200)
  })

  it('lets the author withdraw a submission, and refuses actions with nothing in review', async () => {
    const entry = await lib.entry()
    expect((await act(entry.id, 'approve', reviewers[0])).json().code).toBe('KB_NOT_IN_REVIEW')
    await act(entry.id, 'submit', author)
    expect((await act(entry.id, 'submit', author)).json().code).toBe('KB_NOTHING_TO_SUBMIT')
    const withdrawn = await act(entry.id, 'withdraw', author, { comment: '还要补充材料' })
    expect(withdrawn.json()).toMatchObject({ status: 'draft', versionState: 'draft' })
    expect((await t.call({ method: 'GET', url: '/api/v1/reviews' })).json().total).toBe(0)
  })

  it('takes an archived entry out of the queue and refuses to review it', async () => {
    const entry = await lib.entry()
    await act(entry.id, 'submit', author)
    await act(entry.id, 'archive', author)
    expect((await t.call({ method: 'GET', url: '/api/v1/reviews' })).json().total).toBe(0)
    expect((await act(entry.id, 'approve', reviewers[0])).json().code).toBe('KB_ENTRY_ARCHIVED')
    const trail = (await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}/versions` })).json().items[0].trail
    expect(trail.map((a: { action: string }) => a.action)).toEqual(['submit', 'withdraw', 'archive'])
  })
  it('refuses to approve an entry with neither a topic nor a policy document', async () => {
    const bare = await lib.entry({ topic: null, question: '这个事情怎么办理？' })
    await lib.post(`/entries/${bare.id}/submit`, {})
    const res = await t.call({ method: 'POST', url: `/api/v1/entries/${bare.id}/approve`, payload: {} })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('KB_ENTRY_INCOMPLETE')
  })
})

describe('review steps from configuration', () => {
  it('publishes after the single configured step', async () => {
    const t = await createTestApp({ reviewSteps: ['审核'] })
    try {
      const lib = await setUpLibrary(t)
      const entry = await lib.entry()
      await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/submit`, payload: {} })
      const res = await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/approve`, payload: {} })
      expect(res.json()).toMatchObject({ status: 'published' })
      const trail = (await t.call({ method: 'GET', url: `/api/v1/entries/${entry.id}/versions` })).json().items[0].trail
      expect(trail.map((a: { stepName: string | null }) => a.stepName)).toEqual([null, '审核', '审核'])
    } finally {
      await t.close()
    }
  })
})
