import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { openPostgres } from '../db/postgres.ts'
import { first } from '../db/query.ts'
import { ROLES } from './auth.types.ts'
import { visibility, type ScopedRow, type Viewer } from './visibility.ts'

const viewer = (role: Viewer['role'], extra: Partial<Viewer> = {}): Viewer => ({ role, tokenId: 1, unitId: null, ...extra })

// Rows of unit 7 and unit 8, registered by tokens 40 and 41 or by nobody, and rows with no
// registering token at all (entries, documents, figures).
const ROWS: ScopedRow[] = [
  { unitId: 7, registeredBy: 40 }, { unitId: 7, registeredBy: 41 }, { unitId: 7, registeredBy: null },
  { unitId: 8, registeredBy: 40 }, { unitId: null, registeredBy: 40 }, { unitId: null, registeredBy: null },
  { unitId: 7 }, { unitId: 8 }, { unitId: null },
]
const VIEWERS: Viewer[] = ROLES.flatMap((role) => [
  viewer(role, { tokenId: 40, unitId: 7 }), viewer(role, { tokenId: 41, unitId: 8 }), viewer(role, { tokenId: 40, unitId: null }),
])

describe('who sees which rows', () => {
  it('shows the office every row', () => {
    for (const role of ['admin', 'agent'] as const) expect(ROWS.every((r) => visibility(viewer(role)).sees(r))).toBe(true)
  })

  it('shows a unit the rows of its own unit only', () => {
    const unit = visibility(viewer('unit', { unitId: 7, tokenId: 40 }))
    expect(ROWS.filter((r) => unit.sees(r)).map((r) => r.unitId)).toEqual([7, 7, 7, 7])
    expect(ROWS.some((r) => visibility(viewer('unit', { unitId: null })).sees(r))).toBe(false)
  })

  it('shows an integration what its token registered, and nothing without a registering token', () => {
    const integration = visibility(viewer('integration', { tokenId: 40, unitId: 7 }))
    expect(ROWS.filter((r) => integration.sees(r))).toEqual([{ unitId: 7, registeredBy: 40 }, { unitId: 8, registeredBy: 40 }, { unitId: null, registeredBy: 40 }])
  })

  it('shows a reviewer none of it', () => expect(ROWS.some((r) => visibility(viewer('reviewer', { unitId: 7 })).sees(r))).toBe(false))

  it('keeps a request to the unit the viewer may ask about', () => {
    const refuse = () => new Error('refused')
    expect(visibility(viewer('admin')).unitOf(undefined, refuse)).toBeNull()
    expect(visibility(viewer('admin')).unitOf(8, refuse)).toBe(8)
    expect(visibility(viewer('unit', { unitId: 7 })).unitOf(undefined, refuse)).toBe(7)
    expect(visibility(viewer('unit', { unitId: 7 })).unitOf(7, refuse)).toBe(7)
    expect(() => visibility(viewer('unit', { unitId: 7 })).unitOf(8, refuse)).toThrow('refused')
    expect(() => visibility(viewer('integration')).unitOf(undefined, refuse)).toThrow('refused')
    expect(() => visibility(viewer('reviewer')).unitOf(undefined, refuse)).toThrow('refused')
  })
})

// On each engine: the row's columns are integers, as in the tables.
const engines: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 1 }) },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the SQL twin of the rule, used by lists, on ${engine.name}`, () => {
    let db: Db
    beforeAll(async () => { db = await engine.open() })
    afterAll(async () => { await closeDatabase(db) })

    it('agrees with sees() for every role and every row', async () => {
      const disagreements: string[] = []
      for (const v of VIEWERS) {
        for (const row of ROWS) {
          const cols = { unitId: sql`cast(${row.unitId} as integer)`, ...(row.registeredBy !== undefined ? { registeredBy: sql`cast(${row.registeredBy} as integer)` } : {}) }
          const where = visibility(v).where(cols)
          const inSql = where === undefined ? true : Boolean((await first(db.all<{ seen: number | boolean }>(sql`select coalesce(${where}, false) as seen`)))!.seen)
          const inTs = visibility(v).sees(row)
          if (inSql !== inTs) disagreements.push(`${JSON.stringify(v)} ${JSON.stringify(row)}: SQL ${inSql}, TypeScript ${inTs}`)
        }
      }
      expect(disagreements).toEqual([])
    })
  })
}
