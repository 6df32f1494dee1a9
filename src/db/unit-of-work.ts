// The unit of work: which transaction the running code belongs to, and what must wait for its commit.
//
// The current transaction travels with the work through AsyncLocalStorage: a write request's
// handler (plugins/write-transaction.ts), and every service it calls, join the request's one
// transaction without passing it down, and `db.transaction(...)` called inside it becomes a savepoint.
// `afterCommit(fn)` keeps `fn` until the outermost transaction has committed; a rollback, of the
// whole transaction or of a savepoint around the call, drops it. That is how a change reaches
// what lives outside the database (the search index, caches) only once it is durable.
//
// SQLite through better-sqlite3 is synchronous, and so is this: a transaction never spans an await,
// so no other request can run inside it. A PostgreSQL engine (issue #17) keeps the same shape with
// `transaction(work: (tx) => Promise<T>)`: the frames, savepoints and callbacks do not change, only
// how BEGIN, SAVEPOINT and COMMIT are issued.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Db } from './client.ts'

/** A transaction handle as drizzle gives it to the work inside `db.transaction`. */
export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0]
export type TransactionBehavior = 'deferred' | 'immediate' | 'exclusive'

interface Frame {
  tx: Transaction
  /** Opens a savepoint on this frame's handle: drizzle's own nested transaction. */
  savepoint<T>(work: (tx: Transaction) => T): T
  callbacks: (() => void)[]
  parent: Frame | undefined
  /** False once the work returned or threw: code that resumes later (after an await) is outside it. */
  open: boolean
}

export interface UnitOfWork {
  /**
   * Runs `work` in a transaction: BEGIN (`deferred` unless said otherwise) … COMMIT when none is
   * open, a savepoint of the open one otherwise. A throw rolls back what `work` did and the
   * afterCommit callbacks it registered, and is rethrown.
   */
  transaction<T>(work: (tx: Transaction) => T, options?: { behavior?: TransactionBehavior }): T
  /** The transaction the caller is running in, if any. */
  current(): Transaction | undefined
  /**
   * Runs `fn` once the outermost transaction around the caller has committed, in the order
   * registered; never if the work that registered it rolls back. Outside any transaction a
   * statement has already committed, so `fn` runs at once.
   */
  afterCommit(fn: () => void): void
  /** Where a failing afterCommit callback is reported: the work has committed, its caller is not told. */
  reportCallbackErrors(report: (err: unknown) => void): void
}

const installed = new WeakMap<object, UnitOfWork>()

/** The database's unit of work (every Db from openDatabase has one). */
export function unitOfWork(db: Db): UnitOfWork {
  const uow = installed.get(db)
  if (!uow) throw new Error('unitOfWork: this database was not opened by openDatabase')
  return uow
}

/**
 * Routes `db.transaction` (and each handle's nested `tx.transaction`) through a new unit of work,
 * so that every transaction in the code base, the request's and the services' own, is a frame of it.
 */
export function installUnitOfWork(db: Db): UnitOfWork {
  const existing = installed.get(db)
  if (existing) return existing
  const storage = new AsyncLocalStorage<Frame>()
  const begin: Db['transaction'] = db.transaction.bind(db)
  let report = (err: unknown) => { console.error('afterCommit callback failed after the commit', err) }

  function openFrame(): Frame | undefined {
    let frame = storage.getStore()
    while (frame && !frame.open) frame = frame.parent
    return frame
  }

  function outsideWork(what: string): Error {
    return new Error(`unit of work: ${what} inside a transaction that was not opened through db.transaction`)
  }

  function transaction<T>(work: (tx: Transaction) => T, options: { behavior?: TransactionBehavior } = {}): T {
    const parent = openFrame()
    if (!parent && db.$client.inTransaction) throw outsideWork('a transaction opened')
    const frame: Frame = { tx: undefined as unknown as Transaction, savepoint: undefined as never, callbacks: [], parent, open: true }
    const run = (tx: Transaction) => {
      const nested = Object.getPrototypeOf(tx).transaction as Transaction['transaction']
      frame.tx = tx
      frame.savepoint = <U>(inner: (t: Transaction) => U): U => nested.call(tx, inner) as U
      // Nested work on this handle is a frame too, so its callbacks share its fate.
      Object.defineProperty(tx, 'transaction', { value: transaction, configurable: true, writable: true })
      return storage.run(frame, () => work(tx))
    }
    let result: T
    try {
      result = parent ? parent.savepoint(run) : begin<T>(run, { behavior: options.behavior ?? 'deferred' })
    } finally {
      frame.open = false
    }
    if (parent) {
      parent.callbacks.push(...frame.callbacks)
    } else {
      for (const fn of frame.callbacks) {
        try {
          fn()
        } catch (err) {
          report(err)
        }
      }
    }
    return result
  }

  const uow: UnitOfWork = {
    transaction,
    current: () => openFrame()?.tx,
    afterCommit(fn) {
      const frame = openFrame()
      if (frame) { frame.callbacks.push(fn); return }
      if (db.$client.inTransaction) throw outsideWork('afterCommit called')
      fn()
    },
    reportCallbackErrors(fn) { report = fn },
  }
  Object.defineProperty(db, 'transaction', { value: transaction, configurable: true, writable: true })
  installed.set(db, uow)
  return uow
}
