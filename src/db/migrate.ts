import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import type { Db } from './client.ts'
import { postgresClientOf } from './postgres.ts'
import { fromRoot } from '../paths.ts'

export const MIGRATIONS_FOLDER = fromRoot('migrations')
export const PG_MIGRATIONS_FOLDER = fromRoot('migrations-pg')

/** Brings the schema up to date: migrations/ on SQLite, migrations-pg/ on PostgreSQL. */
export async function migrateDatabase(db: Db): Promise<void> {
  const client = postgresClientOf(db)
  if (client) {
    await migratePostgres(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER })
    return
  }
  migrateSqlite(db as unknown as Parameters<typeof migrateSqlite>[0], { migrationsFolder: MIGRATIONS_FOLDER })
}

/** Any number: the key of the PostgreSQL advisory lock that replicas take while they start. */
const STARTUP_LOCK = 4_212_345

/**
 * Runs `work` (migrations, demo data, the bootstrap admin) while no other replica is doing the same:
 * on PostgreSQL under a session advisory lock on a connection of its own, so replicas starting at
 * once migrate and seed once; the others wait, then find the work done. On SQLite there is one
 * process, and `work` just runs.
 */
export async function withStartupLock<T>(db: Db, work: () => Promise<T>): Promise<T> {
  const client = postgresClientOf(db)
  if (!client) return work()
  const lock = await client.reserve()
  try {
    await lock`select pg_advisory_lock(${STARTUP_LOCK})`
    try {
      return await work()
    } finally {
      await lock`select pg_advisory_unlock(${STARTUP_LOCK})`
    }
  } finally {
    lock.release()
  }
}
