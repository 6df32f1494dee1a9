import { describe, expect, it } from 'vitest'
import { buildApp } from './app.ts'
import { testConfig } from './config.ts'
import { closeDatabase, openDatabase } from './db/client.ts'
import { migrateDatabase } from './db/migrate.ts'
import { createTestApp } from '../test/app.testkit.ts'

// /health/ready on SQLite (one process); two replicas on PostgreSQL: test/replicas.index.test.ts.
describe('the readiness check', () => {
  it('answers 503 until the index is built, then 200; the one SQLite process leads', async () => {
    const db = openDatabase(':memory:')
    await migrateDatabase(db)
    const app = await buildApp({ config: testConfig(), db, logger: false })
    try {
      const before = await app.inject({ method: 'GET', url: '/health/ready' })
      expect(before.statusCode).toBe(503)
      expect(before.json()).toMatchObject({ status: 'not_ready', engine: 'sqlite', database: { ok: true }, index: { ready: false, documents: 0 } })
      await app.services.ready()
      const after = await app.inject({ method: 'GET', url: '/health/ready' })
      expect(after.statusCode).toBe(200)
      expect(after.json()).toEqual({
        status: 'ready', engine: 'sqlite', role: 'leader', database: { ok: true },
        index: { ready: true, documents: 0, appliedVersion: 0, latestVersion: 0, lag: 0 },
      })
    } finally {
      await app.close()
      await closeDatabase(db)
    }
  })

  it('counts this process\'s own changes as applied, and answers 503 when the database is gone', async () => {
    const t = await createTestApp()
    const ready = async () => { const res = await t.call({ method: 'GET', url: '/health/ready', token: null }); return { statusCode: res.statusCode, ...res.json() } }
    expect((await t.call({ method: 'POST', url: '/api/v1/synonyms', payload: { term: '娃娃钱', canonical: '生育津贴' } })).statusCode).toBe(201)
    expect((await t.call({ method: 'POST', url: '/api/v1/dictionary-terms', payload: { term: '娃娃钱' } })).statusCode).toBe(201)
    await t.app.services.following.catchUp()
    expect((await ready()).index).toEqual({ ready: true, documents: 0, appliedVersion: 2, latestVersion: 2, lag: 0 })

    await closeDatabase(t.app.services.db)
    try {
      const down = await ready()
      expect(down).toMatchObject({ statusCode: 503, status: 'not_ready', database: { ok: false, error: '数据库不可用' }, index: { ready: true, latestVersion: 2 } })
    } finally {
      await t.app.close()
    }
  })
})
