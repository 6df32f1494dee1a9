import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Db } from './client.ts'
import { fromRoot } from '../paths.ts'

export const MIGRATIONS_FOLDER = fromRoot('migrations')

export function migrateDatabase(db: Db): void {
  migrate(db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_FOLDER })
}
