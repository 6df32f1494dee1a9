import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/client.ts'
import type { UnitsService } from '../units/units.service.ts'
import type { KbContext } from './kb.dependencies.ts'
import { createDocumentsService } from './documents.service.ts'
import { createEntriesService } from './entries.service.ts'
import { createReviewService } from './review.service.ts'
import { createBulkService } from './bulk.service.ts'
import { createSyncService } from './sync.service.ts'

export type EntryChangeListener = (entryIds: number[]) => void

export interface KbServiceDeps {
  db: Db
  units: KbContext['units']
  reviewSteps: readonly string[]
  /** Where a failing onChange listener is reported; the change itself is already committed. */
  log: Pick<FastifyBaseLogger, 'error'>
}

/** The knowledge base: policy documents, entries and their versions, review, bulk import. */
export function createKbService({ db, units, reviewSteps, log }: KbServiceDeps) {
  const listeners: EntryChangeListener[] = []

  function emit(ids: number[]) {
    for (const listener of listeners) {
      try {
        listener(ids)
      } catch (err) {
        log.error({ err, entryIds: ids.slice(0, 20) }, 'kb.onChange listener failed')
      }
    }
  }

  // A change made inside a caller's transaction (every write request runs in one; tickets promote
  // answers in one) is not committed when notify() is called. Its ids wait in a TEMP table on the
  // same connection, so they share the transaction's fate: a rollback, of the whole transaction or
  // of a savepoint around the change, takes them away too. They are announced once no transaction
  // is open, which with better-sqlite3's synchronous transactions is by the next microtask.
  const sqlite = db.$client
  sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS kb_changed_entries (entry_id INTEGER NOT NULL)')
  const enqueue = sqlite.prepare('INSERT INTO temp.kb_changed_entries (entry_id) VALUES (?)')
  const readQueued = sqlite.prepare('SELECT entry_id FROM temp.kb_changed_entries ORDER BY rowid').pluck()
  const clearQueued = sqlite.prepare('DELETE FROM temp.kb_changed_entries')
  const takeQueued = sqlite.transaction(() => { const ids = readQueued.all() as number[]; clearQueued.run(); return ids })
  let flushScheduled = false

  function flushAfterCommit() {
    // Still inside a transaction (one kept open across an await): look again shortly.
    if (sqlite.inTransaction) { setTimeout(flushAfterCommit, 5).unref(); return }
    flushScheduled = false
    if (!sqlite.open) return
    const ids = [...new Set(takeQueued())]
    if (ids.length) emit(ids)
  }

  function notify(entryIds: readonly number[]) {
    const ids = [...new Set(entryIds)]
    if (ids.length === 0) return
    if (!sqlite.inTransaction) { emit(ids); return }
    for (const id of ids) enqueue.run(id)
    if (!flushScheduled) { flushScheduled = true; queueMicrotask(flushAfterCommit) }
  }

  const ctx: KbContext = { db, units, reviewSteps, notify }
  return {
    /** Calls `listener` after commit with the entries whose served content changed. */
    onChange(listener: EntryChangeListener) { listeners.push(listener) },
    ...createDocumentsService(ctx),
    ...createEntriesService(ctx),
    ...createReviewService(ctx),
    ...createBulkService(ctx),
    /** The spreadsheet import and export (src/sheets). */
    sync: createSyncService(ctx),
  }
}

export type KbService = ReturnType<typeof createKbService>
export type { UnitsService }
