// Reads for the spreadsheet import and export: entries by external id with the content they would be
// compared against, and the library in id order, a chunk at a time.
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { topicsView, unitsView } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments, type VersionState } from './kb.table.ts'
import type { EntryStatus, Media } from './kb.types.ts'
import { chunks } from '../db/chunks.ts'
import { inForceSql } from './kb.in-force.ts'

export interface ComparableVersion {
  id: number; version: number; state: VersionState; question: string; similarQuestions: string[]; answer: string; keywords: string[]
  topicId: number | null; media: Media[]; docIds: number[]
}
export interface ExistingEntry {
  id: number; externalId: string; unitId: number; status: EntryStatus; publishedVersionId: number | null
  latest: ComparableVersion; published: ComparableVersion | null
}

function versionsById(tx: Tx, ids: readonly number[]): Map<number, ComparableVersion> {
  const out = new Map<number, ComparableVersion>()
  for (const part of chunks(ids)) {
    const rows = tx.select({
      id: entryVersions.id, version: entryVersions.version, state: entryVersions.state, question: entryVersions.question, similarQuestions: entryVersions.similarQuestions,
      answer: entryVersions.answer, keywords: entryVersions.keywords, topicId: entryVersions.topicId, media: entryVersions.media,
    }).from(entryVersions).where(inArray(entryVersions.id, part)).all()
    for (const r of rows) out.set(r.id, { ...r, docIds: [] })
    const links = tx.select().from(entryVersionDocuments).where(inArray(entryVersionDocuments.entryVersionId, part)).all()
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
function entriesByExternalIds(tx: Tx, refs: readonly string[]): Map<string, ExistingEntry> {
  const unique = [...new Set(refs)]
  const ids = unique.map((r) => OWN_ID.exec(r)?.[1]).filter((x): x is string => !!x).map(Number)
  const select = (where: ReturnType<typeof inArray>) => tx.select({
    id: entries.id, externalId: entries.externalId, unitId: entries.unitId, status: entries.status, publishedVersionId: entries.publishedVersionId,
    // Spelled out: in a one-table select drizzle leaves column names unqualified, which the subquery would read as its own.
    latestId: sql<number>`(select v.id from entry_versions v where v.entry_id = "entries"."id" and v.version = "entries"."latest_version")`,
  }).from(entries).where(where).all()
  const rows = [
    ...chunks(unique.filter((r) => !OWN_ID.test(r))).flatMap((part) => select(inArray(entries.externalId, part)).map((r) => ({ ...r, ref: r.externalId! }))),
    ...chunks(ids).flatMap((part) => select(inArray(entries.id, part)).map((r) => ({ ...r, ref: `#${r.id}` }))),
  ]
  const versions = versionsById(tx, rows.flatMap((r) => [r.latestId, ...(r.publishedVersionId ? [r.publishedVersionId] : [])]))
  return new Map(rows.map((r) => [r.ref, {
    id: r.id, externalId: r.externalId ?? `#${r.id}`, unitId: r.unitId, status: r.status, publishedVersionId: r.publishedVersionId,
    latest: versions.get(r.latestId)!, published: r.publishedVersionId ? versions.get(r.publishedVersionId) ?? null : null,
  }]))
}

/** Policy document ids by 文号. */
function documentIdsByNumber(tx: Tx, numbers: readonly string[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const part of chunks([...new Set(numbers)])) {
    for (const r of tx.select({ id: policyDocuments.id, n: policyDocuments.docNumber }).from(policyDocuments).where(inArray(policyDocuments.docNumber, part)).all()) out.set(r.n!, r.id)
  }
  return out
}

export interface ExportFilter { unitId?: number; topicId?: number; status?: EntryStatus; inForce?: boolean; version: 'latest' | 'published' }

export interface ExportRecord {
  id: number; externalId: string | null; entryStatus: EntryStatus; versionState: VersionState
  question: string; similarQuestions: string[]; answer: string; keywords: string[]; media: Media[]
  topicName: string | null; unitName: string; docNumbers: string[]
}

/**
 * The library in entry-id order, `size` entries at a time (keyset). Each chunk is read to the end
 * before it is handed over, so the shared connection is free between chunks.
 */
function* exportChunks(tx: Tx, f: ExportFilter, size = 1000): Generator<ExportRecord[]> {
  const versionId = f.version === 'published'
    ? sql<number>`${entries.publishedVersionId}`
    : sql<number>`(select lv.id from entry_versions lv where lv.entry_id = "entries"."id" and lv.version = "entries"."latest_version")`
  const where: SQL[] = []
  if (f.unitId) where.push(eq(entries.unitId, f.unitId))
  if (f.topicId) where.push(eq(entries.topicId, f.topicId))
  if (f.status) where.push(eq(entries.status, f.status))
  if (f.version === 'published') where.push(sql`${entries.publishedVersionId} is not null`, sql`${entries.status} <> 'archived'`)
  if (f.inForce !== undefined) where.push(f.inForce ? inForceSql(versionId) : sql`not ${inForceSql(versionId)}`)
  const unit = unitsView()
  const topic = topicsView()
  let after = 0
  for (;;) {
    const rows = tx.select({
      id: entries.id, externalId: entries.externalId, entryStatus: entries.status, unitName: unit.name, versionId,
    }).from(entries).innerJoin(unit, eq(unit.id, entries.unitId)).where(and(...where, gt(entries.id, after))).orderBy(asc(entries.id)).limit(size).all()
    if (rows.length === 0) return
    const vIds = rows.map((r) => r.versionId)
    const versions = new Map(chunks(vIds).flatMap((part) => tx.select({
      id: entryVersions.id, state: entryVersions.state, question: entryVersions.question, similarQuestions: entryVersions.similarQuestions, answer: entryVersions.answer,
      keywords: entryVersions.keywords, media: entryVersions.media, topicName: topic.name,
    }).from(entryVersions).leftJoin(topic, eq(topic.id, entryVersions.topicId)).where(inArray(entryVersions.id, part)).all()).map((v) => [v.id, v]))
    const docs = new Map<number, string[]>()
    for (const part of chunks(vIds)) {
      const links = tx.select({ v: entryVersionDocuments.entryVersionId, n: policyDocuments.docNumber }).from(entryVersionDocuments)
        .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
        .where(inArray(entryVersionDocuments.entryVersionId, part)).orderBy(asc(entryVersionDocuments.policyDocumentId)).all()
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
