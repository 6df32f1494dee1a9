// What other modules may read (and the one counter they may move) of the library. The kb tables are
// this module's own: search, consultations, tickets, proposals, links, privacy and stats call these
// functions, or join a published view, and never name `entries` or `policy_documents`.
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm'
import { QueryBuilder } from 'drizzle-orm/sqlite-core'
import type { Tx } from '../db/client.ts'
import { greatest, sumOrZero } from '../db/dialect.ts'
import { first } from '../db/query.ts'
import { topicsView, unitsView } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from './kb.table.ts'
import type { Validity } from './kb.types.ts'
import { inForceSqlText, isInForce } from './kb.in-force.ts'

const qb = new QueryBuilder()

// Computed columns of entriesView, as text over `entries` (the view's only table): drizzle leaves
// columns inside a view's expressions unqualified, and in a correlated subquery an unqualified `id`
// would be the inner table's.
// 1 or 0 on both engines (the condition itself is a boolean on PostgreSQL).
const IN_FORCE = `(case when ${inForceSqlText('entries.published_version_id')} then 1 else 0 end)`
/** The question an entry is known by: its published version's, or else its latest version's. */
const SHOWN_QUESTION = `coalesce(
  (select v.question from entry_versions v where v.id = entries.published_version_id),
  (select v.question from entry_versions v where v.entry_id = entries.id order by v.version desc limit 1))`
/** When the version served was published: the last review (rows imported without one: the entry's own dates). */
const REVIEWED_AT = `coalesce((select v.published_at from entry_versions v where v.id = entries.published_version_id), entries.published_at, entries.created_at)`

/**
 * Entries as other modules may join them: id, unit, topic, status, hit count, the question they are
 * known by, whether the version served is in force and when it was last reviewed. The computed
 * columns carry the kb's own rules, so a reader never restates them; SQLite flattens the view, and a
 * column nobody selects is never computed. Computed columns are named after the alias
 * (`entry_question`), since an outer query names them without the alias.
 */
export const entriesView = (alias = 'entry') => qb.select({
  id: entries.id, externalId: entries.externalId, unitId: entries.unitId, topicId: entries.topicId, status: entries.status,
  hitCount: entries.hitCount, publishedVersionId: entries.publishedVersionId, publishedAt: entries.publishedAt, createdAt: entries.createdAt,
  question: sql<string>`${sql.raw(SHOWN_QUESTION)}`.as(`${alias}_question`),
  inForce: sql<number>`${sql.raw(IN_FORCE)}`.as(`${alias}_in_force`),
  reviewedAt: sql<string>`${sql.raw(REVIEWED_AT)}`.as(`${alias}_reviewed_at`),
}).from(entries).as(alias)

/** The ids of published entries, as a subquery to filter by. */
export const publishedEntryIds = (): SQL => sql`(select ${entries.id} from ${entries} where ${entries.status} = 'published')`

// ---- served answers (consultations) ----

/** An entry as served to the asker: its published version, unit and topic, and whether it is in force. */
export async function servedEntry(tx: Tx, entryId: number) {
  const unit = unitsView()
  const topic = topicsView()
  const row = await first(tx.select({
    id: entries.id, externalId: entries.externalId, status: entries.status,
    versionId: entryVersions.id, question: entryVersions.question, answer: entryVersions.answer,
    unitCode: unit.code, unitName: unit.name, topicCode: topic.code, topicName: topic.name,
  }).from(entries)
    .innerJoin(unit, eq(unit.id, entries.unitId))
    .leftJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
    .leftJoin(topic, eq(topic.id, entries.topicId))
    .where(eq(entries.id, entryId)))
  if (!row) return undefined
  const docs = row.versionId === null ? [] : await tx.select({ validity: policyDocuments.validity }).from(entryVersionDocuments)
    .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
    .where(eq(entryVersionDocuments.entryVersionId, row.versionId))
  return { ...row, inForce: isInForce(docs.map((d) => d.validity)) }
}

/** A policy document's identity and owner, for a suggestion about it or a ticket that names it. */
export const policyDocumentRef = (tx: Tx, id: number) =>
  first(tx.select({ id: policyDocuments.id, title: policyDocuments.title, docNumber: policyDocuments.docNumber, unitId: policyDocuments.unitId })
    .from(policyDocuments).where(eq(policyDocuments.id, id)))

