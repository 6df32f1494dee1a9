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
  }
  return lib
}
