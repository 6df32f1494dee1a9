// Online backup of the live database: `npm run backup -- <file>`. Safe while the service runs.
// On SQLite: better-sqlite3's backup API copies pages in steps and restarts a step if a write
// changed it. On PostgreSQL (DATABASE_URL): pg_dump's custom format, a consistent snapshot taken
// in one transaction, checked by listing it with pg_restore. Point-in-time recovery (pg_basebackup
// and WAL archiving) is set up on the database server itself (docs/operations.md).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import Database from 'better-sqlite3'
import { ConfigError, loadConfig } from '../src/config.ts'

export interface BackupResult { file: string; pages: number; bytes: number; integrity: string }

/** Copies `source` into a new file `target` and checks the copy's integrity. */
export async function backupDatabase(source: Database.Database, target: string): Promise<BackupResult> {
  const file = resolve(target)
  if (existsSync(file)) throw new Error(`备份文件已存在，不会覆盖：${file}`)
  await mkdir(dirname(file), { recursive: true })
  const progress = await source.backup(file)
  const copy = new Database(file, { readonly: true })
  try {
    const integrity = String(copy.pragma('quick_check', { simple: true }))
    const pageSize = Number(copy.pragma('page_size', { simple: true }))
    return { file, pages: progress.totalPages, bytes: progress.totalPages * pageSize, integrity }
  } finally {
    copy.close()
  }
}

/** The backup cannot be made here (no pg_dump): a person must act, nothing was written. */
export class BackupUnavailableError extends Error {}

export interface PgBackupResult { file: string; bytes: number; tables: number }

/** `url` without the password in its user part, and the password (for PGPASSWORD, not the command line that `ps` shows). */
export function withoutPassword(url: string): { url: string; password?: string } {
  const m = /^(postgres(?:ql)?:\/\/)([^@/?#]*)@(.*)$/s.exec(url)
  const colon = m ? m[2]!.indexOf(':') : -1
  if (!m || colon < 0) return { url }
  return { url: `${m[1]}${m[2]!.slice(0, colon)}@${m[3]}`, password: decodeURIComponent(m[2]!.slice(colon + 1)) }
}

function run(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((done, fail) => {
    execFile(program, args, { env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return done(stdout)
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fail(new BackupUnavailableError(program))
      fail(new Error(`${program} 失败：${stderr.trim() || err.message}`))
    })
  })
}

/**
 * Dumps the PostgreSQL database at `url` into a new file `target` with pg_dump (custom format,
 * for pg_restore), written under a temporary name and renamed once complete and readable.
 */
export async function backupPostgres(url: string, target: string, { pgDump = 'pg_dump', pgRestore = 'pg_restore', env = process.env }: { pgDump?: string; pgRestore?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PgBackupResult> {
  const file = resolve(target)
  if (existsSync(file)) throw new Error(`备份文件已存在，不会覆盖：${file}`)
  const partial = `${file}.partial`
  const { url: dbname, password } = withoutPassword(url)
  const childEnv = { ...env, ...(password === undefined ? {} : { PGPASSWORD: password }) }
  try {
    await run(pgDump, ['--version'], childEnv)
  } catch (e) {
    if (!(e instanceof BackupUnavailableError)) throw e
    throw new BackupUnavailableError([
      'DATABASE_URL 指向 PostgreSQL，备份要用 PostgreSQL 的 pg_dump，但本机找不到它。',
      '请安装与数据库服务器同版本或更新的客户端（Debian/Ubuntu：apt-get install postgresql-client），再运行本命令；',
      '或在数据库服务器上直接用 pg_dump / pg_basebackup 备份。做法见 docs/operations.md 的“全市部署：PostgreSQL”。',
    ].join('\n'))
  }
  await mkdir(dirname(file), { recursive: true })
  try {
    await run(pgDump, ['--format=custom', `--file=${partial}`, '--no-owner', `--dbname=${dbname}`], childEnv)
    // A dump that pg_restore can list has its table of contents and every table's data entry.
    const listing = await run(pgRestore, ['--list', partial], childEnv)
    const tables = listing.split('\n').filter((line) => / TABLE DATA /.test(line)).length
    if (tables === 0) throw new Error('备份文件中没有任何表的数据，请检查 DATABASE_URL 指向的库')
    await rename(partial, file)
    return { file, bytes: (await stat(file)).size, tables }
  } finally {
    await rm(partial, { force: true })
  }
}

async function main() {
  const target = process.argv[2]
  if (!target || target.startsWith('-')) {
    console.error('用法：npm run backup -- <备份文件路径>')
    process.exit(64)
  }
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) { console.error(e.message); process.exit(78) }
    throw e
  }
  if (config.databaseUrl) {
    try {
      const result = await backupPostgres(config.databaseUrl, target)
      console.log(`已用 pg_dump 备份 PostgreSQL 数据库 → ${result.file}（${result.tables} 张表，${(result.bytes / 1024 / 1024).toFixed(1)} MiB，pg_restore 可读取）。恢复：pg_restore --dbname=<新库> ${result.file}`)
    } catch (e) {
      console.error((e as Error).message)
      process.exitCode = e instanceof BackupUnavailableError ? 69 : 1 // EX_UNAVAILABLE
    }
    return
  }
  if (!existsSync(config.databasePath)) {
    console.error(`数据库文件不存在：${config.databasePath}`)
    process.exit(66) // EX_NOINPUT
  }
  const source = new Database(config.databasePath, { fileMustExist: true })
  source.pragma('busy_timeout = 5000')
  try {
    const result = await backupDatabase(source, target)
    if (result.integrity !== 'ok') {
      console.error(`备份完成但校验失败：${result.integrity}`)
      process.exitCode = 1
      return
    }
    console.log(`已备份 ${config.databasePath} → ${result.file}（${result.pages} 页，${(result.bytes / 1024 / 1024).toFixed(1)} MiB，校验通过）`)
  } catch (e) {
    console.error((e as Error).message)
    process.exitCode = 1
  } finally {
    source.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
