// Fills a database with a benchmark library as published entries, the way a migration from an existing
// 12345 knowledge base would, without going through HTTP.
import { eq } from 'drizzle-orm'
import type { Db } from '../src/db/client.ts'
import { entries, entryVersions } from '../src/kb/kb.table.ts'
import { units } from '../src/units/units.table.ts'
import type { LibraryEntry } from './data.ts'

export function loadLibrary(db: Db, library: LibraryEntry[]): void {
  db.transaction((tx) => {
    const unit = tx.insert(units).values([
      { code: 'bench', name: '基准测试单位' },
      { code: 'zwb', name: '区政府办公室' },
    ]).returning().all()[0]
    const now = new Date().toISOString()
    for (let i = 0; i < library.length; i += 500) {
      const batch = library.slice(i, i + 500)
      const rows = tx.insert(entries).values(batch.map((e) => ({
        externalId: e.externalId, unitId: unit.id, status: 'published' as const, publishedAt: now,
      }))).returning({ id: entries.id }).all()
      const versions = tx.insert(entryVersions).values(batch.map((e, j) => ({
        entryId: rows[j].id, version: 1, question: e.question, answer: e.answer || e.question, state: 'published' as const, publishedAt: now,
      }))).returning({ id: entryVersions.id, entryId: entryVersions.entryId }).all()
      for (const v of versions) tx.update(entries).set({ publishedVersionId: v.id }).where(eq(entries.id, v.entryId)).run()
    }
  })
}
