import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/client.ts'
import { unitOfWork } from '../db/unit-of-work.ts'
import { recordIndexChange } from '../db/change-log.ts'
import type { UnitsService } from '../units/units.service.ts'
import type { KbContext } from './kb.dependencies.ts'
import { createDocumentsService } from './documents.service.ts'
import { createEntriesService } from './entries.service.ts'
import { createReviewService } from './review.service.ts'
import { createBulkService } from './bulk.service.ts'
import { createSyncService } from './sync.service.ts'

/** May be async (the search index reads the changed entries): a rejection is logged, as a throw is. */
export type EntryChangeListener = (entryIds: number[]) => unknown

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
    const failed = (err: unknown) => log.error({ err, entryIds: ids.slice(0, 20) }, 'kb.onChange listener failed')
    for (const listener of listeners) {
      try {
        // Called after the commit: nobody waits for a listener that is async, so its failure is logged here.
        void Promise.resolve(listener(ids)).catch(failed)
      } catch (err) {
        failed(err)
      }
    }
  }

  // notify() is called inside the transaction that made the change (every write request runs in
  // one; tickets promote answers in one): the listeners hear of it once the outermost transaction has
  // committed, and never if it, or a savepoint around the change, rolls back. The change is recorded
  // in that transaction for the other processes on the database (db/change-log.ts).
  const uow = unitOfWork(db)
  function notify(entryIds: readonly number[]) {
    const ids = [...new Set(entryIds)]
    if (!ids.length) return
    recordIndexChange(db, 'entries', ids)
    uow.afterCommit(() => emit(ids))
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
