import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema.ts'
import { installUnitOfWork } from './unit-of-work.ts'

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database }
/** A transaction handle or the database itself: repositories accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db

/** SQLITE_BUSY (another connection holds the write lock past busy_timeout) and SQLITE_LOCKED. */
export function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** How long a write waits for another connection's write lock before SQLITE_BUSY (answered 503). */
export const BUSY_TIMEOUT_MS = 5000

export function openDatabase(path: string, { busyTimeoutMs = BUSY_TIMEOUT_MS }: { busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new Database(path)
  // WAL lets readers (matching, lists) run while a write commits. synchronous=FULL fsyncs the WAL
  // on every commit, so a write that was acknowledged with a 201 survives a power cut, not only a
  // process crash; NORMAL would be faster but may lose the last commits on power loss.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = FULL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`)
  const db = drizzle({ client: sqlite, schema }) as Db
  // Every db.transaction(...) is a unit of work: nested calls are savepoints, afterCommit waits for the commit.
  installUnitOfWork(db)
  return db
}
