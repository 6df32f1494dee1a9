// Reads for the spreadsheet import and export: entries by external id with the content they would be
// compared against, and the library in id order, a chunk at a time.
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { topicsView, unitsView } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments, type VersionState } from './kb.table.ts'
import type { EntryStatus, Media } from './kb.types.ts'
import { chunks } from '../db/chunks.ts'
import { inForceSql } from './kb.in-force.ts'
import { readableColumns } from './kb.repository.ts'
import type { EntryReading } from './kb.reading.ts'

export interface ComparableVersion {
  id: number; version: number; state: VersionState; question: string; similarQuestions: string[]; answer: string; keywords: string[]
  topicId: number | null; media: Media[]; docIds: number[]
}
export interface ExistingEntry {
  id: number; externalId: string; unitId: number; status: EntryStatus; publishedVersionId: number | null
  latest: ComparableVersion; published: ComparableVersion | null
}

async function versionsById(tx: Tx, ids: readonly number[]): Promise<Map<number, ComparableVersion>> {
  const out = new Map<number, ComparableVersion>()
  for (const part of chunks(ids)) {
    const rows = await tx.select({
      id: entryVersions.id, version: entryVersions.version, state: entryVersions.state, question: entryVersions.question, similarQuestions: entryVersions.similarQuestions,
      answer: entryVersions.answer, keywords: entryVersions.keywords, topicId: entryVersions.topicId, media: entryVersions.media,
    }).from(entryVersions).where(inArray(entryVersions.id, part))
    for (const r of rows) out.set(r.id, { ...r, docIds: [] })
    const links = await tx.select().from(entryVersionDocuments).where(inArray(entryVersionDocuments.entryVersionId, part))
    for (const l of links) out.get(l.entryVersionId)?.docIds.push(l.policyDocumentId)
  }
  for (const v of out.values()) v.docIds.sort((a, b) => a - b)
  return out
}

/** A row that names an entry by the library's own id (`#123`): the export writes that for entries without an external id. */
export const OWN_ID = /^#(\d{1,15})$/

/**
 * Entries with these external ids (or `#id` references), keyed by the reference as given, with
 * their latest and published content.
 */
async function entriesByExternalIds(tx: Tx, refs: readonly string[]): Promise<Map<string, ExistingEntry>> {
  const unique = [...new Set(refs)]
  const ids = unique.map((r) => OWN_ID.exec(r)?.[1]).filter((x): x is string => !!x).map(Number)
  const select = (where: ReturnType<typeof inArray>) => tx.select({
    id: entries.id, externalId: entries.externalId, unitId: entries.unitId, status: entries.status, publishedVersionId: entries.publishedVersionId,
    // Spelled out: in a one-table select drizzle leaves column names unqualified, which the subquery would read as its own.
    latestId: sql<number>`(select v.id from entry_versions v where v.entry_id = "entries"."id" and v.version = "entries"."latest_version")`,
  }).from(entries).where(where)
  const rows: (Awaited<ReturnType<typeof select>>[number] & { ref: string })[] = []
  for (const part of chunks(unique.filter((r) => !OWN_ID.test(r)))) rows.push(...(await select(inArray(entries.externalId, part))).map((r) => ({ ...r, ref: r.externalId! })))
  for (const part of chunks(ids)) rows.push(...(await select(inArray(entries.id, part))).map((r) => ({ ...r, ref: `#${r.id}` })))
  const versions = await versionsById(tx, rows.flatMap((r) => [r.latestId, ...(r.publishedVersionId ? [r.publishedVersionId] : [])]))
  return new Map(rows.map((r) => [r.ref, {
    id: r.id, externalId: r.externalId ?? `#${r.id}`, unitId: r.unitId, status: r.status, publishedVersionId: r.publishedVersionId,
    latest: versions.get(r.latestId)!, published: r.publishedVersionId ? versions.get(r.publishedVersionId) ?? null : null,
  }]))
}

/** Policy document ids by 文号. */
async function documentIdsByNumber(tx: Tx, numbers: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (const part of chunks([...new Set(numbers)])) {
    for (const r of await tx.select({ id: policyDocuments.id, n: policyDocuments.docNumber }).from(policyDocuments).where(inArray(policyDocuments.docNumber, part))) out.set(r.n!, r.id)
  }
  return out
}

