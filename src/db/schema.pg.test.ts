// migrations-pg/ on a real PostgreSQL server (test/pg-global-setup.ts): it makes the SQLite
// schema's tables, and the SQLite table objects, which the app uses on both engines, read and
// write the same values there as on SQLite.
import Database from 'better-sqlite3'
import { and, count, eq, inArray, sql } from 'drizzle-orm'
import { drizzle as sqliteDrizzle } from 'drizzle-orm/better-sqlite3'
import { migrate as sqliteMigrate } from 'drizzle-orm/better-sqlite3/migrator'
import { drizzle as pgDrizzle } from 'drizzle-orm/postgres-js'
import { migrate as pgMigrate } from 'drizzle-orm/postgres-js/migrator'
import { getTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { is } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { fromRoot } from '../paths.ts'
import { PG_VALUE_TYPES } from './pg-values.ts'
import * as schema from './schema.ts'

const { calendarYears, consultations, entries, entryVersions, matchLogs, questionHits, synonyms, ticketCounters, topics, units } = schema
const tables = (Object.values(schema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable)).map(getTableConfig)

// The PostgreSQL type each SQLite column kind is meant to become (src/db/pg-tables.ts).
const PG_TYPES: Record<string, string> = { SQLiteInteger: 'integer', SQLiteBoolean: 'boolean', SQLiteReal: 'double precision', SQLiteText: 'text', SQLiteTextJson: 'text' }
const ON_DELETE: Record<string, string> = { a: 'no action', c: 'cascade', r: 'restrict', n: 'set null', d: 'set default' }
// PostgreSQL cuts identifiers to 63 bytes, here and in every later statement that names them.
const pgName = (name: string) => name.slice(0, 63)
const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

describe.skipIf(!pgAvailable)(pgSuiteName('migrations-pg/ on PostgreSQL'), () => {
  let client: postgres.Sql
  let db: ReturnType<typeof pgDrizzle>

  beforeAll(async () => {
    client = postgres(await createTestPgDatabase(), { max: 2, onnotice: () => {}, types: PG_VALUE_TYPES })
    db = pgDrizzle({ client })
    await pgMigrate(db, { migrationsFolder: fromRoot('migrations-pg') })
  })
  afterAll(async () => {
    await client?.end()
  })

  it('makes every table and column of the SQLite schema, with its nullability and type', async () => {
    const rows = await client<{ table_name: string; column_name: string; is_nullable: string; data_type: string }[]>`
      select table_name, column_name, is_nullable, data_type from information_schema.columns where table_schema = 'public'`
    const expected = tables.flatMap((t) => t.columns.map((c: SQLiteColumn) => ({ table: t.name, column: c.name, nullable: !c.notNull, type: PG_TYPES[c.columnType] })))
    expect(expected.length).toBeGreaterThan(300)
    expect(sorted(rows.map((r) => ({ table: r.table_name, column: r.column_name, nullable: r.is_nullable === 'YES', type: r.data_type })))).toEqual(sorted(expected))
  })

  it('makes every index, unique constraint and foreign key of the SQLite schema', async () => {
    const indexes = await client<{ name: string; table: string; unique: boolean; columns: string[] }[]>`
      select i.relname as name, t.relname as table, x.indisunique as unique,
        array(select a.attname from unnest(x.indkey) with ordinality k(attnum, ord)
              join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.ord) as columns
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and not x.indisprimary`
    const expectedIndexes = tables.flatMap((t) => [
      ...t.indexes.map(({ config: i }) => ({ name: i.name, table: t.name, unique: i.unique, columns: i.columns.map((c) => (c as SQLiteColumn).name) })),
      ...t.columns.filter((c) => c.isUnique).map((c) => ({ name: c.uniqueName!, table: t.name, unique: true, columns: [c.name] })),
    ])
    expect(expectedIndexes.length).toBeGreaterThan(50)
    expect(sorted(indexes.map((r) => ({ ...r })))).toEqual(sorted(expectedIndexes))

    const foreignKeys = await client<{ name: string; table: string; foreign_table: string; on_delete: string }[]>`
      select c.conname as name, t.relname as table, f.relname as foreign_table, c.confdeltype as on_delete
      from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class f on f.oid = c.confrelid where c.contype = 'f'`
    const expectedForeignKeys = tables.flatMap((t) => t.foreignKeys.map((fk) => ({
      name: pgName(fk.getName()), table: t.name, foreignTable: getTableConfig(fk.reference().foreignTable).name, onDelete: fk.onDelete ?? 'no action',
    })))
    expect(expectedForeignKeys.length).toBeGreaterThan(20)
    expect(sorted(foreignKeys.map((r) => ({ name: r.name, table: r.table, foreignTable: r.foreign_table, onDelete: ON_DELETE[r.on_delete] })))).toEqual(sorted(expectedForeignKeys))
  })

  it('reads and writes through the SQLite table objects what SQLite reads and writes', async () => {
    const sqlite = sqliteDrizzle({ client: new Database(':memory:') })
    sqliteMigrate(sqlite, { migrationsFolder: fromRoot('migrations') })
    const onSqlite = await exercise(sqlite)
    const onPg = await exercise(db)
    expect(onPg).toEqual(onSqlite)
    // And what both give is what the app expects, so the comparison is not of two wrong answers.
    expect(onPg.consultation).toMatchObject({ answeredAutomatically: true, confidence: 0.8734, kind: 'question' })
    expect(onPg.version).toMatchObject({ similarQuestions: ['社保卡补办', '引号 "quoted"'], media: [{ kind: 'image', url: 'https://example.org/a.png' }] })
    expect(onPg.logs.map((l: typeof matchLogs.$inferSelect) => [l.matched, l.noneFitted])).toEqual([[true, null], [false, true]])
    expect(onPg.joined).toHaveLength(1)
    expect(onPg.inactive).toEqual([{ code: 'old', active: false }])
    expect(onPg.ticketSeqs).toEqual([1, 2, 3])
    expect(onPg.figures).toEqual({ units: 2, rawCount: 2, hits: 3, weight: 0.9 })
  })
})

/**
 * The kinds of statement the repositories use, on either engine, by awaiting the builders (the
 * form the async code path uses): inserts with defaults and RETURNING, JSON and boolean columns,
 * both ON CONFLICT forms, counter rows, joins and filters on booleans, updates, aggregates.
 * `db` is either engine's drizzle database: their types differ, the statements do not.
 */
async function exercise(db: any) {
  const at = '2025-10-09T01:02:03.000Z'
  const [unit] = await db.insert(units).values({ code: 'rsj', name: '人社局', createdAt: at, updatedAt: at }).returning()
  await db.insert(units).values({ code: 'old', name: '旧单位', active: false, createdAt: at, updatedAt: at })
  const [topic] = await db.insert(topics).values({ code: 'sb', name: '社会保障', required: true, defaultUnitId: unit.id, createdAt: at, updatedAt: at }).returning()
  const [entry] = await db.insert(entries).values({ unitId: unit.id, topicId: topic.id, status: 'published', createdAt: at, updatedAt: at }).returning()
  const [version] = await db.insert(entryVersions).values({
    entryId: entry.id, version: 1, question: '社保卡丢了怎么补办？', answer: '携带身份证到窗口办理。',
    similarQuestions: ['社保卡补办', '引号 "quoted"'], media: [{ kind: 'image', url: 'https://example.org/a.png' }], createdAt: at, updatedAt: at,
  }).returning()
  const [consultation] = await db.insert(consultations).values({
    channel: 'phone', question: '社保卡丢了', receivedAt: at, outcome: 'answered', answeredEntryId: entry.id, answeredAutomatically: true, confidence: 0.8734, createdAt: at,
  }).returning()
  await db.insert(matchLogs).values([
    { id: 'm1', question: '社保卡', matched: true, confidence: 0.1 + 0.2, candidates: [{ entryId: entry.id, confidence: 0.5, matchedQuestion: '社保卡补办' }], createdAt: at },
    { id: 'm2', question: '别的', matched: false, confidence: 0, candidates: [], noneFitted: true, createdAt: at },
  ])
  await db.insert(synonyms).values([{ term: '社保', canonical: '社会保险', createdAt: at }, { term: '房本', canonical: '不动产权证书', weight: 0.8, createdAt: at }]).onConflictDoNothing()
  const ignored = await db.insert(synonyms).values({ term: '社保', canonical: '别的', createdAt: at }).onConflictDoNothing().returning()
  const ticketSeqs: number[] = []
  for (let i = 0; i < 3; i++) {
    const [row] = await db.insert(ticketCounters).values({ day: '20251009', seq: 1 })
      .onConflictDoUpdate({ target: ticketCounters.day, set: { seq: sql`${ticketCounters.seq} + 1` } }).returning({ seq: ticketCounters.seq })
    ticketSeqs.push(row.seq)
  }
  for (const lastHitAt of [at, '2025-10-10T00:00:00.000Z']) {
    await db.insert(questionHits).values({ entryId: entry.id, question: '社保卡补办', hits: 1, lastHitAt })
      .onConflictDoUpdate({ target: [questionHits.entryId, questionHits.question], set: { hits: sql`${questionHits.hits} + 1`, lastHitAt } })
  }
  await db.insert(questionHits).values({ entryId: entry.id, question: '社保卡丢了怎么补办？', hits: 1 })
  const holidays = [{ date: '2025-10-01', name: '国庆节' }]
  for (const workdays of [[], [{ date: '2025-09-28', name: '调休' }]]) {
    await db.insert(calendarYears).values({ year: 2025, holidays, workdays, sourceUrl: 'https://www.gov.cn/', updatedAt: at })
      .onConflictDoUpdate({ target: calendarYears.year, set: { workdays } })
  }
  const [renamed] = await db.update(units).set({ name: '人力资源和社会保障局' }).where(eq(units.id, unit.id)).returning({ name: units.name, active: units.active })
  const joined = await db.select({ entryId: entries.id, unit: units.name, unitActive: units.active, topic: topics.name, required: topics.required, keywords: entryVersions.keywords })
    .from(entries).innerJoin(units, eq(units.id, entries.unitId)).leftJoin(topics, eq(topics.id, entries.topicId))
    .innerJoin(entryVersions, eq(entryVersions.entryId, entries.id))
    .where(and(eq(units.active, true), eq(topics.required, true), inArray(entries.status, ['published'])))
  const inactive = await db.select({ code: units.code, active: units.active }).from(units).where(eq(units.active, false))
  const logs = await db.select().from(matchLogs).orderBy(matchLogs.id)
  const [{ n }] = await db.select({ n: count() }).from(units)
  const [{ raw }] = await db.select({ raw: sql<number>`count(*)` }).from(units)
  const [{ hits }] = await db.select({ hits: sql<number>`sum(${questionHits.hits})` }).from(questionHits)
  const [{ weight }] = await db.select({ weight: sql<number>`avg(${synonyms.weight})` }).from(synonyms)
  return {
    unit, topic, entry, version, consultation, ignored, ticketSeqs, renamed, joined, inactive, logs,
    hits: await db.select().from(questionHits).orderBy(questionHits.question),
    calendar: await db.select().from(calendarYears),
    synonyms: await db.select({ term: synonyms.term, canonical: synonyms.canonical, weight: synonyms.weight }).from(synonyms).orderBy(synonyms.id),
    figures: { units: n, rawCount: raw, hits, weight: Math.round(weight * 1e9) / 1e9 },
  }
}
