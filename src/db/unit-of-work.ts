// The unit of work: which transaction the running code belongs to, and what must wait for its commit.
//
// The current transaction travels with the work through AsyncLocalStorage: a write request's
// handler (plugins/write-transaction.ts), and every service it calls, join the request's one
// transaction without passing it down, and `db.transaction(...)` called inside it becomes a savepoint.
// `afterCommit(fn)` keeps `fn` until the outermost transaction has committed; a rollback, of the
// whole transaction or of a savepoint around the call, drops it. That is how a change reaches
// what lives outside the database (the search index, caches) only once it is durable.
//
// The work may await: a transaction stays open across its awaits, and other work waits for it.
// How BEGIN, SAVEPOINT and COMMIT are issued, and how writers wait for each other, is the engine's
// (TransactionEngine below): on SQLite one writer connection behind a mutex (db/client.ts), on
// PostgreSQL a connection of the pool per transaction. The frames, savepoints and callbacks are
// the same on both.
//
// Work that returns a plain value (not a promise) still runs synchronously when no other
// transaction is open: code written before the work could await keeps working. When another
// transaction holds the writer, the call waits and returns a promise.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Db } from './client.ts'

export type TransactionBehavior = 'deferred' | 'immediate' | 'exclusive'

/** How one database engine opens, nests and ends transactions. `Handle` is what the work writes through. */
export interface TransactionEngine<Handle> {
  /**
   * Opens the outermost transaction and runs `work` in it, COMMIT when it returns (or its promise
   * resolves), ROLLBACK when it throws. Returns synchronously when `work` does and the engine could
   * begin at once; otherwise a promise.
   */
  begin<T>(work: (tx: Handle) => T, behavior: TransactionBehavior): T | Promise<Awaited<T>>
  /** Runs `work` in a savepoint of the open transaction `tx`; same return rule as begin. */
  savepoint<T>(tx: Handle, work: (tx: Handle) => T): T | Promise<Awaited<T>>
  /** True when the connection has a transaction open that no frame of this unit of work opened. */
  strayTransaction(): boolean
}

interface Frame<Handle> {
  tx: Handle
  callbacks: (() => void)[]
  /** Statements to run last in the outermost transaction, before COMMIT (beforeCommit). */
  finals: ((tx: Handle) => unknown)[]
  parent: Frame<Handle> | undefined
  /** False once the work returned or threw: code that resumes later (after the end) is outside it. */
  open: boolean
  /** True while a savepoint of this frame is open: a second one at the same time would interleave. */
  busy: boolean
}

export interface UnitOfWork<Handle = Db> {
  /**
   * Runs `work` in a transaction: BEGIN (`deferred` unless said otherwise) … COMMIT when none is
   * open, a savepoint of the open one otherwise. A throw rolls back what `work` did and the
   * afterCommit callbacks it registered, and is rethrown (or the promise rejects).
   */
  transaction<T>(work: (tx: Handle) => Promise<T>, options?: { behavior?: TransactionBehavior }): Promise<T>
  transaction<T>(work: (tx: Handle) => T, options?: { behavior?: TransactionBehavior }): T
  /** The transaction the caller is running in, if any. */
  current(): Handle | undefined
  /**
   * Runs `fn` once the outermost transaction around the caller has committed, in the order
   * registered; never if the work that registered it rolls back. Outside any transaction a
   * statement has already committed, so `fn` runs at once.
   */
  afterCommit(fn: () => void): void
  /**
   * Runs `fn(tx)` last in the outermost transaction around the caller: after its work has returned,
   * before COMMIT, in the order registered; dropped with a rollback of the work (or of a savepoint
   * around the call) that registered it. A throw rolls the whole transaction back. For a statement
   * whose row lock must be held as briefly as possible (a counter row, db/change-log.ts). Outside a
   * transaction it throws: there is nothing to join. A transaction with such work returns a promise.
   */
  beforeCommit(fn: (tx: Handle) => unknown): void
  /** Where a failing afterCommit callback is reported: the work has committed, its caller is not told. */
  reportCallbackErrors(report: (err: unknown) => void): void
}

/**
 * Runs `fn` outside any transaction, whatever the caller is in: for background work started from a
 * request (an index rebuild, the match-log flush, an import, a link check) that must not become a
 * savepoint of the request's transaction nor die with it. (A snapshot of the context at load time,
 * when no transaction is open.)
 */
export const outsideTransactions: <R>(fn: () => R) => R = AsyncLocalStorage.snapshot()

export const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | null)?.then === 'function'

/**
 * Runs `finish(ok)` after `result` settles: at once for a plain value, after the promise otherwise.
 * `finish` may throw; the throw replaces the result.
 */
