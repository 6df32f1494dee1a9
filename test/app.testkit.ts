import { connect } from 'node:net'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type App } from '../src/app.ts'
import { testConfig, type Config } from '../src/config.ts'
import { closeDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { openConfiguredDatabase } from '../src/db/open.ts'
import { testDatabaseUrl } from './pg.testkit.ts'
import type { Role } from '../src/auth/auth.types.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export interface TestApp {
  app: App
  /** inject() as the bootstrap admin, or with the given token. */
  call(opts: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>
  /** Issues a token of a role and returns its secret. */
  token(role: Role, extra?: { unitCode?: string; reviewStep?: number; name?: string }): Promise<string>
  close(): Promise<void>
}

/**
 * A fresh app on its own migrated database: in memory on SQLite, or, with DB_DIALECT=pg, a new
 * database in the run's throwaway PostgreSQL cluster (test/pg-global-setup.ts).
 */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const config = testConfig({ adminToken: ADMIN_TOKEN, databaseUrl: await testDatabaseUrl(), databasePoolSize: 4, ...overrides })
  const db = openConfiguredDatabase(config)
  await migrateDatabase(db)
  const app = await buildApp({ config, db, logger: false })
  await app.services.ready()
  const call: TestApp['call'] = ({ token = ADMIN_TOKEN, headers, ...opts }) =>
    app.inject({ ...opts, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } })
  return {
    app,
    call,
    async token(role, extra = {}) {
      const res = await call({ method: 'POST', url: '/api/v1/tokens', payload: { name: extra.name ?? `${role} 测试`, role, ...extra } })
      if (res.statusCode !== 201) throw new Error(`token: ${res.statusCode} ${res.body}`)
      return res.json().token as string
    },
    async close() {
      await app.close()
      await closeDatabase(db)
    },
  }
}

/**
 * Sends raw bytes to a listening server and returns the status, head and parsed JSON body of the
 * answer: for what inject() cannot send (oversized headers, a request Node's parser refuses).
 * The request should say `Connection: close`: the server closes the socket after its answer. The
 * client does not end its side first, as Node's server drops a request whose client half-closed
 * before the answer was ready (one that waits on the database); it does after a while, for a
 * request the server is still reading.
 */
export function rawRequest(port: number, text: string): Promise<{ status: number; head: string; body: any }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', () => { /* the server closes after refusing; what it wrote is kept */ })
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8')
      const split = answer.indexOf('\r\n\r\n')
      const head = split < 0 ? answer : answer.slice(0, split)
      const body = split < 0 ? '' : answer.slice(split + 4)
      const status = Number(head.split(' ')[1])
      if (!status) return reject(new Error(`no answer: ${JSON.stringify(answer.slice(0, 200))}`))
      try { resolve({ status, head, body: body ? JSON.parse(body) : undefined }) } catch { resolve({ status, head, body }) }
    })
    socket.write(text)
    const giveUp = setTimeout(() => socket.end(), 2000).unref()
    socket.on('close', () => clearTimeout(giveUp))
  })
}
