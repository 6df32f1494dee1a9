// Migration 0011 (SQLite) / 0004 (PostgreSQL): one 查询码 per ticket. Tickets already in a database
// keep the code their askers hold: a hotline ticket its six digits (for the API; the public pages take
// only the new codes), a ticket asked on the public pages
// the eight-symbol code the page showed, whose hash moves from portal_submissions to the ticket.
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator'
import { afterAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN } from '../../test/app.testkit.ts'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from '../../test/pg.testkit.ts'
import { buildApp, type App } from '../app.ts'
import { testConfig } from '../config.ts'
import { closeDatabase, type Db } from './client.ts'
import { MIGRATIONS_FOLDER, PG_MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts'
import { openConfiguredDatabase } from './open.ts'
import { postgresClientOf } from './postgres.ts'

const PORTAL_CODE = 'K7QM3WXA'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** A copy of a migrations folder that ends before `tag`: the schema as it was before it. */
function foldersBefore(folder: string, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pqa-migrations-'))
  cpSync(folder, dir, { recursive: true })
  const journalFile = join(dir, 'meta', '_journal.json')
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] }
  const at = journal.entries.findIndex((e) => e.tag === tag)
  expect(at).toBeGreaterThan(0)
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))
  return dir
}

/** Two tickets as the earlier schema held them: one told by an agent, one asked on the public pages. */
async function legacyTickets(db: Db) {
  const now = '2026-12-01T02:00:00.000Z'
  const due = '2026-12-08T15:59:59.999Z'
  const statements = [
    sql`insert into "units" ("id", "code", "name", "created_at", "updated_at") values (1, 'rsj', '区人力社保局', ${now}, ${now})`,
    sql`insert into "consultations" ("id", "channel", "question", "received_at", "outcome", "created_at") values
      (1, 'hotline', '灵活就业人员社保补贴怎么申请？', ${now}, 'ticketed', ${now}),
      (2, 'portal', '创业补贴需要哪些材料？', ${now}, 'ticketed', ${now})`,
    sql`insert into "tickets" ("id", "number", "consultation_id", "unit_id", "status", "received_at", "working_days", "due_at", "lookup_code", "created_at", "updated_at") values
      (1, 'ZX20261201-0001', 1, 1, 'assigned', ${now}, 5, ${due}, '288167', ${now}, ${now}),
      (2, 'ZX20261201-0002', 2, 1, 'assigned', ${now}, 5, ${due}, '654321', ${now}, ${now})`,
    sql`insert into "portal_submissions" ("consultation_id", "kind", "nonce_hash", "code_hash", "client_hash", "question_key", "created_at") values
      (2, 'question', ${sha256('nonce')}, ${sha256(PORTAL_CODE)}, ${sha256('client')}, ${sha256('key')}, ${now})`,
  ]
  for (const s of statements) await db.run(s)
}

function suite(databaseUrl: () => Promise<string | undefined>) {
  return () => {
    let app: App
    let db: Db
    let before: string

    afterAll(async () => {
      await app?.close()
      if (db) await closeDatabase(db)
      if (before) rmSync(before, { recursive: true, force: true })
    })

    it('lets the asker of every existing ticket follow and rate it with the code they were told, and only that one', async () => {
      const config = testConfig({ adminToken: ADMIN_TOKEN, databaseUrl: await databaseUrl(), databasePoolSize: 4 })
      db = openConfiguredDatabase(config)
      const client = postgresClientOf(db)
      if (client) {
        before = foldersBefore(PG_MIGRATIONS_FOLDER, '0004_ticket_lookup_code')
        await migratePostgres(drizzle({ client }), { migrationsFolder: before })
      } else {
        before = foldersBefore(MIGRATIONS_FOLDER, '0011_ticket_lookup_code')
        migrateSqlite(db as unknown as Parameters<typeof migrateSqlite>[0], { migrationsFolder: before })
      }
      await legacyTickets(db)
      await migrateDatabase(db)
      app = await buildApp({ config, db, logger: false })
      await app.services.ready()

      const follow = (number: string, code: string) => app.inject({ method: 'POST', url: '/follow', payload: { number, code } })
      const rate = (number: string, lookupCode: string) => app.inject({
        method: 'POST', url: '/api/v1/ratings/by-lookup', headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        payload: { number, lookupCode, rating: 'satisfied' },
      })
      // A hotline ticket's old six digits work behind a token, not on the public pages (a million codes are too few there).
      expect((await follow('ZX20261201-0001', '288167')).json().code).toBe('PORTAL_LOOKUP_FAILED')
      expect((await follow('ZX20261201-0002', 'k7qm-3wxa')).statusCode).toBe(200)
      // The six digits the portal ticket was also given were never shown to its asker.
      expect((await follow('ZX20261201-0002', '654321')).json().code).toBe('PORTAL_LOOKUP_FAILED')
      // Recognised (not yet replied, so nothing to rate), rather than refused as a wrong code.
      expect((await rate('ZX20261201-0001', '288167')).json().code).toBe('RATING_NOT_REPLIED')
      expect((await rate('ZX20261201-0002', 'K7QM-3WXA')).json().code).toBe('RATING_NOT_REPLIED')
      expect((await rate('ZX20261201-0002', '654321')).json().code).toBe('RATING_LOOKUP_FAILED')

      const detail = async (id: number) => (await app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()
      expect((await detail(1)).lookupCode).toBe('288167')
      expect((await detail(2)).lookupCode).toBeNull()
    })
  }
}

describe('existing tickets keep their 查询码 on SQLite', suite(async () => undefined))
describe.skipIf(!pgAvailable)(pgSuiteName('existing tickets keep their 查询码 on PostgreSQL'), suite(createTestPgDatabase))