export interface ExportFilter {
  unitId?: number; topicId?: number; status?: EntryStatus; inForce?: boolean; version: 'latest' | 'published'
  /** The reader (kb.reading.ts): its entries only, and of those it sees only as published, the published version. */
  readBy: EntryReading
}

export interface ExportRecord {
  id: number; externalId: string | null; entryStatus: EntryStatus; versionState: VersionState
  question: string; similarQuestions: string[]; answer: string; keywords: string[]; media: Media[]
  topicName: string | null; unitName: string; docNumbers: string[]
}

/**
 * The library in entry-id order, `size` entries at a time (keyset). Each chunk is read to the end
 * before it is handed over, so the connection is free between chunks.
 */
async function* exportChunks(tx: Tx, f: ExportFilter, size = 1000): AsyncGenerator<ExportRecord[]> {
  const latestId = sql<number>`(select lv.id from entry_versions lv where lv.entry_id = "entries"."id" and lv.version = "entries"."latest_version")`
  const whole = f.readBy.wholeWhere(readableColumns)
  const versionId = f.version === 'published' ? sql<number>`${entries.publishedVersionId}`
    : whole === undefined ? latestId
      // An entry seen only as published (another unit's) is exported as published, even when asked for the latest.
      : sql<number>`(case when ${whole} then ${latestId} else ${entries.publishedVersionId} end)`
  const where: SQL[] = []
  const readable = f.readBy.where(readableColumns)
  if (readable) where.push(readable)
  if (f.unitId) where.push(eq(entries.unitId, f.unitId))
  if (f.topicId) where.push(eq(entries.topicId, f.topicId))
  if (f.status) where.push(eq(entries.status, f.status))
  if (f.version === 'published') where.push(sql`${entries.publishedVersionId} is not null`, sql`${entries.status} <> 'archived'`)
  if (f.inForce !== undefined) where.push(f.inForce ? inForceSql(versionId) : sql`not ${inForceSql(versionId)}`)
  const unit = unitsView()
  const topic = topicsView()
  let after = 0
  for (;;) {
    const rows = await tx.select({
      id: entries.id, externalId: entries.externalId, entryStatus: entries.status, unitName: unit.name, versionId,
    }).from(entries).innerJoin(unit, eq(unit.id, entries.unitId)).where(and(...where, gt(entries.id, after))).orderBy(asc(entries.id)).limit(size)
    if (rows.length === 0) return
    const vIds = rows.map((r) => r.versionId)
    const selectVersions = (part: number[]) => tx.select({
      id: entryVersions.id, state: entryVersions.state, question: entryVersions.question, similarQuestions: entryVersions.similarQuestions, answer: entryVersions.answer,
      keywords: entryVersions.keywords, media: entryVersions.media, topicName: topic.name,
    }).from(entryVersions).leftJoin(topic, eq(topic.id, entryVersions.topicId)).where(inArray(entryVersions.id, part))
    const versions = new Map<number, Awaited<ReturnType<typeof selectVersions>>[number]>()
    for (const part of chunks(vIds)) for (const v of await selectVersions(part)) versions.set(v.id, v)
    const docs = new Map<number, string[]>()
    for (const part of chunks(vIds)) {
      const links = await tx.select({ v: entryVersionDocuments.entryVersionId, n: policyDocuments.docNumber }).from(entryVersionDocuments)
        .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
        .where(inArray(entryVersionDocuments.entryVersionId, part)).orderBy(asc(entryVersionDocuments.policyDocumentId))
      for (const l of links) if (l.n) docs.set(l.v, [...(docs.get(l.v) ?? []), l.n])
    }
    yield rows.map((r) => {
      const v = versions.get(r.versionId)!
      return {
        id: r.id, externalId: r.externalId ?? `#${r.id}`, entryStatus: r.entryStatus, versionState: v.state, question: v.question, similarQuestions: v.similarQuestions,
        answer: v.answer, keywords: v.keywords, media: v.media, topicName: v.topicName, unitName: r.unitName, docNumbers: docs.get(r.versionId) ?? [],
      }
    })
    if (rows.length < size) return
    after = rows[rows.length - 1].id
  }
}

/** The reads of the spreadsheet import and export, as functions of the caller's transaction. */
export function createSyncRepository() {
  return { entriesByExternalIds, documentIdsByNumber, exportChunks }
}

export type SyncRepository = ReturnType<typeof createSyncRepository>
