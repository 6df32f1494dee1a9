// Where the library shows a link, and the last check of each URL.
import { desc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
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
    async sources(): Promise<LinkSource[]> {
      const units = await unitRefs(db)
      return (await shownLinks(db)).map((l) => ({ ...l, unit: l.unitId === null ? null : units.get(l.unitId) ?? null }))
    },

    /** Published entries with the documents their published version rests on, and each document's URL. */
    async entryDocuments() {
      const units = await unitRefs(db)
      return (await publishedEntryDocuments(db)).map((d) => ({ ...d, code: units.get(d.unitId)!.code, name: units.get(d.unitId)!.name }))
    },

    checks: async () => new Map((await db.select().from(linkChecks)).map((c) => [c.url, c])),
    check: (tx: Tx, url: string) => first(tx.select().from(linkChecks).where(eq(linkChecks.url, url))),
    async saveCheck(tx: Tx, values: typeof linkChecks.$inferInsert): Promise<void> {
      await tx.insert(linkChecks).values(values).onConflictDoUpdate({ target: linkChecks.url, set: values })
    },

    insertRun: async (values: typeof linkCheckRuns.$inferInsert) => (await db.insert(linkCheckRuns).values(values).returning())[0],
    updateRun: async (tx: Tx, id: number, set: Partial<typeof linkCheckRuns.$inferInsert>) => (await tx.update(linkCheckRuns).set(set).where(eq(linkCheckRuns.id, id)).returning())[0],
    async countCheck(tx: Tx, id: number, ok: boolean): Promise<void> {
      await tx.update(linkCheckRuns).set({
        checked: sql`${linkCheckRuns.checked} + 1`,
        ok: sql`${linkCheckRuns.ok} + ${ok ? 1 : 0}`,
        broken: sql`${linkCheckRuns.broken} + ${ok ? 0 : 1}`,
      }).where(eq(linkCheckRuns.id, id))
    },
    run: (id: number) => first(db.select().from(linkCheckRuns).where(eq(linkCheckRuns.id, id))),
    runs: async (limit: number) => await db.select().from(linkCheckRuns).orderBy(desc(linkCheckRuns.id)).limit(limit),
    lastRun: () => first(db.select().from(linkCheckRuns).orderBy(desc(linkCheckRuns.id)).limit(1)),
    /** Runs a previous process left running: it died, so they are marked interrupted (their results so far are kept). */
    markInterrupted: async (at: string) => (await db.update(linkCheckRuns).set({ state: 'interrupted', finishedAt: at }).where(eq(linkCheckRuns.state, 'running')).returning({ id: linkCheckRuns.id })).length,
  }
}

export type LinksRepository = ReturnType<typeof createLinksRepository>
