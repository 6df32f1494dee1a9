import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import * as schema from './schema.ts'
import { createUnitOfWork, Mutex, settle, type TransactionBehavior, type TransactionEngine } from './unit-of-work.ts'

type Drizzle = BetterSQLite3Database<typeof schema>
/** The database: drizzle's, with `transaction` the unit of work's (db/unit-of-work.ts). */
export interface Db extends Omit<Drizzle, 'transaction'> {
  $client: Database.Database
  transaction<T>(work: (tx: Db) => Promise<T>, options?: { behavior?: TransactionBehavior }): Promise<T>
  transaction<T>(work: (tx: Db) => T, options?: { behavior?: TransactionBehavior }): T
}
/** A transaction handle or the database itself: repositories accept either. */
export type Tx = Db

/** SQLITE_BUSY (another connection holds the write lock past busy_timeout) and SQLITE_LOCKED. */
export function isDatabaseBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** How long a write waits for another connection's write lock before SQLITE_BUSY (answered 503). */
export const BUSY_TIMEOUT_MS = 5000

/** What a statement outside any transaction may do on the reader connection; everything else writes. */
const READS = new Set<PropertyKey>(['select', 'selectDistinct', '$count', 'query', '$with', 'with', 'all', 'get', 'values'])
const WRITES = new Set<PropertyKey>(['insert', 'update', 'delete', 'run'])
/** The methods that execute a write statement (an insert's .values() only adds rows). */
const TERMINALS = new Set<PropertyKey>(['run', 'get', 'all'])

const connections = new WeakMap<object, Database.Database[]>()

/** Every SQLite connection of the database (none on PostgreSQL): for what each must have, such as a user-defined SQL function. */
export function connectionsOf(db: Db): Database.Database[] {
  return connections.get(db) ?? []
}

function connect(path: string, busyTimeoutMs: number, readonly: boolean): Database.Database {
  const sqlite = new Database(path, { readonly })
  // WAL lets readers (matching, lists) run while a write commits. synchronous=FULL fsyncs the WAL
  // on every commit, so a write that was acknowledged with a 201 survives a power cut, not only a
  // process crash; NORMAL would be faster but may lose the last commits on power loss.
  if (!readonly) {
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
  }
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`)
  return sqlite
}

/**
 * Opens the embedded SQLite database: one writer connection, behind a mutex, for every transaction,
 * and a read-only connection for the statements that run outside one (so a reader never sees
 * another request's uncommitted writes, and never waits for them). An in-memory database (the
 * tests) has a single connection for both.
 *
 * The `db` returned routes each statement: inside a unit of work (db/unit-of-work.ts) to that
 * transaction; outside, reads to the reader and a write to a transaction of its own, as a server
 * database autocommits it. Nothing else needs to know which connection it is on.
 */
export function openDatabase(path: string, { busyTimeoutMs = BUSY_TIMEOUT_MS }: { busyTimeoutMs?: number } = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const writerClient = connect(path, busyTimeoutMs, false)
  const readerClient = path === ':memory:' ? writerClient : connect(path, busyTimeoutMs, true)
  const writer = drizzle({ client: writerClient, schema }) as unknown as Db
  const reader = readerClient === writerClient ? writer : drizzle({ client: readerClient, schema }) as unknown as Db
  if (readerClient !== writerClient) {
    // Closing the database closes both connections.
    const closeWriter = writerClient.close.bind(writerClient)
    writerClient.close = () => { readerClient.close(); return closeWriter() }
  }

  const mutex = new Mutex()
  let savepoints = 0
  const engine = {
    begin(work, behavior: TransactionBehavior) {
      const start = () => {
        try {
          writerClient.exec(`BEGIN ${behavior.toUpperCase()}`)
        } catch (err) {
          mutex.unlock()
          throw err
        }
        return settle<unknown>(() => work(writer), (ok) => {
          try {
            if (ok) writerClient.exec('COMMIT')
          } catch (err) {
            if (writerClient.inTransaction) writerClient.exec('ROLLBACK')
            throw err
          } finally {
            if (!ok && writerClient.inTransaction) writerClient.exec('ROLLBACK')
            mutex.unlock()
          }
        })
      }
      return mutex.tryLock() ? start() : mutex.lock().then(start)
    },
    savepoint(tx, work) {
      const name = `uow_${++savepoints}`
      writerClient.exec(`SAVEPOINT ${name}`)
      return settle<unknown>(() => work(tx), (ok) => {
        if (!ok) writerClient.exec(`ROLLBACK TO ${name}`)
        writerClient.exec(`RELEASE ${name}`)
      })
    },
    strayTransaction: () => !mutex.isLocked() && writerClient.inTransaction,
  } as TransactionEngine<Db>


  /**
   * A write outside any transaction: its builder's calls are recorded, and the statement is built
   * and run in a transaction of its own when it is awaited (or, for code that does not await yet,
   * when a terminal method such as .run() is called).
   */
  function autocommit(method: PropertyKey, args: unknown[]): unknown {
    const steps: [PropertyKey, unknown[]][] = []
    const build = (tx: Db) => steps.reduce<any>((b, [m, a]) => b[m](...a), (tx as any)[method](...args))
    const recorder: unknown = new Proxy({}, {
      get(_, prop) {
        if (prop === 'then') {
          return (ok?: (v: unknown) => unknown, ko?: (e: unknown) => unknown) =>
            Promise.resolve(uow.transaction(async (tx) => await build(tx))).then(ok, ko)
        }
        if (prop === 'catch' || prop === 'finally') {
          return (fn: never) => (Promise.resolve(uow.transaction(async (tx) => await build(tx))) as any)[prop](fn)
        }
        if (prop === 'toSQL') return () => build(writer).toSQL()
        if (TERMINALS.has(prop)) return (...a: unknown[]) => uow.transaction((tx) => build(tx)[prop](...a))
        return (...a: unknown[]) => { steps.push([prop, a]); return recorder }
      },
    })
    return recorder
  }

  const db: Db = new Proxy({} as Db, {
    get(_, prop) {
      if (prop === 'transaction') return uow.transaction
      if (prop === '$client') return writerClient
      const tx = uow.current()
      const target = tx ?? (WRITES.has(prop) ? undefined : READS.has(prop) ? reader : writer)
      if (!target) {
        if (prop === 'run') return (...args: unknown[]) => uow.transaction((t) => (t.run as (...a: unknown[]) => unknown)(...args))
        return (...args: unknown[]) => autocommit(prop, args)
      }
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const uow = createUnitOfWork<Db>(db, engine)
  // Nested `tx.transaction(...)` is the same unit of work: a savepoint of the open transaction.
  Object.defineProperty(writer, 'transaction', { value: uow.transaction, configurable: true, writable: true })
  connections.set(db, readerClient === writerClient ? [writerClient] : [writerClient, readerClient])
  return db
}

/** Closes the database: both SQLite connections, or the PostgreSQL pool (waiting for its statements to end). */
export async function closeDatabase(db: Db): Promise<void> {
  const client: unknown = db.$client
  if (client instanceof Database) {
    client.close()
    return
  }
  await (client as { end(opts?: { timeout?: number }): Promise<void> }).end({ timeout: 5 })
}
