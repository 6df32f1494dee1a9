import { sql } from 'drizzle-orm'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from './client.ts'
import { startLeadership, type Leadership } from './leader.ts'
import { openPostgres } from './postgres.ts'

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('leadership on SQLite', () => {
  it('leads at once: one process runs the background work', async () => {
    const db = openDatabase(':memory:')
    const events: string[] = []
    const l = startLeadership(db, { onElected: () => { events.push('elected') }, onDeposed: () => { events.push('deposed') } })
    await until(() => l.isLeader())
    await l.stop()
    expect(events).toEqual(['elected', 'deposed'])
    await closeDatabase(db)
  })
})

describe.skipIf(!pgAvailable)(pgSuiteName('leadership among replicas on one PostgreSQL database'), () => {
  const open: { db: Db; l: Leadership }[] = []
  afterEach(async () => {
    for (const { db, l } of open.splice(0)) {
      await l.stop()
      await closeDatabase(db)
    }
  })

  it('elects one leader; another takes over when the leader\'s session dies, and the dead one stops its work', async () => {
    const url = await createTestPgDatabase()
    const running = new Set<string>()
    const replica = (name: string) => {
      const db = openPostgres(url, { max: 2 })
      const l = startLeadership(db, {
        retryMs: 50,
        onElected: () => { running.add(name) },
        onDeposed: () => { running.delete(name) },
      })
      open.push({ db, l })
      return { db, l }
    }
    const r1 = replica('r1')
    const r2 = replica('r2')
    const r3 = replica('r3')
    await until(() => running.size === 1)
    await new Promise((r) => setTimeout(r, 300))
    expect(running.size).toBe(1)
    const [first] = [...running]
    const leader = { r1, r2, r3 }[first as 'r1']
    // The leader's connections die (a killed process, a broken network): its session and lock go with them.
    const killer = openPostgres(url, { max: 1 })
    await killer.run(sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and objid = 4212346`)
    await closeDatabase(killer)
    await until(() => running.size === 1 && !running.has(first!))
    expect(leader.l.isLeader()).toBe(false)
    expect([r1, r2, r3].filter((r) => r.l.isLeader())).toHaveLength(1)
  })
})
