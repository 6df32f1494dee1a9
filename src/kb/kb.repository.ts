import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { chunks } from '../db/chunks.ts'
import { first } from '../db/query.ts'
import { forUpdate } from '../db/dialect.ts'
import { likeContains } from '../common/like.ts'
import { tokensView } from '../auth/auth.queries.ts'
// Units and topics belong to the units module: their names come through its queries.
import { topicRefs, unitRefs } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments, reviewActions } from './kb.table.ts'
import type { EntryStatus, Validity } from './kb.types.ts'
import { inForceSql, isInForce } from './kb.in-force.ts'
import type { EntryReading, ReadableColumns } from './kb.reading.ts'

export type EntryRow = typeof entries.$inferSelect
export type VersionRow = typeof entryVersions.$inferSelect
export interface DocRef { id: number; title: string; docNumber: string | null; issuer: string; url: string | null; validity: Validity }
export interface Ref { code: string; name: string }


/** The version an entry shows: the published one, or the latest while nothing is published. */
export const contentVersionId = sql<number>`coalesce(${entries.publishedVersionId}, (select lv.id from entry_versions lv where lv.entry_id = ${entries.id} and lv.version = ${entries.latestVersion}))`

/** The columns the reading rule (kb.reading.ts) looks at, over `entries`. */
export const readableColumns: ReadableColumns = {
  unitId: entries.unitId,
  status: entries.status,
  latestState: sql`(select lv.state from entry_versions lv where lv.entry_id = ${entries.id} and lv.version = ${entries.latestVersion})`,
}

async function getEntry(tx: Tx, id: number): Promise<EntryRow | undefined> {
  return first(tx.select().from(entries).where(eq(entries.id, id)))
}

/**
 * Locks the entry's row for the rest of the transaction (on PostgreSQL; SQLite has one writer): a
 * second review move on the same entry, on another replica, waits and then sees this one's outcome.
 */
async function lockEntry(tx: Tx, id: number): Promise<void> {
  await tx.all(sql`select ${entries.id} from ${entries} where ${entries.id} = ${id}${forUpdate(tx)}`)
}

async function getVersion(tx: Tx, entryId: number, version: number): Promise<VersionRow | undefined> {
  return first(tx.select().from(entryVersions).where(and(eq(entryVersions.entryId, entryId), eq(entryVersions.version, version))))
}

async function getVersionById(tx: Tx, id: number): Promise<VersionRow | undefined> {
  return first(tx.select().from(entryVersions).where(eq(entryVersions.id, id)))
}

async function docIdsOf(tx: Tx, versionId: number): Promise<number[]> {
  return (await tx.select({ id: entryVersionDocuments.policyDocumentId }).from(entryVersionDocuments)
    .where(eq(entryVersionDocuments.entryVersionId, versionId)).orderBy(asc(entryVersionDocuments.policyDocumentId))).map((r) => r.id)
}

async function setDocIds(tx: Tx, versionId: number, ids: readonly number[]): Promise<void> {
  await tx.delete(entryVersionDocuments).where(eq(entryVersionDocuments.entryVersionId, versionId))
  if (ids.length) await tx.insert(entryVersionDocuments).values(ids.map((policyDocumentId) => ({ entryVersionId: versionId, policyDocumentId })))
}

async function validitiesOf(tx: Tx, docIds: readonly number[]): Promise<Map<number, Validity>> {
  const out = new Map<number, Validity>()
  for (const part of chunks(docIds)) {
    for (const r of await tx.select({ id: policyDocuments.id, validity: policyDocuments.validity }).from(policyDocuments).where(inArray(policyDocuments.id, part))) out.set(r.id, r.validity)
  }
  return out
}

async function versionInForce(tx: Tx, versionId: number): Promise<boolean> {
  const ids = await docIdsOf(tx, versionId)
  return isInForce([...(await validitiesOf(tx, ids)).values()])
}

async function entryByExternalId(tx: Tx, externalId: string) {
  return first(tx.select({ id: entries.id }).from(entries).where(eq(entries.externalId, externalId)))
}

async function addAction(tx: Tx, row: typeof reviewActions.$inferInsert): Promise<void> {
  await tx.insert(reviewActions).values(row)
}

