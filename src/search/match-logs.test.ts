import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openPostgres } from '../db/postgres.ts'
import { createMatchLogs } from './match-logs.ts'
import { createSearchRepository, type MatchLogRow } from './search.repository.ts'

const row = (): MatchLogRow => ({
  id: randomUUID(), question: '灵活就业人员怎么交社保', topicCode: null, matched: false, confidence: 0.2, topEntryId: null,
  candidates: [], tokenId: null, createdAt: new Date().toISOString(),
})

const opened: Db[] = []
afterEach(async () => { for (const db of opened.splice(0)) await closeDatabase(db) })

function process(db: Db) {
  const errors: unknown[] = []
  const repo = createSearchRepository(db)
  const logs = createMatchLogs({ db, repo, log: { error: (obj: unknown) => { errors.push(obj) } }, questionOf: () => undefined, refit: () => false })
  return { db, repo, logs, errors }
}

describe('match logs on SQLite: one process, in batches', () => {
  it('finds a match still in the batch at once, and written() does not wait for the batch', async () => {
    const db = openDatabase(':memory:')
    opened.push(db)
    await migrateDatabase(db)
    const p = process(db)
    const r = row()
    p.logs.queueLog(r)
    await p.logs.written(r.id)
    expect(await p.repo.matchLog(db, r.id)).toBeUndefined()
    expect(await p.logs.feedback(r.id, { noneFitted: true })).toMatchObject({ matchId: r.id, noneFitted: true })
    expect((await p.repo.matchLog(db, r.id))?.noneFitted).toBe(true)
  })
})

describe.skipIf(!pgAvailable)(pgSuiteName('match logs on PostgreSQL: each written at once, for every replica'), () => {
  // Two replicas on one database; each test logs matches of its own.
  let pair: readonly [ReturnType<typeof process>, ReturnType<typeof process>]
  beforeAll(async () => {
    const url = await createTestPgDatabase()
    const a = openPostgres(url, { max: 2 })
    const b = openPostgres(url, { max: 2 })
    await migrateDatabase(a)
    pair = [process(a), process(b)]
  })
  afterAll(async () => { for (const p of pair ?? []) await closeDatabase(p.db) })

  it('has the log in the database, for another replica, once written() resolves', async () => {
    const [a, b] = pair
    const r = row()
    a.logs.queueLog(r)
    await a.logs.written(r.id)
    expect((await b.repo.matchLog(b.db, r.id))?.question).toBe(r.question)
    expect(await b.logs.feedback(r.id, { noneFitted: true })).toMatchObject({ matchId: r.id, noneFitted: true })
    expect(a.errors).toEqual([])
  })

  it('takes feedback given on the replica that matched before the log commits; the log is written once', async () => {
    const [a] = pair
    const r = row()
    a.logs.queueLog(r)
    expect(await a.logs.feedback(r.id, { noneFitted: true })).toMatchObject({ noneFitted: true })
    await a.logs.written(r.id)
    expect(a.errors).toEqual([])
    expect((await a.repo.matchLog(a.db, r.id))?.noneFitted).toBe(true)
  })

  it('keeps the log when the transaction that wrote it early rolls back', async () => {
    const [a] = pair
    const r = row()
    a.logs.queueLog(r)
    await expect(a.db.transaction(async () => {
      await a.logs.feedback(r.id, { noneFitted: true })
      throw new Error('the request fails after the feedback')
    })).rejects.toThrow('the request fails')
    await a.logs.written(r.id)
    expect(a.errors).toEqual([])
    const logged = await a.repo.matchLog(a.db, r.id)
    expect(logged?.question).toBe(r.question)
    expect(logged?.feedbackAt).toBeNull()
  })

  it('answers 404 for a match no replica logged, after a short wait', async () => {
    const [, b] = pair
    await expect(b.logs.feedback(randomUUID(), { noneFitted: true })).rejects.toMatchObject({ code: 'SEARCH_MATCH_NOT_FOUND' })
  })
})
