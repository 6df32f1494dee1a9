// Shared set-up for the kb tests: two units, two topics, and helpers that go through the API.
import { expect } from 'vitest'
import type { TestApp } from '../../test/app.testkit.ts'

export async function setUpLibrary(t: TestApp) {
  const post = async (url: string, payload: object, token?: string) => {
    const res = await t.call({ method: 'POST', url: `/api/v1${url}`, payload, token })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  await post('/units', { code: 'rsj', name: '区人力社保局' })
  await post('/units', { code: 'wjw', name: '区卫生健康委' })
  await post('/topics', { code: 'employment', name: '就业创业', required: true })
  await post('/topics', { code: 'birth', name: '生育', required: true })

  const lib = {
    post,
    async document(extra: object = {}) {
      return post('/policy-documents', { title: '关于进一步做好稳就业工作的通知', issuer: '区人力社保局', unitCode: 'rsj', ...extra }) as Promise<{ id: number }>
    },
    async entry(extra: object = {}, token?: string) {
      return post('/entries', {
        unitCode: 'rsj', topic: 'employment',
        question: '一次性创业补贴怎么申请？',
        answer: '首次创办小微企业并正常经营 1 年以上的，可向区就业服务中心申请一次性创业补贴 5000 元。',
        ...extra,
      }, token) as Promise<{ id: number }>
    },
    /** Submits and approves at every step as the admin. */
    async publish(id: number, steps = 3) {
      await post(`/entries/${id}/submit`, {})
      let last
      for (let i = 0; i < steps; i++) last = await post(`/entries/${id}/approve`, {})
      expect(last.status).toBe('published')
      return last
    },
    /**
     * 区卫生健康委's entries in every stage, made by the admin, each with its own words: a draft, one
     * in review, one published with a new version being written, one published and archived.
     */
    async wjwEntries() {
      const entry = (question: string, answer: string) => lib.entry({ unitCode: 'wjw', topic: 'birth', question, answer })
      const draft = await entry('产假草稿问题', '产假草稿答复')
      const inReview = await entry('审核中问题', '审核中答复')
      await post(`/entries/${inReview.id}/submit`, {})
      const revised = await entry('已发布问题', '已发布答复')
      await lib.publish(revised.id)
      const patch = await t.call({ method: 'PATCH', url: `/api/v1/entries/${revised.id}`, payload: { answer: '修订中答复', changeNote: '修订中说明' } })
      if (patch.statusCode !== 200) throw new Error(`revise: ${patch.statusCode} ${patch.body}`)
      const archived = await entry('已归档问题', '已归档答复')
      await lib.publish(archived.id)
      await post(`/entries/${archived.id}/archive`, {})
      return { draft: draft.id, inReview: inReview.id, revised: revised.id, archived: archived.id }
    },
  }
  return lib
}
