import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../app.ts'
import { testConfig } from '../config.ts'
import { testDatabaseUrl } from '../../test/pg.testkit.ts'
import { closeDatabase, type Db } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openConfiguredDatabase } from '../db/open.ts'

const ADMIN = 'request-log-admin-token-0123456789'

describe('the request log', () => {
  const lines: Record<string, any>[] = []
  let app: App
  let db: Db
  beforeAll(async () => {
    db = openConfiguredDatabase({ databaseUrl: await testDatabaseUrl(), databasePath: ':memory:', databasePoolSize: 2 })
    await migrateDatabase(db)
    const stream = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done() } })
    app = await buildApp({ config: testConfig({ adminToken: ADMIN }), db, logger: { level: 'info', stream } })
    await app.services.ready()
  })
  afterAll(async () => { await app.close(); await closeDatabase(db) })

  const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN}` } })
  const logged = () => JSON.stringify(lines)

  it('carries the route and the names of the query parameters, not the phone or ID number searched for', async () => {
    lines.length = 0
    expect((await get('/api/v1/search?q=13812345678&limit=5')).statusCode).toBe(200)
    expect((await get(`/api/v1/tickets?q=${encodeURIComponent('500101 19900101 1234')}`)).statusCode).toBe(200)
    expect((await get('/api/v1/tickets?q=%EF%BC%91%EF%BC%93%EF%BC%98%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96%EF%BC%97%EF%BC%98')).statusCode).toBe(200)
    const incoming = lines.filter((l) => l.msg === 'incoming request').map((l) => l.req)
    expect(incoming).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/v1/search', queryParams: ['q', 'limit'] }),
      expect.objectContaining({ method: 'GET', route: '/api/v1/tickets', queryParams: ['q'] }),
      expect.objectContaining({ method: 'GET', route: '/api/v1/tickets', queryParams: ['q'] }),
    ])
    expect(logged()).not.toMatch(/13812345678|19900101|%EF%BC%91|１３８/)
    expect(logged()).not.toContain('?q=')
  })

  it('masks what was asked for at an address that is no route', async () => {
    lines.length = 0
    expect((await get('/api/v1/asker/13812345678?phone=13812345678')).statusCode).toBe(404)
    expect(lines.find((l) => l.msg === 'incoming request')?.req).toMatchObject({ route: '/api/v1/asker/138****5678', queryParams: ['phone'] })
    expect(logged()).not.toContain('13812345678')
  })
})
