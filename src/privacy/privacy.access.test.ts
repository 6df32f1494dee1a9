import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { openPostgres } from '../db/postgres.ts'
import { first } from '../db/query.ts'
import { ROLES } from '../auth/auth.types.ts'
import { askerAccess, askerView, fullAccessSql, type AskerScope, type Surface, type Viewer } from './privacy.access.ts'

const viewer = (role: Viewer['role'], extra: Partial<Viewer> = {}): Viewer => ({ role, tokenId: 1, unitId: null, ...extra })
const scope: AskerScope = { registeredBy: 40, holdingUnitId: 7 }

describe("who sees the asker's details in full", () => {
  it('shows them in a record to admins, the registering agent and the holding unit', () => {
    expect(askerAccess(viewer('admin'), scope, 'record')).toBe('full')
    expect(askerAccess(viewer('agent', { tokenId: 40 }), scope, 'record')).toBe('full')
    expect(askerAccess(viewer('unit', { unitId: 7 }), scope, 'record')).toBe('full')
  })

  it('masks them for other agents, other units, reviewers and integrations', () => {
    expect(askerAccess(viewer('agent', { tokenId: 41 }), scope, 'record')).toBe('masked')
    expect(askerAccess(viewer('unit', { unitId: 8 }), scope, 'record')).toBe('masked')
    expect(askerAccess(viewer('unit', { unitId: 7 }), { ...scope, holdingUnitId: null }, 'record')).toBe('masked')
    expect(askerAccess(viewer('reviewer'), scope, 'record')).toBe('masked')
    expect(askerAccess(viewer('integration', { tokenId: 40 }), scope, 'record')).toBe('masked')
  })

  it.each(['list', 'export', 'event', 'log', 'publication'] as Surface[])('masks them for everyone in a %s', (surface) => {
    expect(askerAccess(viewer('admin'), scope, surface)).toBe('masked')
    expect(askerAccess(null, scope, surface)).toBe('masked')
  })

  it('masks the contact details as the access says', () => {
    const c = { askerName: '李建国', askerPhone: '13912345678', askerEmail: 'ljg@example.com', preferredReply: 'phone' }
    expect(askerView(c, 'masked')).toEqual({ name: '李**', phone: '139****5678', email: 'l***@example.com', preferredReply: 'phone', masked: true })
    expect(askerView(c, 'full')).toMatchObject({ name: '李建国', phone: '13912345678', masked: false })
  })
})

// On each engine: the scope's columns are integers, as in the tables.
const engines: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 1 }) },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the SQL twin of the rule, used by searches, on ${engine.name}`, () => {
    let db: Db
    beforeAll(async () => { db = await engine.open() })
    afterAll(async () => { await closeDatabase(db) })

    it('agrees with askerAccess for every role and every scope', async () => {
      const viewers: Viewer[] = ROLES.flatMap((role) => [viewer(role, { tokenId: 40, unitId: 7 }), viewer(role, { tokenId: 41, unitId: 8 }), viewer(role, { tokenId: 40, unitId: null })])
      const scopes: AskerScope[] = [scope, { registeredBy: null, holdingUnitId: 7 }, { registeredBy: 40, holdingUnitId: null }, { registeredBy: null, holdingUnitId: null }]
      const disagreements: string[] = []
      for (const v of viewers) {
        for (const s of scopes) {
          const columns = { registeredBy: sql`cast(${s.registeredBy} as integer)`, holdingUnitId: sql`cast(${s.holdingUnitId} as integer)` }
          const inSql = (await first(db.all<{ full: number | boolean }>(sql`select ${fullAccessSql(v, columns)} as full`)))!.full
          const inTs = askerAccess(v, s, 'record') === 'full'
          if (Boolean(inSql) !== inTs) disagreements.push(`${JSON.stringify(v)} ${JSON.stringify(s)}: SQL ${inSql}, TypeScript ${inTs}`)
        }
      }
      expect(disagreements).toEqual([])
    })
  })
}