export function settle<T>(run: () => T, finish: (ok: boolean) => void): T {
  let result: T
  try {
    result = run()
  } catch (err) {
    finish(false)
    throw err
  }
  if (!isThenable(result)) {
    finish(true)
    return result
  }
  return Promise.resolve(result).then(
    (value) => { finish(true); return value },
    (err: unknown) => { finish(false); throw err },
  ) as T
}

const installed = new WeakMap<object, UnitOfWork<never>>()

/** The database's unit of work (every database from openDatabase has one). */
export function unitOfWork<Handle = Db>(db: object): UnitOfWork<Handle> {
  const uow = installed.get(db)
  if (!uow) throw new Error('unitOfWork: this database was not opened by openDatabase')
  return uow as UnitOfWork<Handle>
}

/** Creates the unit of work of `db`, whose transactions `engine` runs. */
export function createUnitOfWork<Handle>(db: object, engine: TransactionEngine<Handle>): UnitOfWork<Handle> {
  const existing = installed.get(db)
  if (existing) return existing as UnitOfWork<Handle>
  const storage = new AsyncLocalStorage<Frame<Handle>>()
  let report = (err: unknown) => { console.error('afterCommit callback failed after the commit', err) }

  function openFrame(): Frame<Handle> | undefined {
    let frame = storage.getStore()
    while (frame && !frame.open) frame = frame.parent
    return frame
  }

  function outsideWork(what: string): Error {
    return new Error(`unit of work: ${what} inside a transaction that was not opened through db.transaction`)
  }

  /** The outermost work's result, after its beforeCommit work (which may register more) has run in it. */
  function withFinals<T>(frame: Frame<Handle>, result: T): T {
    const runFinals = async () => {
      for (let fn = frame.finals.shift(); fn; fn = frame.finals.shift()) await fn(frame.tx)
    }
    if (!isThenable(result)) return frame.finals.length ? runFinals().then(() => result) as T : result
    return Promise.resolve(result).then(async (value) => { await runFinals(); return value }) as T
  }

  function transaction<T>(work: (tx: Handle) => T, options: { behavior?: TransactionBehavior } = {}): T {
    const parent = openFrame()
    if (!parent && engine.strayTransaction()) throw outsideWork('a transaction opened')
    if (parent?.busy) throw new Error('unit of work: two savepoints of one transaction at the same time (await the first)')
    const frame: Frame<Handle> = { tx: undefined as Handle, callbacks: [], finals: [], parent, open: true, busy: false }
    const run = (tx: Handle) => {
      frame.tx = tx
      // The frame closes when the work settles, before the COMMIT (a round trip on PostgreSQL): code
      // that resumes meanwhile is outside the transaction, and must not open a savepoint in it.
      return settle(() => storage.run(frame, () => (parent ? work(tx) : withFinals(frame, work(tx)))), () => { frame.open = false })
    }
    if (parent) parent.busy = true
    const result = settle(
      () => (parent ? engine.savepoint(parent.tx, run) : engine.begin(run, options.behavior ?? 'deferred')) as T,
      (ok) => {
        frame.open = false
        if (parent) parent.busy = false
        if (!ok) return
        if (parent) {
          parent.callbacks.push(...frame.callbacks)
          parent.finals.push(...frame.finals)
          return
        }
        for (const fn of frame.callbacks) {
          try {
            fn()
          } catch (err) {
            report(err)
          }
        }
      },
    )
    return result
  }

  const uow: UnitOfWork<Handle> = {
    transaction: transaction as UnitOfWork<Handle>['transaction'],
    current: () => openFrame()?.tx,
    afterCommit(fn) {
      const frame = openFrame()
      if (frame) { frame.callbacks.push(fn); return }
      if (engine.strayTransaction()) throw outsideWork('afterCommit called')
      fn()
    },
    beforeCommit(fn) {
      const frame = openFrame()
      if (!frame) throw new Error('unit of work: beforeCommit called outside a transaction')
      frame.finals.push(fn)
    },
    reportCallbackErrors(fn) { report = fn },
  }
  installed.set(db, uow as UnitOfWork<never>)
  return uow
}

/** A first-come, first-served lock for one writer connection. */
export class Mutex {
  private locked = false
  private readonly waiting: (() => void)[] = []

  isLocked(): boolean { return this.locked }

  /** Takes the lock if it is free, without waiting. */
  tryLock(): boolean {
    if (this.locked) return false
    this.locked = true
    return true
  }

  /** Waits for the lock. */
  lock(): Promise<void> {
    if (this.tryLock()) return Promise.resolve()
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  unlock(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.locked = false
  }
}
