import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { lockoutFor } from './accounts.logic.ts'
import { passwordProblem } from './passwords.ts'
import { SESSION_COOKIE } from './session.ts'

const PASSWORD = 'Zhengwu-2026-gongkai'

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = String(res.headers['set-cookie'] ?? '')
  return raw.split(';')[0]
}

describe('accounts and sign-in', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
  })
  afterEach(async () => { await t.close() })

  const signIn = (username: string, password: string, ip = '10.0.0.1') =>
    t.call({ method: 'POST', url: '/api/v1/session', token: null, payload: { username, password }, remoteAddress: ip })

  it('signs a unit officer in with a session cookie that acts as the unit, and needs the CSRF token to write', async () => {
    const created = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'Wang.Li', displayName: '王丽', role: 'unit', unitCode: 'rsj', password: PASSWORD } })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ username: 'wang.li', role: 'unit', unit: { code: 'rsj' }, password: null })
    expect(JSON.stringify(created.json())).not.toContain('scrypt')

    const res = await signIn('WANG.LI', PASSWORD)
    expect(res.statusCode).toBe(200)
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=pqs_`))
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    const cookie = cookieOf(res)
    const { csrfToken } = res.json()

    const me = await t.call({ method: 'GET', url: '/api/v1/me', token: null, headers: { cookie } })
    expect(me.json()).toMatchObject({ role: 'unit', name: '王丽', unit: { code: 'rsj' } })
    const session = await t.call({ method: 'GET', url: '/api/v1/session', token: null, headers: { cookie } })
    expect(session.json().csrfToken).toBe(csrfToken)

    const withoutCsrf = await t.call({ method: 'PUT', url: '/api/v1/session/password', token: null, headers: { cookie }, payload: { currentPassword: PASSWORD, newPassword: 'Xinmima-2026-abc' } })
    expect(withoutCsrf.statusCode).toBe(403)
    expect(withoutCsrf.json().code).toBe('AUTH_CSRF')
    const changed = await t.call({ method: 'PUT', url: '/api/v1/session/password', token: null, headers: { cookie, 'x-csrf-token': csrfToken }, payload: { currentPassword: PASSWORD, newPassword: 'Xinmima-2026-abc' } })
    expect(changed.statusCode).toBe(204)
    expect((await signIn('wang.li', PASSWORD)).json().code).toBe('AUTH_SIGN_IN_FAILED')
    expect((await signIn('wang.li', 'Xinmima-2026-abc')).statusCode).toBe(200)

    // Sessions are not tokens: the token list stays the machine clients'.
    const tokens = (await t.call({ method: 'GET', url: '/api/v1/tokens' })).json().items
    expect(tokens.every((x: { name: string }) => x.name !== '王丽')).toBe(true)
  })

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'zuoxi5', displayName: '坐席 5 号', role: 'agent', password: PASSWORD } })
    const res = await signIn('zuoxi5', PASSWORD)
    const cookie = cookieOf(res)
    const out = await t.call({ method: 'DELETE', url: '/api/v1/session', token: null, headers: { cookie, 'x-csrf-token': res.json().csrfToken } })
    expect(out.statusCode).toBe(204)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    const after = await t.call({ method: 'GET', url: '/api/v1/me', token: null, headers: { cookie } })
    expect(after.statusCode).toBe(401)
    expect(after.json().code).toBe('AUTH_INVALID_TOKEN')
  })

  it('locks an account after five wrong passwords, refuses even the right one meanwhile, and an admin reset unlocks it', async () => {
    const account = (await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'shenhe1', displayName: '初审 张', role: 'reviewer', reviewStep: 0, password: PASSWORD } })).json()
    for (let i = 1; i <= 4; i++) expect((await signIn('shenhe1', `wrong-${i}-password`)).json().code).toBe('AUTH_SIGN_IN_FAILED')
    const fifth = await signIn('shenhe1', 'wrong-5-password')
    expect(fifth.statusCode).toBe(429)
    expect(fifth.json().code).toBe('AUTH_ACCOUNT_LOCKED')
    expect((await signIn('shenhe1', PASSWORD)).json().code).toBe('AUTH_ACCOUNT_LOCKED')

    const reset = await t.call({ method: 'POST', url: `/api/v1/accounts/${account.id}/password-reset` })
    expect(reset.statusCode).toBe(200)
    expect(reset.json().locked).toBe(false)
    expect((await signIn('shenhe1', reset.json().password)).statusCode).toBe(200)

    const audit = (await t.call({ method: 'GET', url: '/api/v1/audit?targetType=account&pageSize=50' })).json().items.map((r: { action: string }) => r.action)
    expect(audit.filter((a: string) => a === 'signInFailed')).toHaveLength(6)
    expect(audit).toContain('signIn')
    expect(audit).toContain('resetAccountPassword')
  })

  it('limits sign-in attempts per address to 60 a minute, whatever the user name', async () => {
    for (let i = 0; i < 60; i++) {
      const res = await t.call({ method: 'POST', url: '/api/v1/session', token: null, payload: { username: `u${i}` }, remoteAddress: '10.9.9.9' })
      expect(res.statusCode).toBe(400)
    }
    const limited = await t.call({ method: 'POST', url: '/api/v1/session', token: null, payload: { username: 'u', password: PASSWORD }, remoteAddress: '10.9.9.9' })
    expect(limited.statusCode).toBe(429)
    expect(limited.json().code).toBe('RATE_LIMITED')
    // Another address is not affected.
    expect((await signIn('nobody', PASSWORD, '10.9.9.10')).json().code).toBe('AUTH_SIGN_IN_FAILED')
  })

  it('answers an unknown user as it answers a wrong password', async () => {
    const res = await signIn('nobody', PASSWORD)
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('AUTH_SIGN_IN_FAILED')
  })

  it('ends the sessions of an account that is disabled, and refuses its sign-in', async () => {
    const account = (await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'zuoxi6', displayName: '坐席 6 号', role: 'agent' } })).json()
    expect(passwordProblem(account.password)).toBeNull()
    const cookie = cookieOf(await signIn('zuoxi6', account.password))
    await t.call({ method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { disabled: true } })
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token: null, headers: { cookie } })).statusCode).toBe(401)
    expect((await signIn('zuoxi6', account.password)).json().code).toBe('AUTH_SIGN_IN_FAILED')
  })

  it('refuses a weak password and a unit account without a unit', async () => {
    const weak = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'a1', displayName: '甲', role: 'agent', password: '12345678901' } })
    expect(weak.json().code).toBe('ACCOUNT_WEAK_PASSWORD')
    const noUnit = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'a2', displayName: '乙', role: 'unit', password: PASSWORD } })
    expect(noUnit.json().code).toBe('TOKEN_UNIT_REQUIRED')
  })

  it('names unitCode when an account is given an unknown unit, on creation and on change', async () => {
    const created = await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'a3', displayName: '丙', role: 'unit', unitCode: 'nope', password: PASSWORD } })
    expect(created.statusCode).toBe(404)
    expect(created.json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unitCode', message: '单位 nope 不存在' }] })
    const account = (await t.call({ method: 'POST', url: '/api/v1/accounts', payload: { username: 'a4', displayName: '丁', role: 'unit', unitCode: 'rsj', password: PASSWORD } })).json()
    const patched = await t.call({ method: 'PATCH', url: `/api/v1/accounts/${account.id}`, payload: { unitCode: 'nope' } })
    expect(patched.statusCode).toBe(404)
    expect(patched.json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unitCode' }] })
  })

  it('creates the first administrator once, with a password that signs in', async () => {
    const first = await t.app.services.accounts.ensureFirstAdmin()
    expect(first?.username).toBe('admin')
    expect(await t.app.services.accounts.ensureFirstAdmin()).toBeNull()
    const res = await signIn('admin', first!.password)
    expect(res.json().account.role).toBe('admin')
  })
})

describe('lockout back-off', () => {
  it('is free for four failures, then doubles from one minute up to an hour', () => {
    expect([1, 4, 5, 6, 7, 11, 20].map(lockoutFor)).toEqual([0, 0, 60_000, 120_000, 240_000, 3_600_000, 3_600_000])
  })
})