/** The unit an entry belongs to. */
export const entryUnitId = async (tx: Tx, entryId: number) => (await first(tx.select({ unitId: entries.unitId }).from(entries).where(eq(entries.id, entryId))))?.unitId

// ---- the search index (search) ----

/** A published entry with what a candidate shows: its served version, unit, topic and documents. */
export interface PublishedEntry {
  id: number
  externalId: string | null
  question: string
  similarQuestions: string[]
  keywords: string[]
  answer: string
  topic: { code: string; name: string } | null
  unit: { code: string; name: string }
  documents: { title: string; docNumber: string | null; validity: Validity }[]
}

async function documentsOf(tx: Tx, versionIds: number[]) {
  const out = new Map<number, PublishedEntry['documents']>()
  // SQLite limits bound parameters; read links in slices.
  for (let i = 0; i < versionIds.length; i += 500) {
    const slice = versionIds.slice(i, i + 500)
    const rows = await tx.select({ versionId: entryVersionDocuments.entryVersionId, title: policyDocuments.title, docNumber: policyDocuments.docNumber, validity: policyDocuments.validity })
      .from(entryVersionDocuments)
      .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
      .where(inArray(entryVersionDocuments.entryVersionId, slice))
      .orderBy(asc(entryVersionDocuments.entryVersionId), asc(policyDocuments.id))
    for (const r of rows) {
      const list = out.get(r.versionId) ?? []
      list.push({ title: r.title, docNumber: r.docNumber, validity: r.validity })
      out.set(r.versionId, list)
    }
  }
  return out
}

/** Published entries with their served version; all of them, or those among `ids`. */
export async function publishedEntries(tx: Tx, ids?: number[]): Promise<PublishedEntry[]> {
  const unit = unitsView()
  const topic = topicsView()
  const base = tx.select({
    id: entries.id, externalId: entries.externalId, versionId: entryVersions.id,
    question: entryVersions.question, similarQuestions: entryVersions.similarQuestions, keywords: entryVersions.keywords, answer: entryVersions.answer,
    topicCode: topic.code, topicName: topic.name, unitCode: unit.code, unitName: unit.name,
  })
    .from(entries)
    .innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
    .innerJoin(unit, eq(unit.id, entries.unitId))
    // The version's topic wins over the entry's, as the version is what is served.
    .leftJoin(topic, eq(topic.id, sql`coalesce(${entryVersions.topicId}, ${entries.topicId})`))
  const published = and(eq(entries.status, 'published'), isNotNull(entries.publishedVersionId))
  const rows = ids === undefined
    ? await base.where(published).orderBy(asc(entries.id))
    : ids.length === 0 ? [] : await base.where(and(published, inArray(entries.id, ids)))
  const docs = await documentsOf(tx, rows.map((r) => r.versionId))
  return rows.map((r) => ({
    id: r.id, externalId: r.externalId, question: r.question, similarQuestions: r.similarQuestions ?? [], keywords: r.keywords ?? [], answer: r.answer,
    topic: r.topicCode ? { code: r.topicCode, name: r.topicName! } : null,
    unit: { code: r.unitCode, name: r.unitName },
    documents: docs.get(r.versionId) ?? [],
  }))
}

/** Entry ids whose served version rests on one of these policy documents. */
export async function entriesOnDocuments(tx: Tx, documentIds: number[]): Promise<number[]> {
  if (documentIds.length === 0) return []
  return (await tx.selectDistinct({ id: entries.id }).from(entries)
    .innerJoin(entryVersionDocuments, eq(entryVersionDocuments.entryVersionId, entries.publishedVersionId))
    .where(inArray(entryVersionDocuments.policyDocumentId, documentIds))).map((r) => r.id)
}

/** When the entry was first served: its first published version (rows imported without one: the entry's own dates). */
export const entryFirstPublishedAt = async (tx: Tx, id: number) => (await first(tx.select({
  at: sql<string>`coalesce((select min(${entryVersions.publishedAt}) from ${entryVersions} where ${entryVersions.entryId} = ${entries.id}), ${entries.publishedAt}, ${entries.createdAt})`,
}).from(entries).where(eq(entries.id, id))))?.at

