import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp, type App } from '../src/app.ts'
import { testConfig, type Config } from '../src/config.ts'
import { openDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import type { Role } from '../src/auth/auth.table.ts'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export interface TestApp {
  app: App
  /** inject() as the bootstrap admin, or with the given token. */
  call(opts: InjectOptions & { token?: string | null }): Promise<LightMyRequestResponse>
  /** Issues a token of a role and returns its secret. */
  token(role: Role, extra?: { unitCode?: string; reviewStep?: number; name?: string }): Promise<string>
  close(): Promise<void>
}

/** A fresh app on its own migrated in-memory database. */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const config = testConfig({ adminToken: ADMIN_TOKEN, ...overrides })
  const db = openDatabase(config.databasePath)
  migrateDatabase(db)
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
      db.$client.close()
    },
  }
}
