// @fastify/rate-limit's counters in PostgreSQL, shared by every replica. Its own store counts in the
// process's memory: three replicas behind nginx would let an address try to sign in 3 × 60 times a
// minute. On SQLite there is one process and the in-memory store stays (security.ts).
//
// One row per key and window in an UNLOGGED table: a hit is one atomic upsert (no lock held across
// round trips, no lost update between replicas), and an expired window starts again at 1. UNLOGGED
// writes no WAL: a hit costs no fsync and does not wait for the synchronous standby. The price is
// that the counts are emptied by a crash of the primary and are not on the standby after a
// failover: every address starts a fresh window then, which a rate limit can afford.
//
// The table is made at start-up (CREATE UNLOGGED TABLE IF NOT EXISTS), not by migrations-pg/:
// the schema is written once in the *.table.ts files for both engines and the tests compare
// PostgreSQL's catalog with it table for table (src/db/schema.pg.test.ts); this table exists on
// one engine only, holds nothing that outlives a minute, and no module reads it.
import type postgres from 'postgres'

export const RATE_LIMIT_TABLE = 'rate_limit_hits'

/** Any number, distinct from the start-up and leader locks (db/migrate.ts, db/leader.ts). */
const TABLE_LOCK = 4_212_347

/** How often a process deletes windows that have ended (each replica, at most). */
const PURGE_EVERY_MS = 60_000

/** What @fastify/rate-limit expects of a store (its `store` option is a class, built with the plugin's settings). */
interface RateLimitStoreSettings {
  continueExceeding?: boolean
  exponentialBackoff?: boolean
  routeInfo?: { method?: string | string[]; url?: string }
}
type Callback = (err: Error | null, result?: { current: number; ttl: number }) => void

/**
 * Creates the counters' table if it is not there. Replicas may start at once: a transaction-level
 * advisory lock makes them create it one after the other (two concurrent CREATE … IF NOT EXISTS
 * may both try, and one then fails on the catalog's unique index).
 */
export async function ensureRateLimitTable(sql: postgres.Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${TABLE_LOCK})`
    await tx.unsafe(`create unlogged table if not exists ${RATE_LIMIT_TABLE} (
      key text primary key,
      hits integer not null,
      resets_at timestamptz not null
    )`)
  })
}

export interface PostgresRateLimitStoreOptions {
  /** Where a failed purge is reported (a failed hit fails its request instead). */
  log: { error(obj: object, msg: string): void }
  purgeEveryMs?: number
}

/**
 * A store class for @fastify/rate-limit's `store` option, counting in `sql`'s database. The time is
 * the database server's, so replicas whose clocks differ agree on when a window ends.
 */
export function postgresRateLimitStore(sql: postgres.Sql, { log, purgeEveryMs = PURGE_EVERY_MS }: PostgresRateLimitStoreOptions) {
  let lastPurge = Date.now()

  function purgeNowAndThen() {
    if (Date.now() - lastPurge < purgeEveryMs) return
    lastPurge = Date.now()
    void purgeExpired().catch((err: unknown) => { log.error({ err }, 'rate limit: ended windows could not be deleted') })
  }
  /** Deletes the windows that have ended: an ended window counts as none (the next hit starts at 1). */
  async function purgeExpired(): Promise<number> {
    return (await sql`delete from ${sql(RATE_LIMIT_TABLE)} where resets_at <= now()`).count
  }

  async function hit(key: string, timeWindowMs: number) {
    purgeNowAndThen()
    const [row] = await sql<{ hits: number; ttl: number }[]>`
      insert into ${sql(RATE_LIMIT_TABLE)} as r (key, hits, resets_at)
      values (${key}, 1, now() + ${timeWindowMs}::float8 * interval '1 millisecond')
      on conflict (key) do update set
        hits = case when r.resets_at <= now() then 1 else r.hits + 1 end,
        resets_at = case when r.resets_at <= now() then excluded.resets_at else r.resets_at end
      returning hits, (extract(epoch from r.resets_at - now()) * 1000)::float8 as ttl`
    return { current: row!.hits, ttl: Math.max(0, Math.ceil(row!.ttl)) }
  }

  async function read(key: string) {
    const [row] = await sql<{ hits: number; ttl: number }[]>`
      select hits, (extract(epoch from resets_at - now()) * 1000)::float8 as ttl
      from ${sql(RATE_LIMIT_TABLE)} where key = ${key} and resets_at > now()`
    return row ? { current: row.hits, ttl: Math.max(0, Math.ceil(row.ttl)) } : { current: 0, ttl: 0 }
  }

  return class PostgresRateLimitStore {
    /** Keys of a route's own limit are prefixed with the route, as each route's in-memory store is its own. */
    private readonly prefix: string
    constructor(settings: RateLimitStoreSettings, prefix = '') {
      // Neither is used here; counting them would need the limit in the upsert.
      if (settings.continueExceeding || settings.exponentialBackoff) {
        throw new Error('postgresRateLimitStore: continueExceeding and exponentialBackoff are not supported')
      }
      this.prefix = prefix
    }

    static purgeExpired = purgeExpired

    incr(key: string, cb: Callback, timeWindow: number): void {
      void hit(this.prefix + key, timeWindow).then((r) => cb(null, r), (err: Error) => cb(err))
    }

    read(key: string, cb: Callback): void {
      void read(this.prefix + key).then((r) => cb(null, r), (err: Error) => cb(err))
    }

    /** The store of a route with a limit of its own: the plugin passes the route's merged settings, `routeInfo` the route. */
    child(routeSettings: object): PostgresRateLimitStore {
      const settings = routeSettings as RateLimitStoreSettings
      const route = settings.routeInfo ?? {}
      return new PostgresRateLimitStore(settings, `${[route.method ?? ''].flat().join(',')} ${route.url ?? ''} `)
    }
  }
}
