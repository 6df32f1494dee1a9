import type { FastifyBaseLogger } from 'fastify'
import type { Db } from '../db/client.ts'
import type { UnitsService } from '../units/units.service.ts'
import type { KbContext } from './kb.context.ts'
import { createDocumentsService } from './documents.service.ts'
import { createEntriesService } from './entries.service.ts'
import { createReviewService } from './review.service.ts'
import { createBulkService } from './bulk.service.ts'

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

  function notify(entryIds: readonly number[]) {
    const ids = [...new Set(entryIds)]
    if (ids.length === 0) return
    // Called from inside a caller's transaction (tickets promoting an answer), the change is not
    // committed yet; better-sqlite3 transactions are synchronous, so it is by the next microtask.
    if (db.$client.inTransaction) queueMicrotask(() => emit(ids))
    else emit(ids)
  }

  const ctx: KbContext = { db, units, reviewSteps, notify }
  return {
    /** Calls `listener` after commit with the entries whose served content changed. */
    onChange(listener: EntryChangeListener) { listeners.push(listener) },
    ...createDocumentsService(ctx),
    ...createEntriesService(ctx),
    ...createReviewService(ctx),
    ...createBulkService(ctx),
  }
}

export type KbService = ReturnType<typeof createKbService>
export type { UnitsService }
