import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { ROLES } from '../auth/auth.types.ts'
import type { Viewer } from '../auth/visibility.ts'
import { closeDatabase, openDatabase, type Db } from '../db/client.ts'
import { openPostgres } from '../db/postgres.ts'
import { first } from '../db/query.ts'
import { entryReading, type ReadableEntry } from './kb.reading.ts'
import type { VersionState } from './kb.table.ts'
import type { EntryStatus } from './kb.types.ts'

const viewer = (role: Viewer['role'], extra: Partial<Viewer> = {}): Viewer => ({ role, tokenId: 1, unitId: null, ...extra })

// Entries of units 7 and 8 in each status, with the states their latest version can have there: a
// published entry's latest version is published, or a new one being written or reviewed.
const SHAPES: [EntryStatus, VersionState][] = [
  ['draft', 'draft'], ['draft', 'returned'], ['draft', 'withdrawn'], ['in_review', 'in_review'],
  ['published', 'published'], ['published', 'draft'], ['published', 'in_review'], ['published', 'returned'],
  ['archived', 'published'], ['archived', 'draft'],
]
const ENTRIES: ReadableEntry[] = [7, 8].flatMap((unitId) => SHAPES.map(([status, latestState]) => ({ unitId, status, latestState })))
const VIEWERS: Viewer[] = ROLES.flatMap((role) => [viewer(role, { unitId: 7 }), viewer(role, { unitId: 8 }), viewer(role)])

const label = (e: ReadableEntry) => `${e.unitId}:${e.status}/${e.latestState}`
const seen = (v: Viewer) => ENTRIES.filter((e) => entryReading(v).sees(e)).map(label)
const whole = (v: Viewer) => ENTRIES.filter((e) => entryReading(v).whole(e)).map(label)
const published = ENTRIES.filter((e) => e.status === 'published').map(label)

describe('who reads which entries of the library', () => {
  it('shows the office every entry whole', () => {
    expect(whole(viewer('admin'))).toHaveLength(ENTRIES.length)
  })

  it('shows a unit its own entries whole and other units\' only as published', () => {
    const unit = viewer('unit', { unitId: 7 })
    expect(whole(unit)).toEqual(ENTRIES.filter((e) => e.unitId === 7).map(label))
    expect(seen(unit)).toEqual([...ENTRIES.filter((e) => e.unitId === 7).map(label), ...published.filter((l) => l.startsWith('8:'))])
    expect(whole(viewer('unit'))).toEqual([])
    expect(seen(viewer('unit'))).toEqual(published)
  })

  it('shows agents and integrations only what is published, never whole', () => {
    for (const role of ['agent', 'integration'] as const) {
      expect(seen(viewer(role, { unitId: 7 }))).toEqual(published)
      expect(whole(viewer(role, { unitId: 7 }))).toEqual([])
    }
  })

  it('shows a reviewer what is published, and whole what waits in review', () => {
    const reviewer = viewer('reviewer', { unitId: 7 })
    expect(whole(reviewer)).toEqual(['7:in_review/in_review', '7:published/in_review', '8:in_review/in_review', '8:published/in_review'])
    expect(seen(reviewer).sort()).toEqual([...new Set([...published, ...whole(reviewer)])].sort())
  })

  it('never shows another unit\'s draft, archived entry or version being written to a unit or an agent', () => {
    for (const v of [viewer('unit', { unitId: 8 }), viewer('agent')]) {
      expect(seen(v).filter((l) => l.startsWith('7:') && !l.startsWith('7:published'))).toEqual([])
      expect(whole(v).filter((l) => l.startsWith('7:'))).toEqual([])
    }
  })
})

const engines: { name: string; skip: boolean; open: () => Promise<Db> }[] = [
  { name: 'SQLite', skip: false, open: async () => openDatabase(':memory:') },
  { name: pgSuiteName('PostgreSQL'), skip: !pgAvailable, open: async () => openPostgres(await createTestPgDatabase(), { max: 1 }) },
]

for (const engine of engines) {
  describe.skipIf(engine.skip)(`the SQL twin of the reading rule, used by lists and exports, on ${engine.name}`, () => {
    let db: Db
    beforeAll(async () => { db = await engine.open() })
    afterAll(async () => { await closeDatabase(db) })

    const inSql = async (where: ReturnType<ReturnType<typeof entryReading>['where']>) =>
      where === undefined ? true : Boolean((await first(db.all<{ seen: number | boolean }>(sql`select coalesce(${where}, false) as seen`)))!.seen)

    it('agrees with sees() and whole() for every role and every entry', async () => {
      const disagreements: string[] = []
      for (const v of VIEWERS) {
        const reading = entryReading(v)
        for (const e of ENTRIES) {
          const cols = { unitId: sql`cast(${e.unitId} as integer)`, status: sql`cast(${e.status} as text)`, latestState: sql`cast(${e.latestState} as text)` }
          const sees = await inSql(reading.where(cols))
          const isWhole = await inSql(reading.wholeWhere(cols))
          if (sees !== reading.sees(e)) disagreements.push(`sees ${JSON.stringify(v)} ${label(e)}: SQL ${sees}`)
          if (isWhole !== reading.whole(e)) disagreements.push(`whole ${JSON.stringify(v)} ${label(e)}: SQL ${isWhole}`)
        }
      }
      expect(disagreements).toEqual([])
    })
  })
}
