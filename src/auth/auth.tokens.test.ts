// Tokens across restarts, unit deactivation and a database another process is writing to.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { eq } from 'drizzle-orm'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { buildApp } from '../app.ts'
import { testConfig } from '../config.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openConfiguredDatabase } from '../db/open.ts'
import { testDatabaseUrl } from '../../test/pg.testkit.ts'
import { first as firstRow } from '../db/query.ts'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { apiTokens } from './auth.table.ts'

const ADMIN = 'bootstrap-admin-token-0123456789'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('the bootstrap ADMIN_TOKEN', () => {
  it('stays revoked across a restart, and start-up logs that it does', async () => {
    const db = openConfiguredDatabase({ databaseUrl: await testDatabaseUrl(), databasePath: ':memory:', databasePoolSize: 2 })
    await migrateDatabase(db)
    const first = await buildApp({ config: testConfig({ adminToken: ADMIN }), db, logger: false })
    const me = (await first.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(ADMIN) })).json()
    expect((await first.inject({ method: 'DELETE', url: `/api/v1/tokens/${me.id}`, headers: bearer(ADMIN) })).statusCode).toBe(200)
    await first.close()

    const lines: string[] = []
    const stream = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done() } })
    const second = await buildApp({ config: testConfig({ adminToken: ADMIN }), db, logger: { level: 'warn', stream } })
    const res = await second.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(ADMIN) })
    expect(res.statusCode).toBe(401)
    expect(res.json().code).toBe('AUTH_INVALID_TOKEN')
    expect(lines.join('')).toContain('ADMIN_TOKEN was revoked and stays revoked')
    expect((await firstRow(db.select().from(apiTokens).where(eq(apiTokens.id, me.id))))!.revokedAt).not.toBeNull()
    await second.close()
    await closeDatabase(db)
  })
})

describe('unit tokens', () => {
  let t: TestApp
  afterEach(async () => { await t.close() })

  it('stop working once their unit is deactivated, and work again when it is reactivated', async () => {
    t = await createTestApp()
    const unit = (await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })).json()
    const token = await t.token('unit', { unitCode: 'rsj' })
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(200)

    await t.call({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { active: false } })
    const refused = await t.call({ method: 'GET', url: '/api/v1/tickets', token })
    expect(refused.statusCode).toBe(401)
    expect(refused.json().code).toBe('AUTH_UNIT_INACTIVE')

    await t.call({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { active: true } })
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token })).statusCode).toBe(200)
  })

  it('are refused for an unknown unit, naming unitCode', async () => {
    t = await createTestApp()
    const res = await t.call({ method: 'POST', url: '/api/v1/tokens', payload: { name: '某单位', role: 'unit', unitCode: 'nope' } })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unitCode', message: '单位 nope 不存在' }] })
  })
})

describe('a database another process is writing to', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qa-busy-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  async function appOn(name: string, busyTimeoutMs?: number) {
    const path = join(dir, name)
    const db: Db = openDatabase(path, busyTimeoutMs === undefined ? {} : { busyTimeoutMs })
    await migrateDatabase(db)
    const app = await buildApp({ config: testConfig({ adminToken: ADMIN, databasePath: path }), db, logger: false })
    await app.services.ready()
    // #17: SQLite-only, another process's connection to the same file, holding its write lock.
    const other = new Database(path)
    return {
      app, db,
      /** Holds the write lock as another process would (a backup, a script) until release(). */
      lock() { other.prepare('BEGIN IMMEDIATE').run() },
      release() { if (other.inTransaction) other.prepare('ROLLBACK').run() },
      async close() { this.release(); other.close(); await app.close(); db.$client.close() },
    }
  }

  it('answers reads while another connection holds the write lock, because authentication does not write', async () => {
    const s = await appOn('reads.sqlite')
    const agent = (await s.app.services.auth.createToken({ name: '坐席', role: 'agent' })).token
    s.lock()
    try {
      for (const token of [ADMIN, agent]) {
        const res = await s.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })
        expect(res.statusCode).toBe(200)
      }
    } finally {
      await s.close()
    }
  })

  it('answers a write with 503 DATABASE_BUSY and Retry-After instead of 500 when the lock is not released', async () => {
    const s = await appOn('writes.sqlite', 50)
    s.lock()
    try {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/units', headers: bearer(ADMIN), payload: { code: 'rsj', name: '区人力社保局' } })
      expect(res.statusCode).toBe(503)
      expect(res.headers['retry-after']).toBe('2')
      expect(res.json()).toMatchObject({ statusCode: 503, code: 'DATABASE_BUSY', message: expect.stringContaining('数据库正忙') })
    } finally {
      await s.close()
    }
  })

  it('records when a token was last used later, and keeps it for the next round while the database is busy', async () => {
    const s = await appOn('last-used.sqlite')
    const lastUsed = async () => (await s.db.select({ at: apiTokens.lastUsedAt }).from(apiTokens)).map((r) => r.at)
    try {
      const me = (await s.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(ADMIN) })).json()
      expect(await lastUsed()).toEqual([null])
      // The token list shows the remembered use before it is written.
      const listed = (await s.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: bearer(ADMIN) })).json()
      expect(listed.items.find((x: { id: number }) => x.id === me.id).lastUsedAt).toEqual(expect.any(String))

      s.lock()
      expect(await s.app.services.auth.flushLastUsed()).toBe(false)
      s.release()
      expect(await s.app.services.auth.flushLastUsed()).toBe(true)
      expect(await lastUsed()).toEqual([expect.any(String)])
    } finally {
      await s.close()
    }
  })
})
