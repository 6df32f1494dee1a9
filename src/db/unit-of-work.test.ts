import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './client.ts'
import { migrateDatabase } from './migrate.ts'
import { unitOfWork, type UnitOfWork } from './unit-of-work.ts'
import { createUnitsService } from '../units/units.service.ts'

describe('the unit of work', () => {
  let db: Db
  let uow: UnitOfWork
  let told: string[]
  beforeEach(async () => {
    db = openDatabase(':memory:')
    await migrateDatabase(db)
    uow = unitOfWork(db)
    told = []
  })
  afterEach(() => { db.$client.close() })

  // Units make a convenient write: through their own service, which writes on the same connection.
  const units = () => createUnitsService({ db })
  const addUnit = async (code: string) => { await units().createUnit({ code, name: code }) }
  const codes = async () => (await units().listUnits({ page: 1, pageSize: 100 })).items.map((u) => u.code).sort()
  const tell = (what: string) => uow.afterCommit(() => told.push(what))
  /** A promise that settles when `open()` is called: for work that resumes after the transaction has ended. */
  const gate = () => {
    let open!: () => void
    const opened = new Promise<void>((resolve) => { open = resolve })
    return { opened, open }
  }

  it('runs afterCommit once, after the commit, with the change visible', async () => {
    let seenInside: Promise<string[]> | undefined
    await db.transaction(async () => {
      await addUnit('a')
      uow.afterCommit(() => { told.push('a'); seenInside = codes() })
      expect(told).toEqual([])
    })
    expect(told).toEqual(['a'])
    expect(await seenInside).toEqual(['a'])
    // #17: SQLite-only, whether the connection still has a transaction open.
    expect(db.$client.inTransaction).toBe(false)
  })

  it('stays open across the work\'s awaits, and commits once it resolves', async () => {
    await db.transaction(async (tx) => {
      await addUnit('a')
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(uow.current()).toBe(tx)
      await addUnit('b')
      tell('ab')
      expect(told).toEqual([])
    })
    expect(told).toEqual(['ab'])
    expect(await codes()).toEqual(['a', 'b'])
  })

  it('never runs afterCommit when the transaction rolls back', async () => {
    await expect(db.transaction(async () => {
      await addUnit('a')
      tell('a')
      throw new Error('the work fails')
    })).rejects.toThrow('the work fails')
    expect(told).toEqual([])
    expect(await codes()).toEqual([])
  })

  it('makes nested work a savepoint: its rollback keeps the outer work and drops only its callbacks', async () => {
    await db.transaction(async () => {
      await addUnit('outer')
      tell('outer')
      await expect(db.transaction(async () => {
        await addUnit('inner')
        tell('inner')
        throw new Error('a nested step fails')
      })).rejects.toThrow('a nested step fails')
      // drizzle's own nested handle is the same unit of work
      await expect(uow.current()!.transaction(async () => {
        await addUnit('inner2')
        tell('inner2')
        throw new Error('another nested step fails')
      })).rejects.toThrow('another nested step fails')
      await addUnit('after')
    })
    expect(await codes()).toEqual(['after', 'outer'])
    expect(told).toEqual(['outer'])
  })

  it('runs a nested savepoint\'s callbacks only after the outermost commit, in the order registered', async () => {
    await db.transaction(async (tx) => {
      tell('first')
      await tx.transaction(async () => {
        await db.transaction(async () => tell('deepest'))
        expect(told).toEqual([])
      })
      expect(told).toEqual([])
      tell('last')
    })
    expect(told).toEqual(['first', 'deepest', 'last'])
  })

  it('drops a committed savepoint\'s callbacks when the outer transaction rolls back', async () => {
    await expect(db.transaction(async () => {
      await db.transaction(async () => { await addUnit('inner'); tell('inner') })
      throw new Error('the outer work fails')
    })).rejects.toThrow('the outer work fails')
    expect(told).toEqual([])
    expect(await codes()).toEqual([])
  })

  it('tells the caller which transaction it is in, and none after it ended', async () => {
    expect(uow.current()).toBeUndefined()
    const ended = gate()
    let resumed: Promise<unknown> | undefined
    await db.transaction(async (tx) => {
      expect(uow.current()).toBe(tx)
      await db.transaction(async (inner) => expect(uow.current()).toBe(inner))
      expect(uow.current()).toBe(tx)
      // Code that resumes after the transaction has ended is outside it.
      resumed = ended.opened.then(() => uow.current())
    })
    ended.open()
    expect(await resumed).toBeUndefined()
  })

  it('runs afterCommit at once outside a transaction; work resumed after the end is a unit of its own', async () => {
    tell('now')
    expect(told).toEqual(['now'])
    const ended = gate()
    let later: Promise<void> | undefined
    await db.transaction(async () => {
      await addUnit('first')
      later = (async () => {
        await ended.opened
        // The first transaction has committed by now: this one commits (and tells) on its own.
        await db.transaction(async () => { await addUnit('late'); tell('late') })
        expect(told).toEqual(['now', 'late'])
      })()
    })
    ended.open()
    await later
    expect(await codes()).toEqual(['first', 'late'])
  })

  it('reports a failing callback without failing the committed work or the callbacks after it', async () => {
    const reported: unknown[] = []
    uow.reportCallbackErrors((err) => reported.push(err))
    const result = await db.transaction(async () => {
      await addUnit('a')
      uow.afterCommit(() => { throw new Error('listener broke') })
      tell('next')
      return 'done'
    })
    expect(result).toBe('done')
    expect(told).toEqual(['next'])
    expect(reported).toMatchObject([{ message: 'listener broke' }])
    expect(await units().unitByCode('a')).toBeDefined()
  })

  it('runs beforeCommit work last in the outermost transaction, and drops it with the work that registered it', async () => {
    const order: string[] = []
    await db.transaction(async () => {
      uow.beforeCommit(async () => { order.push('final'); await addUnit('final') })
      await db.transaction(async () => { uow.beforeCommit(() => { order.push('kept') }) })
      await db.transaction(async () => { uow.beforeCommit(() => { order.push('dropped') }); throw new Error('a step fails') }).catch(() => undefined)
      tell('committed')
      await addUnit('work')
      order.push('work done')
    })
    expect(order).toEqual(['work done', 'final', 'kept'])
    expect(told).toEqual(['committed'])
    expect(await codes()).toEqual(['final', 'work'])
    // A throw in it rolls the whole transaction back.
    await expect(db.transaction(async () => {
      await addUnit('gone')
      uow.beforeCommit(() => { throw new Error('the last statement fails') })
    })).rejects.toThrow('the last statement fails')
    expect(await codes()).toEqual(['final', 'work'])
    expect(() => uow.beforeCommit(() => {})).toThrow(/outside a transaction/)
  })

  it('refuses to run inside a transaction it did not open, where it could not keep its promise', () => {
    // #17: SQLite-only, a transaction opened on the connection behind the unit of work's back.
    db.$client.exec('BEGIN')
    try {
      expect(() => tell('x')).toThrow(/not opened through db.transaction/)
      expect(() => db.transaction(async () => { await addUnit('x') })).toThrow(/not opened through db.transaction/)
    } finally {
      db.$client.exec('ROLLBACK')
    }
  })
})