export const entryExists = async (tx: Tx, id: number) => (await first(tx.select({ id: entries.id }).from(entries).where(eq(entries.id, id)))) !== undefined

/** One more use of an entry (the search module counts them: a consultation answered with it). */
export async function countHit(tx: Tx, entryId: number, at: string): Promise<void> {
  await tx.update(entries).set({ hitCount: sql`${entries.hitCount} + 1`, lastHitAt: at }).where(eq(entries.id, entryId))
}

/** Takes back a use counted by countHit (the last-hit time stays as it is). */
export async function uncountHit(tx: Tx, entryId: number): Promise<void> {
  await tx.update(entries).set({ hitCount: greatest(tx, sql`${entries.hitCount} - 1`, sql`0`) }).where(eq(entries.id, entryId))
}

export const entryHitCount = async (tx: Tx, entryId: number) => (await first(tx.select({ hitCount: entries.hitCount }).from(entries).where(eq(entries.id, entryId))))?.hitCount

// ---- link checks (links) ----

export type LinkSourceType = 'policy_document' | 'interpretation' | 'entry_media'
export interface ShownLink { url: string; type: LinkSourceType; id: number; title: string; unitId: number | null; entryId?: number }

/** Every URL the library shows: policy documents, their interpretations, and the media of published entries. */
export async function shownLinks(tx: Tx): Promise<ShownLink[]> {
  const out: ShownLink[] = []
  for (const d of await tx.select({ id: policyDocuments.id, title: policyDocuments.title, url: policyDocuments.url, unitId: policyDocuments.unitId })
    .from(policyDocuments).where(sql`${policyDocuments.url} IS NOT NULL`)) {
    out.push({ url: d.url!, type: 'policy_document', id: d.id, title: d.title, unitId: d.unitId })
  }
  for (const i of await tx.select({ id: interpretations.id, title: interpretations.title, url: interpretations.url, unitId: policyDocuments.unitId })
    .from(interpretations).innerJoin(policyDocuments, eq(policyDocuments.id, interpretations.policyDocumentId))
    .where(sql`${interpretations.url} IS NOT NULL`)) {
    out.push({ url: i.url!, type: 'interpretation', id: i.id, title: i.title, unitId: i.unitId })
  }
  for (const e of await tx.select({ id: entries.id, unitId: entries.unitId, media: entryVersions.media, question: entryVersions.question })
    .from(entries).innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
    .where(eq(entries.status, 'published'))) {
    for (const m of e.media ?? []) out.push({ url: m.url, type: 'entry_media', id: e.id, title: `${m.title}（${e.question}）`, unitId: e.unitId, entryId: e.id })
  }
  return out
}

/** Published entries with the documents their published version rests on, and each document's URL. */
export const publishedEntryDocuments = async (tx: Tx) => await tx.select({
  entryId: entries.id, unitId: entries.unitId, question: entryVersions.question,
  documentId: policyDocuments.id, title: policyDocuments.title, docNumber: policyDocuments.docNumber, url: policyDocuments.url,
}).from(entries)
  .innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
  .innerJoin(entryVersionDocuments, eq(entryVersionDocuments.entryVersionId, entries.publishedVersionId))
  .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
  .where(eq(entries.status, 'published'))

// ---- public numbers (privacy) ----

/** What the texts of published versions are: it changes whenever one is published or withdrawn. */
export async function publishedTextsFingerprint(tx: Tx): Promise<string> {
  const e = (await first(tx.select({ n: sql<number>`count(*)`, versions: sumOrZero(entries.publishedVersionId) })
    .from(entries).where(isNotNull(entries.publishedVersionId))))!
  return `${e.n}:${e.versions}`
}

/** The texts of published versions (question, similar questions, answer): numbers printed there are public. */
export const publishedTexts = async (tx: Tx) => (await tx.select({ question: entryVersions.question, answer: entryVersions.answer, similar: entryVersions.similarQuestions })
  .from(entries).innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId)))
  .map((r) => `${r.question}\n${r.similar.join('\n')}\n${r.answer}`)

