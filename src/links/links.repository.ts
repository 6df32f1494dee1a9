// Where the library shows a link, and the last check of each URL.
import { desc, eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from '../kb/kb.table.ts'
import { units } from '../units/units.table.ts'
import { linkCheckRuns, linkChecks } from './links.table.ts'

export type SourceType = 'policy_document' | 'interpretation' | 'entry_media'
export interface LinkSource { url: string; type: SourceType; id: number; title: string; unit: { code: string; name: string } | null; unitId: number | null; entryId?: number }
export type CheckRow = typeof linkChecks.$inferSelect
export type RunRow = typeof linkCheckRuns.$inferSelect

export function createLinksRepository(db: Db) {
  const unitRef = { code: units.code, name: units.name }
  const ref = (r: { code: string | null; name: string | null }) => (r.code ? { code: r.code, name: r.name! } : null)
  return {
    /** Every URL the library shows: policy documents, their interpretations, and the media of published entries. */
    sources(): LinkSource[] {
      const out: LinkSource[] = []
      for (const d of db.select({ id: policyDocuments.id, title: policyDocuments.title, url: policyDocuments.url, unitId: policyDocuments.unitId, ...unitRef })
        .from(policyDocuments).leftJoin(units, eq(units.id, policyDocuments.unitId)).where(sql`${policyDocuments.url} IS NOT NULL`).all()) {
        out.push({ url: d.url!, type: 'policy_document', id: d.id, title: d.title, unitId: d.unitId, unit: ref(d) })
      }
      for (const i of db.select({ id: interpretations.id, title: interpretations.title, url: interpretations.url, unitId: policyDocuments.unitId, ...unitRef })
        .from(interpretations).innerJoin(policyDocuments, eq(policyDocuments.id, interpretations.policyDocumentId))
        .leftJoin(units, eq(units.id, policyDocuments.unitId)).where(sql`${interpretations.url} IS NOT NULL`).all()) {
        out.push({ url: i.url!, type: 'interpretation', id: i.id, title: i.title, unitId: i.unitId, unit: ref(i) })
      }
      for (const e of db.select({ id: entries.id, unitId: entries.unitId, media: entryVersions.media, question: entryVersions.question, ...unitRef })
        .from(entries).innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId)).innerJoin(units, eq(units.id, entries.unitId))
        .where(eq(entries.status, 'published')).all()) {
        for (const m of e.media ?? []) out.push({ url: m.url, type: 'entry_media', id: e.id, title: `${m.title}（${e.question}）`, unitId: e.unitId, unit: ref(e), entryId: e.id })
      }
      return out
    },

    /** Published entries with the documents their published version rests on, and each document's URL. */
    entryDocuments() {
      return db.select({
        entryId: entries.id, unitId: entries.unitId, question: entryVersions.question, ...unitRef,
        documentId: policyDocuments.id, title: policyDocuments.title, docNumber: policyDocuments.docNumber, url: policyDocuments.url,
      }).from(entries)
        .innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
        .innerJoin(entryVersionDocuments, eq(entryVersionDocuments.entryVersionId, entries.publishedVersionId))
        .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
        .innerJoin(units, eq(units.id, entries.unitId))
        .where(eq(entries.status, 'published')).all()
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
