import type { Config } from '../config.ts'
import { openDatabase, type Db } from './client.ts'
import { openPostgres } from './postgres.ts'

/** The configured database: PostgreSQL when DATABASE_URL is set, the SQLite file at DATABASE_PATH otherwise. */
export function openConfiguredDatabase(config: Pick<Config, 'databaseUrl' | 'databasePath' | 'databasePoolSize'>): Db {
  return config.databaseUrl ? openPostgres(config.databaseUrl, { max: config.databasePoolSize }) : openDatabase(config.databasePath)
}

/** Which engine a database runs on. */
export { engineOf } from './postgres.ts'
