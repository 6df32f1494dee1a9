// A process follows the index change log (db/change-log.ts): it remembers the version its search
// index and caches reflect, and applies the rows after it that other processes wrote.
//
// At start the version is read before the index and caches are built (`from`), so a change
// committed meanwhile is applied again rather than missed (applying is idempotent: a reindex reads
// the entries as they are). Then it follows: a poll every `pollMs`, and on PostgreSQL LISTEN on a
// connection of its own (postgres.js reconnects it; each (re)connect catches up at once), so a
// change usually arrives within milliseconds and at worst within one poll. Rows this process wrote
// are passed over: it applied them after its own commit (and is woken then, to move past them at
// once). If the rows it needs were purged (it was away for longer than the log keeps), it rebuilds
// everything from the tables (`resync`).
import type { Db } from './client.ts'
import { indexChangesAfter, INDEX_CHANGES_CHANNEL, latestIndexVersion, onLocalIndexChange, originOf, type IndexChange } from './change-log.ts'
import { postgresClientOf } from './postgres.ts'
import { outsideTransactions } from './unit-of-work.ts'

export interface IndexFollowerOptions {
  /** The version read before the index and caches were built from the tables (latestIndexVersion). */
  from: number
  /** Applies other processes' changes, oldest first; resolves when the index and caches serve them. */
  apply(changes: IndexChange[]): Promise<void>
  /** Reloads everything from the tables: the log no longer holds what this process missed. */
  resync(): Promise<void>
  /** Milliseconds between polls (0: no poll; `catchUp()` by hand). */
  pollMs: number
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
  /** Rows read per round. */
  batch?: number
}

export interface IndexFollowerStatus {
  /** The version the index and caches reflect. */
  applied: number
  /** The last version committed, as last read. */
  latest: number
}

export function createIndexFollower(db: Db, { from, apply, resync, pollMs, log, batch = 1000 }: IndexFollowerOptions) {
  const origin = originOf(db)
  let applied = from
  let latest = from
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let unlisten: (() => Promise<void>) | undefined
  let unsubscribe: (() => void) | undefined
  let running: Promise<void> | null = null
  let again = false

  /** One round: reads the latest version, then the rows up to it, and applies them. True if more remain. */
  async function round(): Promise<boolean> {
    const top = await latestIndexVersion(db)
    latest = Math.max(latest, top)
    if (top <= applied) return false
    const rows = await indexChangesAfter(db, applied, top, batch)
    // Versions have no gaps: a missing one was purged before this process read it.
    const contiguous = rows.length > 0 && rows.every((r, i) => r.version === applied + 1 + i)
    if (!contiguous) {
      log.warn({ applied, latest: top, firstFound: rows[0]?.version ?? null }, 'index change log: the changes after this version were purged; rebuilding from the tables')
      await resync()
      applied = top
      return false
    }
    const theirs = rows.filter((r) => r.origin !== origin)
    if (theirs.length) await apply(theirs)
    applied = rows[rows.length - 1].version
    return applied < top
  }

  /** Runs rounds until caught up; a call while one runs makes it go round once more. */
  function catchUp(): Promise<void> {
    if (running) { again = true; return running }
    running = outsideTransactions(async () => {
      try {
        do {
          again = false
          while (!stopped && await round()) { /* the next batch */ }
        } while (again && !stopped)
      } finally {
        running = null
      }
    })
    return running
  }

  // Logged once per run of failures (the database down, an entry that cannot be read), not at every poll.
  let failing = false
  const wake = () => {
    void catchUp().then(() => { failing = false }, (err: unknown) => {
      if (!failing) log.error({ err, applied }, 'index change log: applying changes failed; retried at each poll until it succeeds')
      failing = true
    })
  }
  const schedule = () => {
    if (stopped || pollMs <= 0) return
    timer = setTimeout(() => { wake(); schedule() }, pollMs)
    timer.unref()
  }

  return {
    /** Starts following (after the index and caches are built), and catches up once. */
    async start(): Promise<void> {
      const client = postgresClientOf(db)
      if (client) {
        // A dedicated connection; the callback after each (re)connect catches up on what came meanwhile.
        const listening = await client.listen(INDEX_CHANGES_CHANNEL, wake, wake)
        unlisten = listening.unlisten
      }
      unsubscribe = onLocalIndexChange(db, wake)
      schedule()
      await catchUp()
    },
    /** Applies what is committed now; resolves when done (tests, and a readiness check that wants it). */
    catchUp,
    status: (): IndexFollowerStatus => ({ applied, latest }),
    /** Records the latest version read elsewhere (the readiness check reads it from the database). */
    saw(version: number) { latest = Math.max(latest, version) },
    async stop(): Promise<void> {
      stopped = true
      clearTimeout(timer)
      unsubscribe?.()
      await unlisten?.().catch(() => undefined)
      await running?.catch(() => undefined)
    },
  }
}

export type IndexFollower = ReturnType<typeof createIndexFollower>
