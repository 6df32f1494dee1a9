// Several processes on one database (replicas on one PostgreSQL, issue #17): what this process does
// with the changes the others make. The change log (db/change-log.ts) says what changed; the
// follower (db/change-follower.ts) reads it; this file says how each kind reaches the index and the
// caches here. Deadlines are not recomputed here: the process that changed the calendar did that,
// once, in the change's own transaction.
import type { FastifyBaseLogger } from 'fastify'
import type { Db } from './db/client.ts'
import { createIndexFollower } from './db/change-follower.ts'
import { purgeIndexChanges, type IndexChange } from './db/change-log.ts'
import type { SearchService } from './search/search.service.ts'
import type { CalendarService } from './calendar/calendar.service.ts'
import type { PortalService } from './portal/portal.service.ts'

/** How often the leader purges the log (rows older than a day, beyond the last thousand). */
const PURGE_EVERY_MS = 3600_000

export interface IndexFollowingDeps {
  db: Db
  /** The version read before the index and caches were built from the tables. */
  from: number
  pollMs: number
  log: Pick<FastifyBaseLogger, 'warn' | 'error' | 'info'>
  search: Pick<SearchService, 'reindex' | 'rebuild' | 'vocabularyChanged'>
  calendar: Pick<CalendarService, 'reload'>
  portal: Pick<PortalService, 'invalidate'>
}

export function createIndexFollowing({ db, from, pollMs, log, search, calendar, portal }: IndexFollowingDeps) {
  /** A batch of other processes' changes, each kind applied once however many rows it has. */
  async function apply(changes: IndexChange[]): Promise<void> {
    const kinds = new Set(changes.map((c) => c.kind))
    if (kinds.has('calendar')) await calendar.reload()
    const vocabulary = (['synonyms', 'dictionary'] as const).filter((k) => kinds.has(k))
    // Unit and topic names are shown with every served answer: the index reads them again.
    const renamed = kinds.has('units') || kinds.has('topics')
    // A rebuild reads every served entry as committed now, the changed ones included.
    if (vocabulary.length) await search.vocabularyChanged(vocabulary)
    else if (renamed) await search.rebuild()
    else if (kinds.has('entries')) await search.reindex(changes.flatMap((c) => c.entryIds ?? []))
    if (kinds.has('entries') || renamed) portal.invalidate()
  }

  async function resync(): Promise<void> {
    await calendar.reload()
    await search.vocabularyChanged()
    portal.invalidate()
  }

  const follower = createIndexFollower(db, { from, apply, resync, pollMs, log })

  let purgeTimer: NodeJS.Timeout | undefined
  const purge = async () => {
    try {
      const purged = await purgeIndexChanges(db)
      if (purged) log.info({ purged }, 'index change log purged')
    } catch (err) {
      log.warn({ err }, 'index change log: purge failed; tried again in an hour')
    }
  }

  return {
    ...follower,
    /** The leader purges the log now and every hour (services.ts, under the leader lock). */
    startPurging() {
      void purge()
      purgeTimer = setInterval(() => { void purge() }, PURGE_EVERY_MS)
      purgeTimer.unref()
    },
    stopPurging() { clearInterval(purgeTimer) },
  }
}

export type IndexFollowing = ReturnType<typeof createIndexFollowing>
