// The index change log (db/change-log.ts): what each process's search index and caches must learn
// of a change made by another process on the same database.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, json } from '../common/columns.ts'

/** What changed: each kind has its own way of being applied (src/replication.ts). */
export type IndexChangeKind = 'entries' | 'synonyms' | 'dictionary' | 'calendar' | 'units' | 'topics'

/** One row per change that affects matching or deadlines, written in the change's own transaction. */
export const indexChanges = sqliteTable('index_changes', {
  /**
   * 1, 2, 3 … with no gap, in commit order: taken from index_change_counter in the writing
   * transaction (never a sequence), so a process that has applied up to 6 never finds a 5 later.
   */
  version: integer('version').primaryKey(),
  kind: text('kind').$type<IndexChangeKind>().notNull(),
  /** The entries whose served content changed ('entries'); null for the other kinds. */
  entryIds: json<number[]>('entry_ids'),
  /** The process that wrote it: that process applied the change itself after its commit. */
  origin: text('origin').notNull(),
  createdAt: createdAt(),
})

/** One row (id 1): the last version handed out. Its row lock orders the writers by commit. */
export const indexChangeCounter = sqliteTable('index_change_counter', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull(),
})
