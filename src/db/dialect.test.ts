import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { openDatabase, type Db } from './client.ts'
import { dialectOf, greatest, jsonArrayHas, jsonArrayTexts, least, localDate, localMonth, stringAgg, sumOrZero } from './dialect.ts'
import { openPostgres, postgresClientOf } from './postgres.ts'

// The same helper gives the same answer on each engine.
const engines: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 2 }) },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`dialect helpers on ${engine.name}`, () => {
    let db: Db
    const one = async <T>(expr: ReturnType<typeof sql>) => (await db.all<{ v: T }>(sql`select ${expr} as v`))[0].v
    beforeAll(async () => {
      db = await engine.open()
      await db.run(sql`create table t (id integer primary key, phone text, ids text, n integer)`)
      await db.run(sql`insert into t (id, phone, ids, n) values (1, '023-1', '[1,"7",3]', 2), (2, null, '[]', null), (3, '023-2', '["a"]', 5)`)
    })
    afterAll(async () => { await postgresClientOf(db)?.end() })

    it('knows its engine on the database and inside a transaction', async () => {
      const expected = engine.name === 'SQLite' ? 'sqlite' : 'postgresql'
      expect(dialectOf(db)).toBe(expected)
      expect(await db.transaction(async (tx) => dialectOf(tx))).toBe(expected)
      expect(dialectOf('postgresql')).toBe('postgresql')
    })

    it('takes the larger and the smaller of a row\'s values', async () => {
      expect(Number(await one(greatest(db, sql`3`, sql`5`)))).toBe(5)
      expect(Number(await one(least(db, sql`3`, sql`5`, sql`1`)))).toBe(1)
      expect(await one(greatest(db, sql`${'2025-01-02'}`, sql`${'2025-01-10'}`))).toBe('2025-01-10')
      expect(await one(least(db, sql`${'2025-01-02'}`, sql`${'2025-01-10'}`))).toBe('2025-01-02')
    })

    it('joins a group\'s values, skipping NULLs, and sums a group to 0 when empty', async () => {
      const joined = await one<string>(sql`(select ${stringAgg(db, sql`phone`, ',')} from t)`)
      expect(joined.split(',').sort()).toEqual(['023-1', '023-2'])
      expect(await one(sql`(select coalesce(${stringAgg(db, sql`phone`, ',')}, '') from t where id = 2)`)).toBe('')
      expect(Number(await one(sql`(select ${sumOrZero(sql`n`)} from t)`))).toBe(7)
      expect(Number(await one(sql`(select ${sumOrZero(sql`n`)} from t where id = 2)`))).toBe(0)
    })

    it('finds a text among a JSON array\'s elements, numbers and strings alike', async () => {
      const ids = async (text: string) => (await db.all<{ id: number }>(sql`select id from t where ${jsonArrayHas(db, sql`ids`, text)} order by id`)).map((r) => Number(r.id))
      expect(await ids('7')).toEqual([1])
      expect(await ids('1')).toEqual([1])
      expect(await ids('a')).toEqual([3])
      expect(await ids('b')).toEqual([])
      const e = jsonArrayTexts(db, sql`t.ids`, 'e')
      const values = await db.all<{ value: string }>(sql`select ${e.value} as value from t, ${e.from} where t.id = 1 order by 1`)
      expect(values.map((r) => r.value)).toEqual(['1', '3', '7'])
    })

    it('gives the local day and month of an ISO instant', async () => {
      expect(await one(localDate(db, sql`${'2025-10-09T16:30:00.000Z'}`, 8))).toBe('2025-10-10')
      expect(await one(localDate(db, sql`${'2025-10-09T15:59:59.999Z'}`, 8))).toBe('2025-10-09')
      expect(await one(localMonth(db, sql`${'2025-10-31T16:00:00.000Z'}`, 8))).toBe('2025-11')
    })
  })
}
