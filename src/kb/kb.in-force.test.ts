import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseUrl } from '../../test/pg.testkit.ts'
import { closeDatabase, type Db } from '../db/client.ts'
import { migrateDatabase } from '../db/migrate.ts'
import { openConfiguredDatabase } from '../db/open.ts'
import { first } from '../db/query.ts'
import { createUnitsService } from '../units/units.service.ts'
import { inForceSql, inForceSqlText, isInForce, primaryDocument } from './kb.in-force.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments } from './kb.table.ts'
import type { Validity } from './kb.types.ts'

describe('isInForce', () => {
  it('holds for an entry that rests on no document', () => expect(isInForce([])).toBe(true))
  it('holds while at least one document is in force', () => expect(isInForce(['expired', 'in_force'])).toBe(true))
  it('fails when every document is expired or repealed', () => expect(isInForce(['expired', 'repealed'])).toBe(false))
})

describe('primaryDocument', () => {
  it('prefers a document in force over an earlier expired one', () => {
    expect(primaryDocument([{ id: 1, validity: 'expired' as const }, { id: 2, validity: 'in_force' as const }])?.id).toBe(2)
  })
  it('falls back to the first document, and to null without any', () => {
    expect(primaryDocument([{ id: 1, validity: 'repealed' as const }])?.id).toBe(1)
    expect(primaryDocument([])).toBeNull()
  })
})

describe('the SQL twins of the in-force rule', () => {
  // In memory on SQLite; with DB_DIALECT=pg, a database of the test cluster.
  let db: Db
  beforeAll(async () => {
    db = openConfiguredDatabase({ databaseUrl: await testDatabaseUrl(), databasePath: ':memory:', databasePoolSize: 2 })
    await migrateDatabase(db)
  })
  afterAll(async () => { await closeDatabase(db) })

  // Every mix of up to three documents, in every validity, and none at all.
  const VALIDITIES: Validity[] = ['in_force', 'expired', 'repealed']
  const mixes: Validity[][] = [[]]
  for (const a of VALIDITIES) {
    mixes.push([a])
    for (const b of VALIDITIES) {
      mixes.push([a, b])
      for (const c of VALIDITIES) mixes.push([a, b, c])
    }
  }

  it('agree with isInForce for every mix of documents', async () => {
    const unitId = (await createUnitsService({ db }).createUnit({ code: 'u', name: '单位' })).id
    const disagreements: string[] = []
    for (const [i, mix] of mixes.entries()) {
      const [entry] = await db.insert(entries).values({ unitId }).returning()
      const [version] = await db.insert(entryVersions).values({ entryId: entry.id, version: 1, question: `问题${i}`, answer: '答复' }).returning()
      for (const [j, validity] of mix.entries()) {
        const [doc] = await db.insert(policyDocuments).values({ title: `文件${i}-${j}`, issuer: '区政府', validity }).returning()
        await db.insert(entryVersionDocuments).values({ entryVersionId: version.id, policyDocumentId: doc.id })
      }
      const drizzle = Boolean((await first(db.all<{ f: number }>(sql`select ${inForceSql(sql`${version.id}`)} as f`)))!.f)
      // The text form takes an SQL expression of the version's id: here the id itself.
      const text = Boolean((await first(db.all<{ f: number }>(sql`select ${sql.raw(inForceSqlText(String(version.id)))} as f`)))!.f)
      const ts = isInForce(mix)
      if (drizzle !== ts || text !== ts) disagreements.push(`${JSON.stringify(mix)}: TypeScript ${ts}, drizzle ${drizzle}, text ${text}`)
    }
    expect(disagreements).toEqual([])
  })
})
