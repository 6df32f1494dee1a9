import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'

describe('web console', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() })
  afterAll(async () => { await t.close() })

  it('serves the console page without a token', async () => {
    const res = await t.call({ method: 'GET', url: '/console/', token: null })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.body).toContain('政策咨询问答库')
  })

  it('leaves / to the public pages', async () => {
    const res = await t.call({ method: 'GET', url: '/', token: null, headers: { accept: 'text/html' } })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('href="/console/"')
  })
})
