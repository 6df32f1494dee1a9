// For a test file that runs against PostgreSQL: whether it can, and a database of its own.
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { createPgDatabase } from './pg-cluster.ts'

// Outside a vitest run (npm run openapi builds a test app with tsx) there is no cluster: SQLite then.
const provided = (() => {
  try {
    return inject('postgres')
  } catch {
    return { available: false as const, reason: 'not run by vitest' }
  }
})()

/** False, with the reason in the suite's name, when PostgreSQL is not installed here. */
export const pgAvailable = provided.available
export const pgSuiteName = (name: string) => (provided.available ? name : `${name} (skipped: ${provided.reason})`)

/** A new empty database in the run's cluster (test/pg-global-setup.ts). */
export async function createTestPgDatabase(): Promise<string> {
  if (!provided.available) throw new Error(`PostgreSQL is not available: ${provided.reason}`)
  if ('error' in provided) throw new Error(`the PostgreSQL test cluster did not start: ${provided.error}`)
  return createPgDatabase(provided.serverUrl, `t_${randomBytes(6).toString('hex')}`)
}

/**
 * The database URL a test app should use: a new PostgreSQL database when the run asks for that
 * engine (DB_DIALECT=pg), undefined (SQLite in memory) otherwise.
 */
export async function testDatabaseUrl(): Promise<string | undefined> {
  if (process.env.DB_DIALECT !== 'pg') return undefined
  return createTestPgDatabase()
}
