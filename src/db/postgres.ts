// The PostgreSQL engine: the same `db` as src/db/client.ts gives on SQLite, over a postgres.js pool.
//
// The app's tables are the SQLite table objects (src/<module>/*.table.ts); drizzle's PostgreSQL
// dialect builds its statements from them as well (names, columns, value mapping), with the values
// crossing postgres.js as PG_VALUE_TYPES says. migrations-pg/ makes the matching tables
// (src/db/pg-tables.ts). TypeScript sees the SQLite types, so this file casts once, here.
//
// Transactions: each outermost one holds a connection of the pool (drizzle's postgres-js
// transaction: BEGIN … COMMIT), nested ones are savepoints on it. There is no writer mutex:
// PostgreSQL runs transactions side by side, and rows that must not be changed twice are locked or
// updated with a guard where they are changed. Outside any transaction a statement runs on the pool
// and commits on its own.
import { drizzle } from 'drizzle-orm/postgres-js'
import type { SQLWrapper } from 'drizzle-orm'
import postgres from 'postgres'
import type { Db } from './client.ts'
import { PG_VALUE_TYPES } from './pg-values.ts'
import * as schema from './schema.ts'
import { createUnitOfWork, type TransactionEngine } from './unit-of-work.ts'

type PgDb = ReturnType<typeof drizzle>
/** A drizzle PostgreSQL database or transaction: what `execute` and `transaction` are called on. */
interface PgHandle {
  execute(query: SQLWrapper | string): Promise<Record<string, unknown>[] & { count?: number }>
  transaction<T>(work: (tx: PgHandle) => Promise<T>): Promise<T>
}

export interface PostgresOptions {
  /** Connections in the pool. */
  max?: number
  /** Seconds to wait for a connection. */
  connectTimeout?: number
}

const clients = new WeakMap<object, postgres.Sql>()
const urls = new WeakMap<object, string>()

/** The URL a database was opened with on PostgreSQL: for a connection of one's own (db/leader.ts). */
export function postgresUrlOf(db: Db): string | undefined {
  return urls.get(db)
}

/** The postgres.js client of a database opened by openPostgres, or undefined on SQLite. */
export function postgresClientOf(db: Db): postgres.Sql | undefined {
  return clients.get(db)
}

/**
 * Adds to a drizzle PostgreSQL handle what the app calls on SQLite's: `all`, `get`, `values` and
 * `run` for raw SQL, and `transaction` through the unit of work.
 */
function sqliteShaped(raw: PgHandle, transaction: unknown): Db {
  const extra: Record<PropertyKey, unknown> = {
    all: async (q: SQLWrapper) => [...await raw.execute(q)],
    get: async (q: SQLWrapper) => (await raw.execute(q))[0],
    values: async (q: SQLWrapper) => (await raw.execute(q)).map((row) => Object.values(row)),
    run: async (q: SQLWrapper) => ({ changes: (await raw.execute(q)).count ?? 0 }),
    transaction,
  }
  return new Proxy(raw as object, {
    get(target, prop) {
      if (prop in extra) return extra[prop]
      const value = Reflect.get(target, prop)
      return typeof value === 'function' ? value.bind(target) : value
    },
  }) as Db
}

/** Opens a PostgreSQL database (DATABASE_URL=postgres://…). Nothing connects until the first statement. */
export function openPostgres(url: string, { max = 10, connectTimeout = 10 }: PostgresOptions = {}): Db {
  const client = postgres(url, { max, connect_timeout: connectTimeout, onnotice: () => {}, types: PG_VALUE_TYPES })
  const pg = drizzle({ client, schema: schema as never }) as PgDb
  const raws = new WeakMap<Db, PgHandle>()
  // eslint-disable-next-line prefer-const
  let db: Db
  const handle = (raw: PgHandle): Db => {
    const shaped = sqliteShaped(raw, (...args: unknown[]) => (db.transaction as (...a: unknown[]) => unknown)(...args))
    raws.set(shaped, raw)
    return shaped
  }
  const engine: TransactionEngine<Db> = {
    begin: (work) => (pg as unknown as PgHandle).transaction(async (tx) => await work(handle(tx))),
    savepoint: (tx, work) => {
      const raw = raws.get(tx)
      if (!raw) throw new Error('unit of work: a savepoint on a handle this database did not open')
      // drizzle's own nested transaction: SAVEPOINT … RELEASE, ROLLBACK TO on a throw.
      const nested = Object.getPrototypeOf(raw).transaction as PgHandle['transaction']
      return nested.call(raw, async (inner) => await work(handle(inner)))
    },
    strayTransaction: () => false,
  } as TransactionEngine<Db>
  const pool = handle(pg as unknown as PgHandle)
  db = new Proxy({} as Db, {
    get(_, prop) {
      if (prop === 'transaction') return uow.transaction
      if (prop === '$client') return client
      const target = uow.current() ?? pool
      return Reflect.get(target, prop)
    },
  })
  const uow = createUnitOfWork<Db>(db, engine)
  clients.set(db, client)
  urls.set(db, url)
  return db
}

/** Which engine `db` runs on. */
export function engineOf(db: Db): 'sqlite' | 'postgresql' {
  return clients.has(db) ? 'postgresql' : 'sqlite'
}
