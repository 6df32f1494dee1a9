// Two replicas of the service on one PostgreSQL database, as behind nginx (docs/operations.md): what
// one process used to keep in its memory is shared through the database.
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './app.testkit.ts'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from './pg.testkit.ts'

describe.skipIf(!pgAvailable)(pgSuiteName('two replicas on one PostgreSQL database'), () => {
  let a: TestApp
  let b: TestApp
  let sql: postgres.Sql
  beforeAll(async () => {
    const url = await createTestPgDatabase()
    a = await createTestApp({ databaseUrl: url, databasePoolSize: 3 })
    b = await createTestApp({ databaseUrl: url, databasePoolSize: 3 })
    sql = postgres(url, { max: 1, onnotice: () => {} })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await sql?.end()
  })

  it('counts sign-in attempts from one address on both: the 61st in a minute is refused, with the usual 429', async () => {
    // Without a password: refused before any hashing, and counted all the same (the limit comes first).
    const attempt = (t: TestApp, remoteAddress: string) =>
      t.call({ method: 'POST', url: '/api/v1/session', token: null, payload: { username: 'nobody' }, remoteAddress })
    for (let i = 0; i < 60; i++) {
      const res = await attempt(i % 2 ? b : a, '10.7.7.7')
      expect(res.json().code).toBe('VALIDATION_FAILED')
    }
    const refused = await attempt(a, '10.7.7.7')
    expect(refused.statusCode).toBe(429)
    expect(refused.json()).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' })
    expect(refused.json().message).toMatch(/^请求过于频繁：每分钟最多 60 次，请 \d+ 秒后再试$/)
    const retryAfter = Number(refused.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect((await attempt(b, '10.7.7.7')).statusCode).toBe(429)
    // Another address is counted apart.
    expect((await attempt(b, '10.7.7.8')).json().code).toBe('VALIDATION_FAILED')
  })

  it('finds a match answered by one replica when feedback on it reaches the other', async () => {
    const matched = await a.call({ method: 'POST', url: '/api/v1/match', payload: { question: '灵活就业人员怎么交社保' } })
    expect(matched.statusCode).toBe(200)
    const { matchId } = matched.json()
    const feedback = await b.call({ method: 'POST', url: `/api/v1/match/${matchId}/feedback`, payload: { noneFitted: true } })
    expect(feedback.statusCode, feedback.body).toBe(200)
    expect(feedback.json()).toMatchObject({ matchId, noneFitted: true })
    // And the one that answered sees the feedback given through the other.
    const again = await a.call({ method: 'POST', url: `/api/v1/match/${matchId}/feedback`, payload: { noneFitted: true } })
    expect(again.json().code).toBe('SEARCH_FEEDBACK_ALREADY_GIVEN')
  })

  it("uses on one replica a public number set on the other, at the next masking", async () => {
    const text = '请拨打 023-61234567 咨询'
    expect(await b.app.services.privacy.mask(text)).toBe('请拨打 023****4567 咨询')
    const unit = await a.app.services.units.createUnit({ code: 'gjj', name: '区公积金中心', contactPhone: '023-61234567' })
    expect(await b.app.services.privacy.mask(text)).toBe(text)
    await a.app.services.units.updateUnit(unit.id, { contactPhone: '023-61230000' })
    expect(await b.app.services.privacy.mask(text)).toBe('请拨打 023****4567 咨询')
  })
})
