import { and, asc, count, desc, eq, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from './kb.table.ts'
import type { Validity } from './kb.types.ts'
import { createKbRepository, type Ref } from './kb.repository.ts'
import { chunks } from '../db/chunks.ts'
import { first } from '../db/query.ts'
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

async function getDocument(tx: Tx, id: number): Promise<DocumentRow | undefined> {
  return first(tx.select().from(policyDocuments).where(eq(policyDocuments.id, id)))
}

async function insertDocument(tx: Tx, values: typeof policyDocuments.$inferInsert): Promise<DocumentRow> {
  return (await tx.insert(policyDocuments).values(values).returning())[0]
}

async function updateDocument(tx: Tx, id: number, set: Partial<typeof policyDocuments.$inferInsert>): Promise<DocumentRow | undefined> {
  return first(tx.update(policyDocuments).set(set).where(eq(policyDocuments.id, id)).returning())
}

/** Documents still 现行有效 whose 失效日期 is before `today` (a Beijing date). */
async function lapsedInForce(tx: Tx, today: string): Promise<DocumentRow[]> {
  return tx.select().from(policyDocuments)
    .where(and(eq(policyDocuments.validity, 'in_force' satisfies Validity), isNotNull(policyDocuments.expiresOn), lt(policyDocuments.expiresOn, today)))
    .orderBy(asc(policyDocuments.id))
}

/**
 * Marks a document 失效 while it is still 现行有效 with its 失效日期 before `today` (the conditions are
 * checked again here, so a concurrent edit that extended the date or changed the validity wins); whether it did.
 */
async function expireInForce(tx: Tx, id: number, today: string, at: string): Promise<boolean> {
  return (await tx.update(policyDocuments).set({ validity: 'expired', validityChangedAt: at, updatedAt: at })
    .where(and(eq(policyDocuments.id, id), eq(policyDocuments.validity, 'in_force'), isNotNull(policyDocuments.expiresOn), lt(policyDocuments.expiresOn, today)))
    .returning({ id: policyDocuments.id })).length > 0
}

async function deleteDocument(tx: Tx, id: number): Promise<void> {
  await tx.delete(policyDocuments).where(eq(policyDocuments.id, id))
}

/** Whether any version of any entry, published or not, cites the document. */
async function isCited(tx: Tx, id: number): Promise<boolean> {
  return (await first(tx.select({ n: count() }).from(entryVersionDocuments).where(eq(entryVersionDocuments.policyDocumentId, id))))!.n > 0
}

async function existingIds(tx: Tx, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>()
  for (const part of chunks(ids)) for (const r of await tx.select({ id: policyDocuments.id }).from(policyDocuments).where(inArray(policyDocuments.id, part))) out.add(r.id)
  return out
}

async function insertInterpretation(tx: Tx, values: typeof interpretations.$inferInsert): Promise<InterpretationRow> {
  return (await tx.insert(interpretations).values(values).returning())[0]
}

async function deleteInterpretation(tx: Tx, documentId: number, id: number): Promise<boolean> {
  return (await tx.delete(interpretations).where(and(eq(interpretations.id, id), eq(interpretations.policyDocumentId, documentId))).returning({ id: interpretations.id })).length > 0
}

export interface DocumentFilters { validity?: Validity; unitId?: number; q?: string; page: number; pageSize: number }

async function listDocuments(tx: Tx, f: DocumentFilters): Promise<{ rows: DocumentRow[]; total: number }> {
  const where: SQL[] = []
  if (f.validity) where.push(eq(policyDocuments.validity, f.validity))
  if (f.unitId !== undefined) where.push(eq(policyDocuments.unitId, f.unitId))
  if (f.q) {
    const q = f.q.trim()
    where.push(or(likeContains(policyDocuments.title, q), likeContains(policyDocuments.docNumber, q), likeContains(policyDocuments.issuer, q))!)
  }
  const cond = where.length ? and(...where) : undefined
  const rows = await tx.select().from(policyDocuments).where(cond)
    .orderBy(desc(policyDocuments.publishedOn), desc(policyDocuments.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
  const total = (await first(tx.select({ n: count() }).from(policyDocuments).where(cond)))!.n
  return { rows, total }
}

async function documentViews(tx: Tx, rows: readonly DocumentRow[]): Promise<DocumentView[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const interp = await tx.select().from(interpretations).where(inArray(interpretations.policyDocumentId, ids)).orderBy(asc(interpretations.id))
  const counts = new Map((await tx.select({ id: entryVersionDocuments.policyDocumentId, n: count() }).from(entryVersionDocuments)
    .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
    .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id)))
    .where(and(inArray(entryVersionDocuments.policyDocumentId, ids), sql`${entries.status} <> 'archived'`))
    .groupBy(entryVersionDocuments.policyDocumentId)).map((r) => [r.id, r.n]))
  const unitMap = await kb.unitRefs(tx)
  return rows.map(({ unitId, ...doc }) => ({
    ...doc,
    unit: unitId ? unitMap.get(unitId) ?? null : null,
    interpretations: interp.filter((i) => i.policyDocumentId === doc.id).map(({ policyDocumentId: _, ...i }) => i),
    entryCount: counts.get(doc.id) ?? 0,
  }))
}

/** Policy documents and their interpretations, as functions of the caller's transaction. */
export function createDocumentsRepository() {
  return { getDocument, insertDocument, updateDocument, lapsedInForce, expireInForce, deleteDocument, isCited, existingIds, insertInterpretation, deleteInterpretation, listDocuments, documentViews }
}

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>
