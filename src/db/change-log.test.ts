import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from './client.ts'
import { indexChangesAfter, INDEX_CHANGES_CHANNEL, latestIndexVersion, originOf, purgeIndexChanges, recordIndexChange } from './change-log.ts'
import { indexChanges } from './change-log.table.ts'
import { migrateDatabase } from './migrate.ts'
import { openPostgres, postgresClientOf } from './postgres.ts'

const versions = async (db: Db) => (await indexChangesAfter(db, 0, Number.MAX_SAFE_INTEGER)).map((c) => c.version)
/** A promise and the function that settles it: to hold a transaction open at a chosen point. */
const gate = () => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => { open = resolve })
  return { opened, open }
}

describe('the index change log on SQLite', () => {
  let db: Db
  beforeEach(async () => {
    db = openDatabase(':memory:')
    await migrateDatabase(db)
  })
  afterEach(async () => { await closeDatabase(db) })

  it('numbers the changes 1, 2, 3 in their transactions, with what changed and who changed it', async () => {
    expect(await latestIndexVersion(db)).toBe(0)
    await db.transaction(async () => { recordIndexChange(db, 'entries', [3, 1, 3]) })
    await db.transaction(async () => { recordIndexChange(db, 'synonyms') })
    await db.transaction(async () => { recordIndexChange(db, 'calendar') })
    expect(await indexChangesAfter(db, 0, 10)).toEqual([
      { version: 1, kind: 'entries', entryIds: [3, 1], origin: originOf(db) },
      { version: 2, kind: 'synonyms', entryIds: null, origin: originOf(db) },
      { version: 3, kind: 'calendar', entryIds: null, origin: originOf(db) },
    ])
    expect(await latestIndexVersion(db)).toBe(3)
    expect((await indexChangesAfter(db, 1, 2)).map((c) => c.version)).toEqual([2])
  })

  it('leaves no row and no gap when the change rolls back, or the savepoint around it', async () => {
    await expect(db.transaction(async () => {
      recordIndexChange(db, 'units')
      throw new Error('the change fails')
    })).rejects.toThrow('the change fails')
    await db.transaction(async () => {
      await db.transaction(async () => { recordIndexChange(db, 'topics'); throw new Error('a step fails') }).catch(() => undefined)
      recordIndexChange(db, 'dictionary')
    })
    expect(await indexChangesAfter(db, 0, 10)).toMatchObject([{ version: 1, kind: 'dictionary' }])
    expect(await latestIndexVersion(db)).toBe(1)
  })

  it('is written after the work, just before COMMIT, and refused outside a transaction', async () => {
    let seenInside: number | undefined
    await db.transaction(async () => {
      recordIndexChange(db, 'entries', [7])
      seenInside = await latestIndexVersion(db)
    })
    expect(seenInside).toBe(0)
    expect(await versions(db)).toEqual([1])
    expect(() => recordIndexChange(db, 'entries', [1])).toThrow(/outside a transaction/)
    // Nothing changed, nothing to record.
    await db.transaction(async () => { recordIndexChange(db, 'entries', []) })
    expect(await versions(db)).toEqual([1])
  })

  it('purges rows older than the age given, except the last ones kept', async () => {
    for (let i = 0; i < 5; i++) await db.transaction(async () => { recordIndexChange(db, 'entries', [i + 1]) })
    await db.update(indexChanges).set({ createdAt: '2020-01-01T00:00:00.000Z' })
    expect(await purgeIndexChanges(db, { keep: 2 })).toBe(3)
    expect(await versions(db)).toEqual([4, 5])
    // Recent rows stay whatever their number.
    await db.transaction(async () => { recordIndexChange(db, 'calendar') })
    expect(await purgeIndexChanges(db, { keep: 0 })).toBe(2)
    expect(await versions(db)).toEqual([6])
    // The counter goes on from where it was.
    await db.transaction(async () => { recordIndexChange(db, 'calendar') })
    expect(await versions(db)).toEqual([6, 7])
  })
})

describe.skipIf(!pgAvailable)(pgSuiteName('the index change log on PostgreSQL, with several writers'), () => {
  let db: Db
  beforeEach(async () => {
    db = openPostgres(await createTestPgDatabase(), { max: 24 })
    await migrateDatabase(db)
  })
  afterEach(async () => { await closeDatabase(db) })

  it('gives 20 concurrent transactions the versions 1 to 20, each once; the rolled-back ones leave no gap', async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 24 }, (_, i) => db.transaction(async () => {
      recordIndexChange(db, 'entries', [i])
      // Interleave the transactions' work; every sixth fails after recording.
      await new Promise((r) => setTimeout(r, (i * 7) % 5))
      if (i % 6 === 5) throw new Error('rolled back')
    })))
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(4)
    const rows = await indexChangesAfter(db, 0, 100)
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(new Set(rows.map((r) => r.entryIds![0])).size).toBe(20)
    expect(rows.some((r) => r.entryIds![0] % 6 === 5)).toBe(false)
    expect(await latestIndexVersion(db)).toBe(20)
  })

  it('numbers in commit order: a transaction that recorded first but commits last gets the last version', async () => {
    const held = gate()
    const first = db.transaction(async () => {
      recordIndexChange(db, 'entries', [1])
      await held.opened
    })
    await db.transaction(async () => { recordIndexChange(db, 'entries', [2]) })
    held.open()
    await first
    expect((await indexChangesAfter(db, 0, 10)).map((r) => [r.version, r.entryIds])).toEqual([[1, [2]], [2, [1]]])
  })

  it('announces a change on its channel when it commits, never before and never after a rollback', async () => {
    const heard: string[] = []
    const listening = await postgresClientOf(db)!.listen(INDEX_CHANGES_CHANNEL, (payload) => { heard.push(payload) })
    const held = gate()
    const open = db.transaction(async () => {
      recordIndexChange(db, 'synonyms')
      await held.opened
    })
    await expect(db.transaction(async () => { recordIndexChange(db, 'units'); throw new Error('no') })).rejects.toThrow('no')
    await new Promise((r) => setTimeout(r, 100))
    expect(heard).toEqual([])
    held.open()
    await open
    const until = Date.now() + 5000
    while (heard.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
    expect(heard).toEqual(['1'])
    await listening.unlisten()
  })
})
