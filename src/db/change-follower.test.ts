import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from './client.ts'
import { createIndexFollower, type IndexFollower } from './change-follower.ts'
import { latestIndexVersion, purgeIndexChanges, recordIndexChange, type IndexChange, type IndexChangeKind } from './change-log.ts'
import { indexChanges } from './change-log.table.ts'
import { migrateDatabase } from './migrate.ts'
import { openPostgres } from './postgres.ts'

const silent = { warn: () => {}, error: () => {} }
const change = (db: Db, kind: IndexChangeKind, ids?: number[]) => db.transaction(async () => { recordIndexChange(db, kind, ids) })
const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A follower on `db` that keeps what it was asked to apply. */
async function follow(db: Db, opts: { pollMs?: number; batch?: number; failing?: () => boolean } = {}) {
  const applied: { kind: IndexChangeKind; entryIds: number[] | null; version: number }[][] = []
  let resyncs = 0
  const follower = createIndexFollower(db, {
    from: await latestIndexVersion(db),
    pollMs: opts.pollMs ?? 0,
    batch: opts.batch,
    log: silent,
    apply: async (changes: IndexChange[]) => {
      if (opts.failing?.()) throw new Error('the index could not read the entries')
      applied.push(changes.map(({ kind, entryIds, version }) => ({ kind, entryIds, version })))
    },
    resync: async () => { resyncs++ },
  })
  return { follower, applied, resyncs: () => resyncs }
}

// Two processes on one SQLite file: each opens the database itself, as two processes would.
describe('following the index change log (two processes on one SQLite file)', () => {
  let dir: string
  let here: Db
  let there: Db
  const followers: IndexFollower[] = []
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qa-follow-'))
    here = openDatabase(join(dir, 'qa.sqlite'))
    await migrateDatabase(here)
    there = openDatabase(join(dir, 'qa.sqlite'))
  })
  afterEach(async () => {
    for (const f of followers.splice(0)) await f.stop()
    await closeDatabase(here)
    await closeDatabase(there)
    rmSync(dir, { recursive: true, force: true })
  })

  it('applies the other process\'s changes after the version it started from, oldest first, and passes over its own', async () => {
    await change(there, 'entries', [1])
    const { follower, applied } = await follow(here, { batch: 2 })
    followers.push(follower)
    await follower.start()
    expect(applied).toEqual([])
    expect(follower.status()).toEqual({ applied: 1, latest: 1 })

    await change(there, 'entries', [2, 3])
    await change(here, 'synonyms')
    await change(there, 'calendar')
    await change(there, 'units')
    await follower.catchUp()
    // Two rows a round (batch 2): its own synonyms change is not applied again.
    expect(applied).toEqual([
      [{ kind: 'entries', entryIds: [2, 3], version: 2 }],
      [{ kind: 'calendar', entryIds: null, version: 4 }, { kind: 'units', entryIds: null, version: 5 }],
    ])
    expect(follower.status()).toEqual({ applied: 5, latest: 5 })
  })

  it('finds the changes by its poll, without being asked', async () => {
    const { follower, applied } = await follow(here, { pollMs: 20 })
    followers.push(follower)
    await follower.start()
    await change(there, 'dictionary')
    await until(() => applied.length === 1)
    expect(applied[0]).toMatchObject([{ kind: 'dictionary', version: 1 }])
  })

  it('keeps the version where it was when applying fails, and applies the changes at the next round', async () => {
    let failing = true
    const { follower, applied } = await follow(here, { failing: () => failing })
    followers.push(follower)
    await follower.start()
    await change(there, 'entries', [9])
    await expect(follower.catchUp()).rejects.toThrow('could not read')
    expect(follower.status()).toEqual({ applied: 0, latest: 1 })
    failing = false
    await follower.catchUp()
    expect(applied).toEqual([[{ kind: 'entries', entryIds: [9], version: 1 }]])
    expect(follower.status().applied).toBe(1)
  })

  it('rebuilds from the tables when the changes it missed were purged', async () => {
    const { follower, applied, resyncs } = await follow(here)
    followers.push(follower)
    await follower.start()
    for (let i = 0; i < 4; i++) await change(there, 'entries', [i])
    await there.update(indexChanges).set({ createdAt: '2020-01-01T00:00:00.000Z' })
    expect(await purgeIndexChanges(there, { keep: 1 })).toBe(3)
    await follower.catchUp()
    expect(resyncs()).toBe(1)
    expect(applied).toEqual([])
    expect(follower.status()).toEqual({ applied: 4, latest: 4 })
    await change(there, 'topics')
    await follower.catchUp()
    expect(applied).toEqual([[{ kind: 'topics', entryIds: null, version: 5 }]])
  })
})

describe.skipIf(!pgAvailable)(pgSuiteName('following the index change log on PostgreSQL'), () => {
  it('is woken by NOTIFY at once, with no poll', async () => {
    const url = await createTestPgDatabase()
    const here = openPostgres(url, { max: 2 })
    const there = openPostgres(url, { max: 2 })
    await migrateDatabase(here)
    const { follower, applied } = await follow(here, { pollMs: 0 })
    try {
      await follower.start()
      await change(there, 'entries', [42])
      await until(() => applied.length === 1, 3000)
      expect(applied).toEqual([[{ kind: 'entries', entryIds: [42], version: 1 }]])
      expect(follower.status()).toEqual({ applied: 1, latest: 1 })
    } finally {
      await follower.stop()
      await closeDatabase(here)
      await closeDatabase(there)
    }
  })
})
