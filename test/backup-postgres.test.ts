// npm run backup on PostgreSQL: pg_dump into a new file that pg_restore restores, or a clear refusal.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { backupPostgres, BackupUnavailableError, withoutPassword } from '../scripts/backup.ts'
import { closeDatabase } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { openPostgres } from '../src/db/postgres.ts'
import { createUnitsService } from '../src/units/units.service.ts'
import { createTestPgDatabase, pgAvailable, pgSuiteName } from './pg.testkit.ts'

const run = promisify(execFile)
const ROOT = new URL('..', import.meta.url).pathname

describe('backup on PostgreSQL', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'qa-pg-backup-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('keeps the password off the command line', () => {
    expect(withoutPassword('postgres://qa:p%40ss%3Aw0rd@db1:5432,db2:5432/qa?target_session_attrs=read-write'))
      .toEqual({ url: 'postgres://qa@db1:5432,db2:5432/qa?target_session_attrs=read-write', password: 'p@ss:w0rd' })
    expect(withoutPassword('postgres://qa@db1/qa')).toEqual({ url: 'postgres://qa@db1/qa' })
    expect(withoutPassword('postgresql://db1/qa')).toEqual({ url: 'postgresql://db1/qa' })
  })

  it('refuses in Chinese, pointing at pg_dump and the docs, where pg_dump is not installed; writes nothing', async () => {
    const target = join(dir, 'qa.dump')
    const refusal = await backupPostgres('postgres://qa@127.0.0.1:1/qa', target, { pgDump: join(dir, 'no-pg_dump') }).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(BackupUnavailableError)
    expect((refusal as Error).message).toContain('找不到它')
    expect((refusal as Error).message).toContain('pg_basebackup')
    expect((refusal as Error).message).toContain('docs/operations.md')
    expect(readdirSync(dir)).toEqual([])
  })

  it('says so and exits 69 when run as `npm run backup` with DATABASE_URL and no pg_dump on PATH', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/backup.ts'), join(dir, 'qa.dump')], {
      cwd: ROOT, env: { PATH: dir, DATABASE_URL: 'postgres://qa:secret@127.0.0.1:1/qa', HOME: dir },
    }).catch((e: { code: number; stderr: string }) => e)
    expect(failed).toMatchObject({ code: 69 })
    expect((failed as { stderr: string }).stderr).toContain('pg_dump')
    expect((failed as { stderr: string }).stderr).not.toContain('secret')
    expect(existsSync(join(dir, 'qa.dump'))).toBe(false)
  })

  describe.skipIf(!pgAvailable)(pgSuiteName('with pg_dump and a server'), () => {
    it('dumps the live database into a new file that pg_restore restores, and never overwrites a file', async () => {
      const url = await createTestPgDatabase()
      const db = openPostgres(url, { max: 2 })
      await migrateDatabase(db)
      await createUnitsService({ db }).createUnit({ code: 'rsj', name: '区人力社保局', contactPhone: '023-61234567' })
      const result = await backupPostgres(url, join(dir, 'backups', 'qa.dump'))
      expect(result.tables).toBeGreaterThan(30)
      expect(readdirSync(join(dir, 'backups'))).toEqual(['qa.dump'])
      await closeDatabase(db)

      const restored = await createTestPgDatabase()
      await run('pg_restore', ['--no-owner', `--dbname=${restored}`, result.file])
      const sql = postgres(restored, { max: 1, onnotice: () => {} })
      try {
        expect(await sql`select code, contact_phone from units`).toEqual([{ code: 'rsj', contact_phone: '023-61234567' }])
      } finally {
        await sql.end()
      }

      writeFileSync(join(dir, 'exists.dump'), 'keep me')
      await expect(backupPostgres(url, join(dir, 'exists.dump'))).rejects.toThrow('已存在')
    })
  })
})
