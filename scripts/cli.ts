// What the administration commands (npm run token, npm run account) share: the configuration and a
// migrated database for the length of one command, and domain errors printed in Chinese.
import { ConfigError, loadConfig, type Config } from '../src/config.ts'
import { closeDatabase, type Db } from '../src/db/client.ts'
import { openConfiguredDatabase } from '../src/db/open.ts'
import { migrateDatabase } from '../src/db/migrate.ts'

/** Runs `command` on the configured database and sets the exit code it returns; 78 for a bad configuration. */
export async function withDatabase(command: (ctx: { config: Config; db: Db }) => number | Promise<number>): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) { console.error(e.message); process.exit(78) }
    throw e
  }
  const db = openConfiguredDatabase(config)
  try {
    await migrateDatabase(db)
    process.exitCode = await command({ config, db })
  } finally {
    await closeDatabase(db)
  }
}

/** A domain error (unknown unit, bad review step, unknown token …) carries a stable code and a Chinese message: exit 1. */
export function domainErrorExit(e: unknown, err: (line: string) => void): number {
  const code = (e as { code?: string }).code
  if (code && !code.startsWith('SQLITE')) { err(`${code}：${(e as Error).message}`); return 1 }
  throw e
}
