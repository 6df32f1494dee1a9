import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { ensureRateLimitTable, postgresRateLimitStore } from './rate-limit-store.ts'

type Store = InstanceType<ReturnType<typeof postgresRateLimitStore>>
const incr = (store: Store, key: string, timeWindow = 60_000) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (err, r) => (err ? reject(err) : resolve(r!)), timeWindow))
const read = (store: Store, key: string) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) => store.read(key, (err, r) => (err ? reject(err) : resolve(r!))))
const log = { error: () => {} }

describe.skipIf(!pgAvailable)(pgSuiteName('rate limits counted in PostgreSQL, shared by replicas'), () => {
  // Two replicas: each its own connection pool and its own store, on one database.
  let a: postgres.Sql
  let b: postgres.Sql
  let storeA: Store
  let storeB: Store
  beforeAll(async () => {
    const url = await createTestPgDatabase()
    a = postgres(url, { max: 2, onnotice: () => {} })
    b = postgres(url, { max: 2, onnotice: () => {} })
    // Both start at once: the table is made once.
    await Promise.all([ensureRateLimitTable(a), ensureRateLimitTable(b)])
    const StoreA = postgresRateLimitStore(a, { log })
    const StoreB = postgresRateLimitStore(b, { log })
    storeA = new StoreA({})
    storeB = new StoreB({})
  })
  afterAll(async () => { await a?.end(); await b?.end() })

  it('counts the hits of both replicas on one key, one window for both', async () => {
    expect(await incr(storeA, 'sign-in:10.0.0.1')).toMatchObject({ current: 1 })
    expect(await incr(storeB, 'sign-in:10.0.0.1')).toMatchObject({ current: 2 })
    const third = await incr(storeA, 'sign-in:10.0.0.1')
    expect(third.current).toBe(3)
    expect(third.ttl).toBeGreaterThan(55_000)
    expect(third.ttl).toBeLessThanOrEqual(60_000)
    expect(await read(storeB, 'sign-in:10.0.0.1')).toMatchObject({ current: 3 })
    expect(await incr(storeB, 'sign-in:10.0.0.2')).toMatchObject({ current: 1 })
  })

  it('loses no hit when replicas count at the same moment', async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => incr(i % 2 ? storeA : storeB, 'busy')))
    expect(await read(storeA, 'busy')).toMatchObject({ current: 40 })
  })

  it('starts again at 1 once the window has ended', async () => {
    await incr(storeA, 'short', 150)
    expect((await incr(storeB, 'short', 150)).current).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await read(storeA, 'short')).toEqual({ current: 0, ttl: 0 })
    const fresh = await incr(storeB, 'short', 150)
    expect(fresh.current).toBe(1)
    expect(fresh.ttl).toBeGreaterThan(100)
  })

  it("keeps a route's own limit apart from the global one and from other routes', as the in-memory store does", async () => {
    const signIn = storeA.child({ routeInfo: { method: 'POST', url: '/api/v1/session' } })
    const signInOnB = storeB.child({ routeInfo: { method: 'POST', url: '/api/v1/session' } })
    const portal = storeA.child({ routeInfo: { method: 'GET', url: '/search' } })
    await incr(signIn, 'k')
    expect((await incr(signInOnB, 'k')).current).toBe(2)
    expect((await incr(portal, 'k')).current).toBe(1)
    expect((await incr(storeA, 'k')).current).toBe(1)
  })

  it('deletes ended windows and keeps running ones', async () => {
    await incr(storeA, 'ends', 50)
    await incr(storeA, 'runs', 60_000)
    await new Promise((resolve) => setTimeout(resolve, 80))
    const Store = postgresRateLimitStore(a, { log })
    expect(await Store.purgeExpired()).toBeGreaterThanOrEqual(1)
    const keys = (await a<{ key: string }[]>`select key from rate_limit_hits`).map((r) => r.key)
    expect(keys).toContain('runs')
    expect(keys).not.toContain('ends')
  })

  it('purges on a hit at most once per interval', async () => {
    const Store = postgresRateLimitStore(a, { log, purgeEveryMs: 0 })
    const store = new Store({})
    await incr(store, 'gone-soon', 30)
    await new Promise((resolve) => setTimeout(resolve, 60))
    await incr(store, 'another')
    // The purge runs beside the hit, not awaited by it.
    for (let i = 0; i < 50 && (await a`select 1 from rate_limit_hits where key = 'gone-soon'`).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(await a`select 1 from rate_limit_hits where key = 'gone-soon'`).toHaveLength(0)
  })

  it('refuses the options it does not implement rather than ignoring them', () => {
    const Store = postgresRateLimitStore(a, { log })
    expect(() => new Store({ continueExceeding: true })).toThrow('not supported')
  })
})
