import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from './kb.table.ts'
import type { Validity } from './kb.types.ts'
import { createKbRepository, type Ref } from './kb.repository.ts'
import { chunks } from '../db/chunks.ts'
import { likeContains } from '../common/like.ts'

const kb = createKbRepository()

export type DocumentRow = typeof policyDocuments.$inferSelect
export type InterpretationRow = typeof interpretations.$inferSelect

export interface DocumentView extends Omit<DocumentRow, 'unitId'> {
  unit: Ref | null
  interpretations: Omit<InterpretationRow, 'policyDocumentId'>[]
  /** Entries, not archived, whose published version rests on this document. */
  entryCount: number
}

function getDocument(tx: Tx, id: number): DocumentRow | undefined {
  return tx.select().from(policyDocuments).where(eq(policyDocuments.id, id)).get()
}

function insertDocument(tx: Tx, values: typeof policyDocuments.$inferInsert): DocumentRow {
  return tx.insert(policyDocuments).values(values).returning().get()
}

function updateDocument(tx: Tx, id: number, set: Partial<typeof policyDocuments.$inferInsert>): DocumentRow | undefined {
  return tx.update(policyDocuments).set(set).where(eq(policyDocuments.id, id)).returning().get()
}

function deleteDocument(tx: Tx, id: number): void {
  tx.delete(policyDocuments).where(eq(policyDocuments.id, id)).run()
}

/** Whether any version of any entry, published or not, cites the document. */
function isCited(tx: Tx, id: number): boolean {
  return tx.select({ n: count() }).from(entryVersionDocuments).where(eq(entryVersionDocuments.policyDocumentId, id)).get()!.n > 0
}

function existingIds(tx: Tx, ids: readonly number[]): Set<number> {
  const out = new Set<number>()
  for (const part of chunks(ids)) for (const r of tx.select({ id: policyDocuments.id }).from(policyDocuments).where(inArray(policyDocuments.id, part)).all()) out.add(r.id)
  return out
}

function insertInterpretation(tx: Tx, values: typeof interpretations.$inferInsert): InterpretationRow {
  return tx.insert(interpretations).values(values).returning().get()
}

function deleteInterpretation(tx: Tx, documentId: number, id: number): boolean {
  return tx.delete(interpretations).where(and(eq(interpretations.id, id), eq(interpretations.policyDocumentId, documentId))).run().changes > 0
}

export interface DocumentFilters { validity?: Validity; unitId?: number; q?: string; page: number; pageSize: number }

function listDocuments(tx: Tx, f: DocumentFilters): { rows: DocumentRow[]; total: number } {
  const where: SQL[] = []
  if (f.validity) where.push(eq(policyDocuments.validity, f.validity))
  if (f.unitId !== undefined) where.push(eq(policyDocuments.unitId, f.unitId))
  if (f.q) {
    const q = f.q.trim()
    where.push(or(likeContains(policyDocuments.title, q), likeContains(policyDocuments.docNumber, q), likeContains(policyDocuments.issuer, q))!)
  }
  const cond = where.length ? and(...where) : undefined
  const rows = tx.select().from(policyDocuments).where(cond)
    .orderBy(desc(policyDocuments.publishedOn), desc(policyDocuments.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize).all()
  const total = tx.select({ n: count() }).from(policyDocuments).where(cond).get()!.n
  return { rows, total }
}

function documentViews(tx: Tx, rows: readonly DocumentRow[]): DocumentView[] {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const interp = tx.select().from(interpretations).where(inArray(interpretations.policyDocumentId, ids)).orderBy(asc(interpretations.id)).all()
  const counts = new Map(tx.select({ id: entryVersionDocuments.policyDocumentId, n: count() }).from(entryVersionDocuments)
    .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
    .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id)))
    .where(and(inArray(entryVersionDocuments.policyDocumentId, ids), sql`${entries.status} <> 'archived'`))
    .groupBy(entryVersionDocuments.policyDocumentId).all().map((r) => [r.id, r.n]))
  const unitMap = kb.unitRefs(tx)
  return rows.map(({ unitId, ...doc }) => ({
    ...doc,
    unit: unitId ? unitMap.get(unitId) ?? null : null,
    interpretations: interp.filter((i) => i.policyDocumentId === doc.id).map(({ policyDocumentId: _, ...i }) => i),
    entryCount: counts.get(doc.id) ?? 0,
  }))
}

/** Policy documents and their interpretations, as functions of the caller's transaction. */
export function createDocumentsRepository() {
  return { getDocument, insertDocument, updateDocument, deleteDocument, isCited, existingIds, insertInterpretation, deleteInterpretation, listDocuments, documentViews }
}

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>
