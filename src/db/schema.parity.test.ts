// Both schemas have the same tables, columns and indexes, and each migrations folder holds them.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { getTableColumns, is } from 'drizzle-orm'
import { getTableConfig as pgConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core'
import { getTableConfig as sqliteConfig, SQLiteBaseInteger, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { describe, expect, it } from 'vitest'
import { fromRoot } from '../paths.ts'
import * as sqliteSchema from './schema.ts'
import * as pgModule from './schema.pg.ts'

const { pgSchema, ...pgExports } = pgModule

// What the app sees of a column, in either dialect.
const SQLITE_KINDS: Record<string, string> = { SQLiteInteger: 'integer', SQLiteBoolean: 'boolean', SQLiteReal: 'float', SQLiteText: 'text', SQLiteTextJson: 'json' }
const pgKind = (c: PgColumn) =>
  ({ integer: 'integer', boolean: 'boolean', 'double precision': 'float', text: c.columnType === 'PgCustomColumn' ? 'json' : 'text' })[c.getSQLType()] ?? c.getSQLType()

const describeSqlite = (t: SQLiteTable) => {
  const config = sqliteConfig(t)
  return {
    name: config.name,
    columns: config.columns.map((c: SQLiteColumn) => ({
      name: c.name, kind: SQLITE_KINDS[c.columnType] ?? c.columnType, notNull: c.notNull, primary: c.primary,
      generatedId: is(c, SQLiteBaseInteger) && c.autoIncrement, unique: c.isUnique ? c.uniqueName : null, default: c.default ?? null,
    })),
    indexes: config.indexes.map(({ config: i }) => ({ name: i.name, columns: i.columns.map((c) => (c as SQLiteColumn).name), unique: i.unique })),
    primaryKeys: config.primaryKeys.map((p) => p.columns.map((c) => c.name)),
    foreignKeys: config.foreignKeys.map((fk) => {
      const r = fk.reference()
      return { columns: r.columns.map((c) => c.name), table: sqliteConfig(r.foreignTable).name, foreignColumns: r.foreignColumns.map((c) => c.name), onDelete: fk.onDelete ?? 'no action' }
    }),
  }
}

const describePg = (t: PgTable) => {
  const config = pgConfig(t)
  return {
    name: config.name,
    columns: config.columns.map((c) => ({
      name: c.name, kind: pgKind(c), notNull: c.notNull, primary: c.primary,
      generatedId: c.generatedIdentity !== undefined, unique: c.isUnique ? c.uniqueName : null, default: c.default ?? null,
    })),
    indexes: config.indexes.map(({ config: i }) => ({ name: i.name!, columns: i.columns.map((c) => (c as { name: string }).name), unique: i.unique })),
    primaryKeys: config.primaryKeys.map((p) => p.columns.map((c) => c.name)),
    foreignKeys: config.foreignKeys.map((fk) => {
      const r = fk.reference()
      return { columns: r.columns.map((c) => c.name), table: pgConfig(r.foreignTable).name, foreignColumns: r.foreignColumns.map((c) => c.name), onDelete: fk.onDelete ?? 'no action' }
    }),
  }
}

const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable))
const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name))

describe('the SQLite and PostgreSQL schemas', () => {
  it('collect every table of every *.table.ts file', async () => {
    const src = fromRoot('src')
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.table.ts'))
    const defined = new Set<SQLiteTable>()
    for (const f of files) {
      for (const v of Object.values(await import(join(src, f)))) if (is(v, SQLiteTable)) defined.add(v)
    }
    expect(files.length).toBeGreaterThan(10)
    expect(sqliteTables.map((t) => sqliteConfig(t).name).sort()).toEqual([...defined].map((t) => sqliteConfig(t).name).sort())
  })

  it('have the same tables, columns, indexes and foreign keys', () => {
    const pgTables = Object.values(pgSchema)
    expect(byName(pgTables.map(describePg))).toEqual(byName(sqliteTables.map(describeSqlite)))
    // Indexes and keys are a real part of it: an empty description would compare equal too.
    expect(pgTables.flatMap((t) => pgConfig(t).indexes).length).toBeGreaterThan(50)
    expect(pgTables.flatMap((t) => pgConfig(t).foreignKeys).length).toBeGreaterThan(20)
  })

  it('export every PostgreSQL table by name, as drizzle-kit reads them', () => {
    expect(Object.keys(pgExports).sort()).toEqual(Object.keys(pgSchema).sort())
    for (const [key, table] of Object.entries(pgExports)) expect(table).toBe(pgSchema[key as keyof typeof pgSchema])
  })

  it('keep the same TypeScript keys for every column', () => {
    for (const [key, table] of Object.entries(pgSchema)) {
      expect(Object.keys(getTableColumns(table)), key).toEqual(Object.keys(getTableColumns(sqliteSchema[key as keyof typeof sqliteSchema] as SQLiteTable)))
    }
  })
})

/** The snapshot drizzle-kit wrote with the folder's last migration. */
const lastSnapshot = (folder: string) => {
  const journal = JSON.parse(readFileSync(fromRoot(folder, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] }
  const tag = journal.entries.at(-1)!.tag
  return JSON.parse(readFileSync(fromRoot(folder, 'meta', `${tag.slice(0, 4)}_snapshot.json`), 'utf8'))
}

describe('the migration folders', () => {
  // drizzle-kit's own diff of the tables against the last snapshot: empty unless a table changed
  // and `npm run db:generate` or `npm run db:generate:pg` was not run.
  it('migrations/ holds the tables as they are (npm run db:generate)', async () => {
    const kit = await import('drizzle-kit/api')
    const prev = lastSnapshot('migrations')
    const statements = await kit.generateSQLiteMigration(prev, await kit.generateSQLiteDrizzleJson(sqliteSchema, prev.id))
    expect(statements).toEqual([])
  })

  it('migrations-pg/ holds the tables as they are (npm run db:generate:pg)', async () => {
    const kit = await import('drizzle-kit/api')
    const prev = lastSnapshot('migrations-pg')
    const statements = await kit.generateMigration(prev, kit.generateDrizzleJson(pgExports, prev.id))
    expect(statements).toEqual([])
  })
})