/** Linked documents of many versions at once; all links when `versionIds` is undefined. */
async function docsOfVersions(tx: Tx, versionIds?: readonly number[]): Promise<Map<number, DocRef[]>> {
  const out = new Map<number, DocRef[]>()
  const select = () => tx.select({
    versionId: entryVersionDocuments.entryVersionId,
    id: policyDocuments.id, title: policyDocuments.title, docNumber: policyDocuments.docNumber,
    issuer: policyDocuments.issuer, url: policyDocuments.url, validity: policyDocuments.validity,
  }).from(entryVersionDocuments).innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
  let rows: Awaited<ReturnType<typeof select>>
  if (versionIds === undefined) rows = await select().orderBy(asc(entryVersionDocuments.policyDocumentId))
  else {
    rows = []
    for (const part of chunks(versionIds)) rows.push(...await select().where(inArray(entryVersionDocuments.entryVersionId, part)).orderBy(asc(entryVersionDocuments.policyDocumentId)))
  }
  for (const { versionId, ...doc } of rows) {
    const list = out.get(versionId)
    if (list) list.push(doc)
    else out.set(versionId, [doc])
  }
  return out
}

/** The published and the latest version of each entry, keyed by entry id. */
async function versionsForViews(tx: Tx, entryIds: readonly number[]) {
  const out = new Map<number, { published?: VersionRow; latest?: VersionRow }>()
  for (const part of chunks(entryIds)) {
    const rows = await tx.select({ v: entryVersions, publishedId: entries.publishedVersionId, latest: entries.latestVersion })
      .from(entryVersions).innerJoin(entries, eq(entries.id, entryVersions.entryId))
      .where(and(inArray(entries.id, part), or(eq(entryVersions.id, sql`${entries.publishedVersionId}`), eq(entryVersions.version, sql`${entries.latestVersion}`))))
    for (const { v, publishedId, latest } of rows) {
      const slot = out.get(v.entryId) ?? {}
      if (v.id === publishedId) slot.published = v
      if (v.version === latest) slot.latest = v
      out.set(v.entryId, slot)
    }
  }
  return out
}

export interface EntryFilters {
  status?: EntryStatus; unitId?: number; topicId?: number; q?: string; inForce?: boolean; externalId?: string
  /** What the reader may see (kb.reading.ts): only those entries are listed. */
  readBy: EntryReading
  page: number; pageSize: number
}

