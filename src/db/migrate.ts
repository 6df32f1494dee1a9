import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import type { Db } from './client.ts'
import { fromRoot } from '../paths.ts'

export const MIGRATIONS_FOLDER = fromRoot('migrations')

/** Brings the schema up to date. A promise, as on every engine (drizzle's SQLite migrator happens to run synchronously). */
export async function migrateDatabase(db: Db): Promise<void> {
  migrate(db as unknown as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_FOLDER })
}
