import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './client.ts'
import { unitOfWork } from './unit-of-work.ts'

// The connections and the routing of openDatabase, on a file database (two connections) with a
// table of its own, so that nothing but the routing is under test.
describe('the SQLite database: a writer behind a mutex and a reader', () => {
  let dir: string
  let db: Db
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qa-client-'))
    db = openDatabase(join(dir, 'qa.sqlite'))
    await db.run(sql`create table t (id integer primary key, v text not null unique)`)
  })
  afterEach(() => {
    db.$client.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const values = async () => (await db.all<{ v: string }>(sql`select v from t order by id`)).map((r) => r.v)
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

  it('keeps a transaction open across its awaits; a reader outside it sees only what has committed', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    let inside: string[] = []
    const open = db.transaction(async (tx) => {
      await tx.run(sql`insert into t (v) values ('a')`)
      await held
      // Inside, `db` is the transaction: the work reads its own writes.
      inside = await values()
    })
    await tick()
    expect(await values()).toEqual([])
    release()
    await open
    expect(inside).toEqual(['a'])
    expect(await values()).toEqual(['a'])
  })

  it('runs concurrent transactions one after another, in the order they asked', async () => {
    const order: string[] = []
    const work = (name: string) => db.transaction(async (tx) => {
      order.push(`${name} begins`)
      await tick()
      await tx.run(sql`insert into t (v) values (${name})`)
      order.push(`${name} commits`)
    }, { behavior: 'immediate' })
    await Promise.all([work('a'), work('b'), work('c')])
    expect(order).toEqual(['a begins', 'a commits', 'b begins', 'b commits', 'c begins', 'c commits'])
    expect(await values()).toEqual(['a', 'b', 'c'])
  })

  it('gives a write outside any transaction one of its own, which waits for the open one', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const open = db.transaction(async (tx) => {
      await tx.run(sql`insert into t (v) values ('in')`)
      await held
    })
    await tick()
    const outside = db.run(sql`insert into t (v) values ('out')`)
    await tick()
    expect(await values()).toEqual([])
    release()
    await Promise.all([open, outside])
    expect(await values()).toEqual(['in', 'out'])
  })

  it('rolls back a rejected transaction and drops its afterCommit callbacks; a rejected savepoint only its own', async () => {
    const uow = unitOfWork(db)
    const told: string[] = []
    await expect(db.transaction(async (tx) => {
      await tx.run(sql`insert into t (v) values ('gone')`)
      uow.afterCommit(() => told.push('gone'))
      await tick()
      throw new Error('the work fails')
    })).rejects.toThrow('the work fails')
    await db.transaction(async (tx) => {
      await tx.run(sql`insert into t (v) values ('outer')`)
      uow.afterCommit(() => told.push('outer'))
      await expect(tx.transaction(async (inner) => {
        await inner.run(sql`insert into t (v) values ('inner')`)
        uow.afterCommit(() => told.push('inner'))
        await tick()
        throw new Error('a nested step fails')
      })).rejects.toThrow('a nested step fails')
      expect(told).toEqual([])
    })
    expect(told).toEqual(['outer'])
    expect(await values()).toEqual(['outer'])
  })

  it('refuses two savepoints of one transaction at the same time', async () => {
    await db.transaction(async (tx) => {
      const first = tx.transaction(async (a) => { await tick(); await a.run(sql`insert into t (v) values ('a')`) })
      expect(() => tx.transaction(async (b) => { await b.run(sql`insert into t (v) values ('b')`) })).toThrow('two savepoints')
      await first
    })
    expect(await values()).toEqual(['a'])
  })

  it('releases the writer when a COMMIT fails, and the next transaction proceeds', async () => {
    await db.run(sql`create table parent (id integer primary key)`)
    await db.run(sql`create table child (id integer primary key, parent_id integer references parent(id) deferrable initially deferred)`)
    await expect(db.transaction(async (tx) => {
      await tx.run(sql`insert into child (parent_id) values (42)`)
    })).rejects.toThrow(/FOREIGN KEY/)
    await db.transaction(async (tx) => { await tx.run(sql`insert into t (v) values ('after')`) })
    expect(await values()).toEqual(['after'])
    expect(db.$client.inTransaction).toBe(false)
  })
})