/** One page of entry ids, newest change first; filters apply to the content an entry shows. */
async function listEntryIds(tx: Tx, f: EntryFilters): Promise<{ ids: number[]; total: number }> {
  // The version shown (contentVersionId), joined as the table itself: drizzle's PostgreSQL dialect
  // cannot join a SQLite alias().
  const where: SQL[] = []
  if (f.status) where.push(eq(entries.status, f.status))
  if (f.unitId !== undefined) where.push(eq(entries.unitId, f.unitId))
  if (f.topicId !== undefined) where.push(eq(entryVersions.topicId, f.topicId))
  if (f.externalId !== undefined) where.push(eq(entries.externalId, f.externalId))
  const readable = f.readBy.where(readableColumns)
  if (readable) where.push(readable)
  if (f.inForce !== undefined) where.push(f.inForce ? inForceSql(entryVersions.id) : sql`not ${inForceSql(entryVersions.id)}`)
  if (f.q) {
    const q = f.q.trim()
    where.push(or(likeContains(entryVersions.question, q), likeContains(entryVersions.similarQuestions, q), likeContains(entryVersions.keywords, q), likeContains(entryVersions.answer, q), likeContains(entries.externalId, q))!)
  }
  const cond = where.length ? and(...where) : undefined
  const ids = (await tx.select({ id: entries.id }).from(entries).innerJoin(entryVersions, eq(entryVersions.id, contentVersionId)).where(cond)
    .orderBy(desc(entries.updatedAt), desc(entries.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)).map((r) => r.id)
  const total = (await first(tx.select({ n: count() }).from(entries).innerJoin(entryVersions, eq(entryVersions.id, contentVersionId)).where(cond)))!.n
  return { ids, total }
}

async function entriesByIds(tx: Tx, ids: readonly number[]): Promise<EntryRow[]> {
  const out: EntryRow[] = []
  for (const part of chunks(ids)) out.push(...await tx.select().from(entries).where(inArray(entries.id, part)))
  return out
}

/** Every version of an entry, newest first, with its review trail in order. */
async function versionsWithTrail(tx: Tx, entryId: number) {
  const versions = await tx.select().from(entryVersions).where(eq(entryVersions.entryId, entryId)).orderBy(desc(entryVersions.version))
  const actor = tokensView()
  const trail = versions.length === 0 ? [] : await tx.select({
    versionId: reviewActions.entryVersionId, action: reviewActions.action, step: reviewActions.step, stepName: reviewActions.stepName,
    comment: reviewActions.comment, at: reviewActions.createdAt,
    actorTokenId: reviewActions.actorTokenId, actorName: actor.name, actorRole: actor.role,
  }).from(reviewActions).leftJoin(actor, eq(actor.id, reviewActions.actorTokenId))
    .where(inArray(reviewActions.entryVersionId, versions.map((v) => v.id))).orderBy(asc(reviewActions.id))
  return { versions, trail }
}

/** Versions waiting at a review step (all steps when undefined), oldest submission first. */
async function reviewQueue(tx: Tx, f: { step?: number; unitId?: number; page: number; pageSize: number }) {
  const where: SQL[] = [eq(entryVersions.state, 'in_review'), sql`${entries.status} <> 'archived'`]
  if (f.step !== undefined) where.push(eq(entryVersions.reviewStep, f.step))
  if (f.unitId !== undefined) where.push(eq(entries.unitId, f.unitId))
  const cond = and(...where)
  const rows = await tx.select({ version: entryVersions, entry: entries }).from(entryVersions).innerJoin(entries, eq(entries.id, entryVersions.entryId))
    .where(cond).orderBy(asc(entryVersions.submittedAt), asc(entryVersions.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
  const total = (await first(tx.select({ n: count() }).from(entryVersions).innerJoin(entries, eq(entries.id, entryVersions.entryId)).where(cond)))!.n
  return { rows, total }
}

/** Published, not archived entries with their published version: what the search index serves. */
async function servedRows(tx: Tx, entryIds?: readonly number[]) {
  // Only the columns the index needs: a full rebuild reads every published entry.
  const select = () => tx.select({
    entry: { id: entries.id, externalId: entries.externalId, unitId: entries.unitId, hitCount: entries.hitCount },
    version: {
      id: entryVersions.id, version: entryVersions.version, question: entryVersions.question, similarQuestions: entryVersions.similarQuestions,
      answer: entryVersions.answer, keywords: entryVersions.keywords, topicId: entryVersions.topicId,
    },
  }).from(entries)
    .innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
  const served = eq(entries.status, 'published')
  if (entryIds === undefined) return await select().where(served).orderBy(asc(entries.id))
  const rows: Awaited<ReturnType<typeof select>> = []
  for (const part of chunks(entryIds)) rows.push(...await select().where(and(served, inArray(entries.id, part))))
  return rows
}

/** Entries whose published version rests on the document (archived ones included). */
async function entryIdsOnDocument(tx: Tx, documentId: number): Promise<number[]> {
  // Joined through the version's entry_id (a primary key) rather than on published_version_id,
  // which has no index: on a large library that join would scan every entry for every link.
  return (await tx.select({ id: entries.id }).from(entryVersionDocuments)
    .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
    .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id)))
    .where(eq(entryVersionDocuments.policyDocumentId, documentId))).map((r) => r.id)
}

/** Entries, versions and the review trail, as functions of the caller's transaction (the one repository style). */
export function createKbRepository() {
  return { getEntry, lockEntry, getVersion, getVersionById, docIdsOf, setDocIds, validitiesOf, versionInForce, entryByExternalId, addAction, unitRefs, topicRefs, docsOfVersions, versionsForViews, listEntryIds, entriesByIds, versionsWithTrail, reviewQueue, servedRows, entryIdsOnDocument }
}

export type KbRepository = ReturnType<typeof createKbRepository>
