// The index change log: how a change made by one process reaches the search index and the caches of
// every other process on the same database (several replicas on one PostgreSQL, issue #17).
//
// A change that affects matching or deadlines (entries served, synonyms, dictionary terms, the
// working calendar, units, topics) records itself in its own transaction: one row of index_changes,
// numbered by the counter row index_change_counter. The row is written last, just before COMMIT
// (unitOfWork.beforeCommit), so the counter row's lock, which orders the writers, is held only for
// the commit itself, and is the last lock a writer takes (no lock cycle through it). Versions are
// therefore gap-free and follow commit order: a reader that has seen 6 has seen 1…5. A rollback takes
// its row and its number back with it. On PostgreSQL the same transaction sends NOTIFY index_changes
// (delivered at commit), which wakes the followers (db/change-follower.ts) at once.
//
// The process that made a change applies it itself after the commit (the kb's onChange and the
// others, as before); its rows carry its origin, and its follower passes over them.
import { randomUUID } from 'node:crypto'
import { and, asc, eq, gt, lt, lte, sql } from 'drizzle-orm'
import type { Db, Tx } from './client.ts'
import { indexChangeCounter, indexChanges, type IndexChangeKind } from './change-log.table.ts'
import { engineOf } from './postgres.ts'
import { first } from './query.ts'
import { unitOfWork } from './unit-of-work.ts'

export type { IndexChangeKind }
export const INDEX_CHANGE_KINDS: readonly IndexChangeKind[] = ['entries', 'synonyms', 'dictionary', 'calendar', 'units', 'topics']

/** The PostgreSQL channel a committed change is announced on (its payload: the version). */
export const INDEX_CHANGES_CHANNEL = 'index_changes'

export interface IndexChange {
  version: number
  kind: IndexChangeKind
  entryIds: number[] | null
  origin: string
}

const origins = new WeakMap<object, string>()
/** This process's followers of each database (db/change-follower.ts), woken after its own commits. */
const localFollowers = new WeakMap<object, Set<() => void>>()

/** Calls `wake` after each commit of a change recorded through `db` here; returns the unsubscribe. */
export function onLocalIndexChange(db: Db, wake: () => void): () => void {
  let set = localFollowers.get(db)
  if (!set) localFollowers.set(db, set = new Set())
  set.add(wake)
  return () => { set.delete(wake) }
}

/** Who this process is in the log: one id per opened database (two test replicas in one process differ). */
export function originOf(db: Db): string {
  let origin = origins.get(db)
  if (!origin) origins.set(db, origin = randomUUID())
  return origin
}

/** Takes the next version, in the caller's transaction (the counter row stays locked until it ends). */
async function nextVersion(tx: Tx): Promise<number> {
  // Made on first use, from the rows already there (none, unless the counter row was lost).
  const [row] = await tx.insert(indexChangeCounter)
    .values({ id: 1, version: sql`(select coalesce(max(${indexChanges.version}), 0) + 1 from ${indexChanges})` })
    .onConflictDoUpdate({ target: indexChangeCounter.id, set: { version: sql`${indexChangeCounter.version} + 1` } })
    .returning({ version: indexChangeCounter.version })
  return row.version
}

/**
 * Records a change in the caller's transaction: its row is written just before COMMIT and is gone
 * if the transaction rolls back. Must be called inside a transaction (db.transaction): a change
 * and its record commit together or not at all.
 */
export function recordIndexChange(db: Db, kind: IndexChangeKind, entryIds?: readonly number[]): void {
  const ids = entryIds ? [...new Set(entryIds)] : null
  if (ids && ids.length === 0) return
  const origin = originOf(db)
  const uow = unitOfWork(db)
  uow.beforeCommit(async (tx: Tx) => {
    const version = await nextVersion(tx)
    await tx.insert(indexChanges).values({ version, kind, entryIds: ids, origin })
    if (engineOf(db) === 'postgresql') await tx.run(sql`select pg_notify(${INDEX_CHANGES_CHANNEL}, ${String(version)})`)
  })
  // This process's follower moves past its own version at once (it applied the change itself).
  uow.afterCommit(() => { for (const wake of localFollowers.get(db) ?? []) wake() })
}

/** The last version committed (0 before the first change). */
export async function latestIndexVersion(db: Tx): Promise<number> {
  return (await first(db.select({ version: indexChangeCounter.version }).from(indexChangeCounter).where(eq(indexChangeCounter.id, 1))))?.version ?? 0
}

/** The changes after `after`, up to `upTo`, oldest first, at most `limit`. */
export async function indexChangesAfter(db: Tx, after: number, upTo: number, limit = 1000): Promise<IndexChange[]> {
  return await db.select({ version: indexChanges.version, kind: indexChanges.kind, entryIds: indexChanges.entryIds, origin: indexChanges.origin })
    .from(indexChanges)
    .where(and(gt(indexChanges.version, after), lte(indexChanges.version, upTo)))
    .orderBy(asc(indexChanges.version))
    .limit(limit)
}

/**
 * Deletes the rows older than `olderThanMs` except the last `keep`. A process that was away longer
 * finds its next version gone and rebuilds from the tables (db/change-follower.ts). Returns how many.
 */
export async function purgeIndexChanges(db: Db, { keep = 1000, olderThanMs = 24 * 3600_000, now = new Date() } = {}): Promise<number> {
  const latest = await latestIndexVersion(db)
  const cutoff = new Date(now.getTime() - olderThanMs).toISOString()
  const deleted = await db.delete(indexChanges)
    .where(and(lte(indexChanges.version, latest - keep), lt(indexChanges.createdAt, cutoff)))
    .returning({ version: indexChanges.version })
  return deleted.length
}
