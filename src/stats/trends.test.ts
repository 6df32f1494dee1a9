import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { dialectOf } from '../db/dialect.ts'
import { openPostgres } from '../db/postgres.ts'
import { STATS_FIXTURE_CONFIG, loadStatsFixture } from './stats.testkit.ts'
import { bucketOf, bucketSql, bucketsBetween, type Interval } from './trends.ts'

// The SQL twin is checked on each engine the machine has.
const ENGINES: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 1 }) },
]

describe('trend buckets in Beijing time', () => {
  it('puts a day in its Monday-first week and its month', () => {
    // 2025-10-13 is a Monday, 2025-10-19 a Sunday.
    expect(bucketOf('2025-10-13', 'week')).toBe('2025-10-13')
    expect(bucketOf('2025-10-19', 'week')).toBe('2025-10-13')
    expect(bucketOf('2025-10-20', 'week')).toBe('2025-10-20')
    expect(bucketOf('2025-10-19', 'month')).toBe('2025-10-01')
    expect(bucketsBetween('2025-09-28', '2025-10-14', 'week')).toEqual(['2025-09-22', '2025-09-29', '2025-10-06', '2025-10-13'])
    expect(bucketsBetween('2025-11-15', '2026-01-02', 'month')).toEqual(['2025-11-01', '2025-12-01', '2026-01-01'])
  })

  for (const engine of ENGINES) {
    it.skipIf(engine.skip)(`agrees with its SQL twin on ${engine.name}, on instants around midnight Beijing time, for every interval`, async () => {
      const db = await engine.open()
      try {
        // 15:59 UTC is 23:59 in Beijing; 16:00 UTC is already the next day there.
        const instants = ['2025-10-12T15:59:59.000Z', '2025-10-12T16:00:00.000Z', '2025-10-19T15:59:00.000Z', '2025-10-19T16:00:00.000Z', '2025-12-31T16:30:00.000Z', '2024-02-28T17:00:00.000Z']
        for (const interval of ['day', 'week', 'month'] as Interval[]) {
          for (const at of instants) {
            const beijingDay = new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10)
            const [fromSql] = await db.all<{ b: string }>(sql`select ${bucketSql(dialectOf(db), sql`${at}`, interval)} as b`)
            expect(fromSql.b, `${interval} ${at}`).toBe(bucketOf(beijingDay, interval))
          }
        }
      } finally {
        await closeDatabase(db)
      }
    })
  }

  it('refuses a period with too many buckets', () => {
    expect(() => bucketsBetween('2020-01-01', '2025-12-31', 'day')).toThrow(/期间太长/)
  })
})

describe('GET /stats/trends on the stats fixture', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(STATS_FIXTURE_CONFIG)
    await loadStatsFixture(t)
  })
  afterAll(async () => { await t.close() })

  it('adds up to the period figures: consultations by channel, tickets opened, and an on-time rate per unit', async () => {
    const trend = (await t.call({ method: 'GET', url: '/api/v1/stats/trends?from=2025-10-01&to=2025-10-31&interval=week' })).json()
    const period = (await t.call({ method: 'GET', url: '/api/v1/stats/consultations?from=2025-10-01&to=2025-10-31' })).json()
    expect(trend.buckets[0]).toBe('2025-09-29')
    expect(trend.buckets.every((b: string) => new Date(`${b}T00:00:00Z`).getUTCDay() === 1)).toBe(true)
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
    expect(sum(trend.consultations.total)).toBe(period.total)
    for (const c of period.byChannel) {
      expect(sum(trend.consultations.channels.find((x: { channel: string }) => x.channel === c.channel).counts), c.channel).toBe(c.total)
    }
    expect(sum(trend.tickets.opened)).toBe(period.ticketed)
    const rsj = trend.units.find((u: { unit: { code: string } }) => u.unit.code === 'rsj')
    expect(rsj.onTimeRate.some((r: number | null) => r !== null && r >= 0 && r <= 1)).toBe(true)
  })

  it('answers 400 for a period too long for the interval', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/stats/trends?from=2020-01-01&to=2025-12-31&interval=day' })
    expect(res.statusCode).toBe(400)
  })
})
