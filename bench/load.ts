// Fills a database with a benchmark library as published entries, the way a migration from an existing
// 12345 knowledge base would, without going through HTTP.
import { eq } from 'drizzle-orm'
import type { Db } from '../src/db/client.ts'
import { entries, entryVersions } from '../src/kb/kb.table.ts'
import { units } from '../src/units/units.table.ts'
import type { LibraryEntry } from './data.ts'

export async function loadLibrary(db: Db, library: LibraryEntry[]): Promise<void> {
  await db.transaction(async (tx) => {
    const [unit] = await tx.insert(units).values([
      { code: 'bench', name: '基准测试单位' },
      { code: 'zwb', name: '区政府办公室' },
    ]).returning()
    const now = new Date().toISOString()
    for (let i = 0; i < library.length; i += 500) {
      const batch = library.slice(i, i + 500)
      const rows = await tx.insert(entries).values(batch.map((e) => ({
        externalId: e.externalId, unitId: unit.id, status: 'published' as const, publishedAt: now,
      }))).returning({ id: entries.id })
      const versions = await tx.insert(entryVersions).values(batch.map((e, j) => ({
        entryId: rows[j].id, version: 1, question: e.question, answer: e.answer || e.question, state: 'published' as const, publishedAt: now,
      }))).returning({ id: entryVersions.id, entryId: entryVersions.entryId })
      for (const v of versions) await tx.update(entries).set({ publishedVersionId: v.id }).where(eq(entries.id, v.entryId))
    }
  })
}
