import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from './client.ts'
import { migrateDatabase } from './migrate.ts'
import { unitOfWork, type UnitOfWork } from './unit-of-work.ts'
import { createUnitsService } from '../units/units.service.ts'

describe('the unit of work', () => {
  let db: Db
  let uow: UnitOfWork
  let told: string[]
  beforeEach(() => {
    db = openDatabase(':memory:')
    migrateDatabase(db)
    uow = unitOfWork(db)
    told = []
  })
  afterEach(() => { db.$client.close() })

  // Units make a convenient write: through their own service, which writes on the same connection.
  const units = () => createUnitsService({ db })
  const addUnit = (code: string) => { units().createUnit({ code, name: code }) }
  const codes = () => units().listUnits({ page: 1, pageSize: 100 }).items.map((u) => u.code).sort()
  const tell = (what: string) => uow.afterCommit(() => told.push(what))

  it('runs afterCommit once, after the commit, with the change visible', () => {
    let seenInside: string[] = []
    db.transaction(() => {
      addUnit('a')
      uow.afterCommit(() => { told.push('a'); seenInside = codes() })
      expect(told).toEqual([])
    })
    expect(told).toEqual(['a'])
    expect(seenInside).toEqual(['a'])
    expect(db.$client.inTransaction).toBe(false)
  })

  it('never runs afterCommit when the transaction rolls back', () => {
    expect(() => db.transaction(() => {
      addUnit('a')
      tell('a')
      throw new Error('the work fails')
    })).toThrow('the work fails')
    expect(told).toEqual([])
    expect(codes()).toEqual([])
  })

  it('makes nested work a savepoint: its rollback keeps the outer work and drops only its callbacks', () => {
    db.transaction(() => {
      addUnit('outer')
      tell('outer')
      expect(() => db.transaction(() => {
        addUnit('inner')
        tell('inner')
        throw new Error('a nested step fails')
      })).toThrow('a nested step fails')
      // drizzle's own nested handle is the same unit of work
      expect(() => uow.current()!.transaction(() => {
        addUnit('inner2')
        tell('inner2')
        throw new Error('another nested step fails')
      })).toThrow('another nested step fails')
      addUnit('after')
    })
    expect(codes()).toEqual(['after', 'outer'])
    expect(told).toEqual(['outer'])
  })

  it('runs a nested savepoint\'s callbacks only after the outermost commit, in the order registered', () => {
    db.transaction((tx) => {
      tell('first')
      tx.transaction(() => {
        db.transaction(() => tell('deepest'))
        expect(told).toEqual([])
      })
      expect(told).toEqual([])
      tell('last')
    })
    expect(told).toEqual(['first', 'deepest', 'last'])
  })

  it('drops a committed savepoint\'s callbacks when the outer transaction rolls back', () => {
    expect(() => db.transaction(() => {
      db.transaction(() => { addUnit('inner'); tell('inner') })
      throw new Error('the outer work fails')
    })).toThrow('the outer work fails')
    expect(told).toEqual([])
    expect(codes()).toEqual([])
  })

  it('tells the caller which transaction it is in, and none after it ended', async () => {
    expect(uow.current()).toBeUndefined()
    let resumed: Promise<unknown> | undefined
    db.transaction((tx) => {
      expect(uow.current()).toBe(tx)
      db.transaction((inner) => expect(uow.current()).toBe(inner))
      expect(uow.current()).toBe(tx)
      // Code that resumes after an await is outside the transaction, which has committed by then.
      resumed = Promise.resolve().then(() => uow.current())
    })
    expect(await resumed).toBeUndefined()
  })

  it('runs afterCommit at once outside a transaction; work resumed after an await is a unit of its own', async () => {
    tell('now')
    expect(told).toEqual(['now'])
    let later: Promise<void> | undefined
    db.transaction(() => {
      addUnit('first')
      later = (async () => {
        await Promise.resolve()
        // The first transaction has committed by now: this one commits (and tells) on its own.
        db.transaction(() => { addUnit('late'); tell('late') })
        expect(told).toEqual(['now', 'late'])
      })()
    })
    await later
    expect(codes()).toEqual(['first', 'late'])
  })

  it('reports a failing callback without failing the committed work or the callbacks after it', () => {
    const reported: unknown[] = []
    uow.reportCallbackErrors((err) => reported.push(err))
    const result = db.transaction(() => {
      addUnit('a')
      uow.afterCommit(() => { throw new Error('listener broke') })
      tell('next')
      return 'done'
    })
    expect(result).toBe('done')
    expect(told).toEqual(['next'])
    expect(reported).toMatchObject([{ message: 'listener broke' }])
    expect(units().unitByCode('a')).toBeDefined()
  })

  it('refuses to run inside a transaction it did not open, where it could not keep its promise', () => {
    db.$client.exec('BEGIN')
    try {
      expect(() => tell('x')).toThrow(/not opened through db.transaction/)
      expect(() => db.transaction(() => addUnit('x'))).toThrow(/not opened through db.transaction/)
    } finally {
      db.$client.exec('ROLLBACK')
    }
  })
})
