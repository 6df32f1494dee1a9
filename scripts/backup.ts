// Online backup of the live database: `npm run backup -- <file>`. Safe while the service runs:
// better-sqlite3's backup API copies pages in steps and restarts a step if a write changed it.
// #17: SQLite-only, a copy of the database file (PostgreSQL is backed up with its own tools, pg_dump).
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
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
