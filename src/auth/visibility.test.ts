import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../db/client.ts'
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

describe('the SQL twin of the rule, used by lists', () => {
  const db = openDatabase(':memory:')
  afterAll(() => db.$client.close())

  it('agrees with sees() for every role and every row', async () => {
    const disagreements: string[] = []
    for (const v of VIEWERS) {
      for (const row of ROWS) {
        const cols = { unitId: sql`${row.unitId}`, ...(row.registeredBy !== undefined ? { registeredBy: sql`${row.registeredBy}` } : {}) }
        const where = visibility(v).where(cols)
        const inSql = where === undefined ? true : Boolean((await first(db.all<{ seen: number }>(sql`select coalesce(${where}, 0) as seen`)))!.seen)
        const inTs = visibility(v).sees(row)
        if (inSql !== inTs) disagreements.push(`${JSON.stringify(v)} ${JSON.stringify(row)}: SQL ${inSql}, TypeScript ${inTs}`)
      }
    }
    expect(disagreements).toEqual([])
  })
})
