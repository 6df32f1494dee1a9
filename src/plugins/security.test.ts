import { afterEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'

describe('security headers', () => {
  let t: TestApp
  afterEach(async () => { await t.close() })

  it('sends security headers on JSON responses without changing the JSON', async () => {
    t = await createTestApp()
    const res = await t.call({ method: 'GET', url: '/api/v1/units' })
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    expect(res.json()).toMatchObject({ items: [], total: 0 })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    expect(res.headers['x-powered-by']).toBeUndefined()
  })

  it('sends them on a refusal too, before any handler runs', async () => {
    t = await createTestApp()
    const res = await t.call({ method: 'GET', url: '/api/v1/units', token: null })
    expect(res.statusCode).toBe(401)
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toContain("default-src 'self'")
  })

  it('lets a console page load its own scripts and styles and nothing from elsewhere', async () => {
    t = await createTestApp()
    t.app.get('/console-test', { config: { roles: 'public' }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send('<!doctype html><link rel="stylesheet" href="/app.css"><script src="/app.js"></script>'))
    const res = await t.call({ method: 'GET', url: '/console-test', token: null })
    const csp = Object.fromEntries(String(res.headers['content-security-policy']).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]))
    expect(csp['script-src']).toEqual(["'self'"])
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"])
    expect(csp['default-src']).toEqual(["'self'"])
    expect(csp['object-src']).toEqual(["'none'"])
    expect(csp['frame-ancestors']).toEqual(["'none'"])
    // Plain HTTP inside the government network must keep working.
    expect(csp).not.toHaveProperty('upgrade-insecure-requests')
  })
})

describe('rate limit for integrations', () => {
  let t: TestApp
  afterEach(async () => { await t.close() })

  it('limits an integration token per minute with 429 RATE_LIMITED, per token', async () => {
    t = await createTestApp({ integrationRateLimit: 3 })
    const mailbox = await t.token('integration', { name: '网站信箱' })
    const other = await t.token('integration', { name: '另一个系统' })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await t.call({ method: 'GET', url: '/api/v1/me', token: mailbox })).statusCode)
    expect(statuses).toEqual([200, 200, 200, 429])
    const limited = await t.call({ method: 'GET', url: '/api/v1/me', token: mailbox })
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' })
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    // How long to wait, in words: not "请稍后再试".
    expect(limited.json().message).toMatch(/^请求过于频繁：每分钟最多 3 次，请 \d+ 秒后再试$/)
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token: other })).statusCode).toBe(200)
  })

  it('does not limit people', async () => {
    t = await createTestApp({ integrationRateLimit: 2 })
    const agent = await t.token('agent')
    for (let i = 0; i < 5; i++) {
      const res = await t.call({ method: 'GET', url: '/api/v1/me', token: agent })
      expect(res.statusCode).toBe(200)
      expect(res.headers['x-ratelimit-limit']).toBeUndefined()
    }
    for (let i = 0; i < 5; i++) expect((await t.call({ method: 'GET', url: '/api/v1/units' })).statusCode).toBe(200)
  })
})
