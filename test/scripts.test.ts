import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { createAuthService } from '../src/auth/auth.service.ts'
import { createAuditService } from '../src/audit/audit.service.ts'
import { createUnitsService } from '../src/units/units.service.ts'
import { runTokenCommand } from '../scripts/token.ts'
import { runAccountCommand } from '../scripts/account.ts'
import { createAccountsService } from '../src/auth/accounts.service.ts'
import { backupDatabase } from '../scripts/backup.ts'

const run = promisify(execFile)
const ROOT = new URL('..', import.meta.url).pathname

describe('account command line', () => {
  it('creates an account and resets its password; the printed passwords sign in and the old one stops', async () => {
    const db = openDatabase(':memory:')
    await migrateDatabase(db)
    await createUnitsService({ db }).createUnit({ code: 'rsj', name: '区人力社保局' })
    const audit = createAuditService({ db })
    const auth = createAuthService({ db, reviewSteps: ['初审'] })
    const accounts = createAccountsService({ db, auth, audit, reviewSteps: ['初审'] })
    const lines: string[] = []
    const deps = { accounts, audit, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
    expect(await runAccountCommand(['create', '--username', 'wangli', '--name', '王丽', '--role', 'unit', '--unit', 'rsj'], deps)).toBe(0)
    const first = lines.at(-1)!
    expect((await accounts.signIn('wangli', first)).account.unit?.code).toBe('rsj')
    expect(await runAccountCommand(['reset-password', 'WangLi'], deps)).toBe(0)
    const second = lines.at(-1)!
    await expect(accounts.signIn('wangli', first)).rejects.toMatchObject({ code: 'AUTH_SIGN_IN_FAILED' })
    expect((await accounts.signIn('wangli', second)).account.username).toBe('wangli')
    expect(await runAccountCommand(['reset-password', 'nobody'], deps)).toBe(1)
    db.$client.close()
  })
})

describe('token command line', () => {
  let db: Db
  let lines: string[]
  let errors: string[]
  let deps: Parameters<typeof runTokenCommand>[1]
  beforeEach(async () => {
    db = openDatabase(':memory:')
    await migrateDatabase(db)
    await createUnitsService({ db }).createUnit({ code: 'rsj', name: '区人力社保局' })
    lines = []
    errors = []
    deps = { auth: createAuthService({ db, reviewSteps: ['初审', '复审', '终审'] }), audit: createAuditService({ db }), out: (l) => lines.push(l), err: (l) => errors.push(l) }
  })
  afterEach(() => db.$client.close())

  it('creates a unit token whose secret works once printed, lists it and revokes it, all audited', async () => {
    expect(await runTokenCommand(['create', '--role', 'unit', '--unit', 'rsj', '--name', '人社局政策解读专员'], deps)).toBe(0)
    const secret = lines.at(-1)!
    expect(secret).toMatch(/^pqa_/)
    const actor = await deps.auth.authenticate(secret)
    expect(actor).toMatchObject({ role: 'unit', name: '人社局政策解读专员' })
    lines.length = 0
    expect(await runTokenCommand(['list'], deps)).toBe(0)
    expect(lines.join('\n')).toContain('单位=rsj')
    expect(lines.join('\n')).not.toContain(secret)
    expect(await runTokenCommand(['revoke', String(actor.tokenId)], deps)).toBe(0)
    await expect(deps.auth.authenticate(secret)).rejects.toThrow()
    // The audit log as its service lists it, oldest first.
    const rows = (await createAuditService({ db }).list({ page: 1, pageSize: 100 })).items.reverse().map((r) => [r.action, r.actor?.tokenId ?? null, r.targetIds, r.details])
    expect(rows).toEqual([
      ['createToken', null, [actor.tokenId], { via: 'cli', role: 'unit' }],
      ['revokeToken', null, [actor.tokenId], { via: 'cli' }],
    ])
  })

  it('creates a reviewer token for a review step', async () => {
    expect(await runTokenCommand(['create', '--role', 'reviewer', '--review-step', '1'], deps)).toBe(0)
    expect(await deps.auth.authenticate(lines.at(-1)!)).toMatchObject({ role: 'reviewer', reviewStep: 1 })
  })

  it.each([
    [['create', '--role', 'boss'], 64, '--role'],
    [['create', '--role', 'unit'], 1, 'TOKEN_UNIT_REQUIRED'],
    [['create', '--role', 'unit', '--unit', 'nope'], 1, 'UNIT_NOT_FOUND'],
    [['revoke', '999'], 1, 'TOKEN_NOT_FOUND'],
    [['revoke'], 64, '令牌编号'],
    [['frobnicate'], 64, '用法'],
    [['create', '--colour', 'red'], 64, '用法'],
  ])('refuses %j with exit code %i', async (argv, code, message) => {
    expect(await runTokenCommand(argv, deps)).toBe(code)
    expect(errors.join('\n')).toContain(message)
  })
})

describe('backup', () => {
  let dir: string
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'qa-backup-')) })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('copies a live database while it is written to, and the copy restores into a working database', async () => {
    const db = openDatabase(join(dir, 'live.sqlite'))
    await migrateDatabase(db)
    const unitsService = createUnitsService({ db })
    for (let i = 0; i < 50; i++) await unitsService.createUnit({ code: `u${i}`, name: `单位${i}` })
    // #17: SQLite-only, the backup copies the SQLite file (scripts/backup.ts).
    const backup = backupDatabase(db.$client, join(dir, 'backups', 'copy.sqlite'))
    await unitsService.createUnit({ code: 'during', name: '备份期间写入' })
    const result = await backup
    expect(result.integrity).toBe('ok')
    db.$client.close()

    // Restore: with the service stopped, the backup file becomes the database file.
    const restoredPath = join(dir, 'restored.sqlite')
    copyFileSync(result.file, restoredPath)
    const restored = openDatabase(restoredPath)
    await migrateDatabase(restored)
    expect((await createUnitsService({ db: restored }).listUnits({ page: 1, pageSize: 1 })).total).toBeGreaterThanOrEqual(50)
    // #17: SQLite-only, the restored file is in WAL mode.
    expect(String(restored.$client.pragma('journal_mode', { simple: true }))).toBe('wal')
    restored.$client.close()
  })

  it('never overwrites an existing file', async () => {
    const db = openDatabase(':memory:')
    writeFileSync(join(dir, 'exists.sqlite'), 'keep me')
    await expect(backupDatabase(db.$client, join(dir, 'exists.sqlite'))).rejects.toThrow('已存在')
    db.$client.close()
  })

  it('runs as `npm run backup -- <file>` against DATABASE_PATH', async () => {
    const live = join(dir, 'cli.sqlite')
    const db = openDatabase(live)
    await migrateDatabase(db)
    await createUnitsService({ db }).createUnit({ code: 'rsj', name: '区人力社保局' })
    db.$client.close()
    const target = join(dir, 'cli-backup.sqlite')
    const backup = await run('node', ['--import', 'tsx', 'scripts/backup.ts', target], { cwd: ROOT, env: { ...process.env, DATABASE_PATH: live } })
    expect(backup.stdout).toContain('校验通过')
    const copy = openDatabase(target)
    expect((await createUnitsService({ db: copy }).listUnits({ page: 1, pageSize: 10 })).items).toMatchObject([{ code: 'rsj' }])
    copy.$client.close()
  })
})
