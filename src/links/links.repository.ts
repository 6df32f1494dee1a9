// Where the library shows a link, and the last check of each URL.
import { desc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { publishedEntryDocuments, shownLinks, type LinkSourceType } from '../kb/kb.queries.ts'
import { unitRefs } from '../units/units.queries.ts'
import { linkCheckRuns, linkChecks } from './links.table.ts'

export type SourceType = LinkSourceType
export interface LinkSource { url: string; type: SourceType; id: number; title: string; unit: { code: string; name: string } | null; unitId: number | null; entryId?: number }
export type CheckRow = typeof linkChecks.$inferSelect
export type RunRow = typeof linkCheckRuns.$inferSelect

export function createLinksRepository(db: Db) {
  return {
    /** Every URL the library shows: policy documents, their interpretations, and the media of published entries. */
    sources(): LinkSource[] {
      const units = unitRefs(db)
      return shownLinks(db).map((l) => ({ ...l, unit: l.unitId === null ? null : units.get(l.unitId) ?? null }))
    },

    /** Published entries with the documents their published version rests on, and each document's URL. */
    entryDocuments() {
      const units = unitRefs(db)
      return publishedEntryDocuments(db).map((d) => ({ ...d, code: units.get(d.unitId)!.code, name: units.get(d.unitId)!.name }))
    },

    checks: () => new Map(db.select().from(linkChecks).all().map((c) => [c.url, c])),
    check: (tx: Tx, url: string) => tx.select().from(linkChecks).where(eq(linkChecks.url, url)).get(),
    saveCheck(tx: Tx, values: typeof linkChecks.$inferInsert) {
      tx.insert(linkChecks).values(values).onConflictDoUpdate({ target: linkChecks.url, set: values }).run()
    },

    insertRun: (values: typeof linkCheckRuns.$inferInsert) => db.insert(linkCheckRuns).values(values).returning().get(),
    updateRun: (tx: Tx, id: number, set: Partial<typeof linkCheckRuns.$inferInsert>) => tx.update(linkCheckRuns).set(set).where(eq(linkCheckRuns.id, id)).returning().get()!,
    countCheck(tx: Tx, id: number, ok: boolean) {
      tx.update(linkCheckRuns).set({
        checked: sql`${linkCheckRuns.checked} + 1`,
        ok: sql`${linkCheckRuns.ok} + ${ok ? 1 : 0}`,
        broken: sql`${linkCheckRuns.broken} + ${ok ? 0 : 1}`,
      }).where(eq(linkCheckRuns.id, id)).run()
    },
    run: (id: number) => db.select().from(linkCheckRuns).where(eq(linkCheckRuns.id, id)).get(),
    runs: (limit: number) => db.select().from(linkCheckRuns).orderBy(desc(linkCheckRuns.id)).limit(limit).all(),
    lastRun: () => db.select().from(linkCheckRuns).orderBy(desc(linkCheckRuns.id)).limit(1).get(),
    /** Runs a previous process left running: it died, so they are marked interrupted (their results so far are kept). */
    markInterrupted: (at: string) => db.update(linkCheckRuns).set({ state: 'interrupted', finishedAt: at }).where(eq(linkCheckRuns.state, 'running')).run().changes,
  }
}

export type LinksRepository = ReturnType<typeof createLinksRepository>
