// What the public 政策问答 pages may read of the library: served entries only (published, not
// archived, their published version), never drafts, versions in review, trails or editors.
import { and, asc, count, desc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { topicByCode, topicsInOrder } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from './kb.table.ts'
import type { Media } from './kb.types.ts'
import { createKbRepository, type DocRef, type Ref } from './kb.repository.ts'
import { chunks } from '../db/chunks.ts'
import { first } from '../db/query.ts'
import { inForceSql, isInForce } from './kb.in-force.ts'
import { createDocumentsRepository } from './documents.repository.ts'

const repo = createKbRepository()
const docs = createDocumentsRepository()

export interface PublicDocument extends DocRef {
  publishedOn: string | null
  effectiveOn: string | null
  expiresOn: string | null
  unit: Ref | null
  interpretations: { kind: 'text' | 'image' | 'video'; title: string; url: string | null }[]
}

export interface PublicEntry {
  id: number
  question: string
  answer: string
  topic: Ref | null
  unit: Ref
  media: Media[]
  documents: PublicDocument[]
  inForce: boolean
  /** When the version served was published: the last time the answer was reviewed. */
  reviewedAt: string | null
  hitCount: number
}

export interface EntryBrief { id: number; question: string; answer: string; topic: Ref | null; unit: Ref; inForce: boolean; hitCount: number }

const servedJoin = and(eq(entries.status, 'published'), eq(entryVersions.id, entries.publishedVersionId))

export function createKbPublicReader({ db }: { db: Db }) {
  async function interpretationsOf(docIds: readonly number[]) {
    const out = new Map<number, PublicDocument['interpretations']>()
    for (const part of chunks(docIds)) {
      for (const i of await db.select().from(interpretations).where(inArray(interpretations.policyDocumentId, part)).orderBy(asc(interpretations.id))) {
        const list = out.get(i.policyDocumentId) ?? []
        list.push({ kind: i.kind, title: i.title, url: i.url })
        out.set(i.policyDocumentId, list)
      }
    }
    return out
  }

  async function documentsByIds(ids: readonly number[]): Promise<PublicDocument[]> {
    if (ids.length === 0) return []
    const units = await repo.unitRefs(db)
    const interp = await interpretationsOf(ids)
    const rows: (typeof policyDocuments.$inferSelect)[] = []
    for (const part of chunks(ids)) rows.push(...await db.select().from(policyDocuments).where(inArray(policyDocuments.id, part)))
    return rows.map((d) => ({
      id: d.id, title: d.title, docNumber: d.docNumber, issuer: d.issuer, url: d.url, validity: d.validity,
      publishedOn: d.publishedOn, effectiveOn: d.effectiveOn, expiresOn: d.expiresOn,
      unit: d.unitId ? units.get(d.unitId) ?? null : null,
      interpretations: interp.get(d.id) ?? [],
    }))
  }

  /** Briefs of served entries, in the order of `rows`. */
  async function briefs(rows: { id: number; unitId: number; hitCount: number; versionId: number; question: string; answer: string; topicId: number | null }[]): Promise<EntryBrief[]> {
    const docs = await repo.docsOfVersions(db, rows.map((r) => r.versionId))
    const units = await repo.unitRefs(db)
    const topicMap = await repo.topicRefs(db)
    return rows.map((r) => ({
      id: r.id, question: r.question, answer: r.answer, hitCount: r.hitCount,
      topic: r.topicId ? topicMap.get(r.topicId) ?? null : null, unit: units.get(r.unitId)!,
      inForce: isInForce((docs.get(r.versionId) ?? []).map((d) => d.validity)),
    }))
  }

  const briefColumns = {
    id: entries.id, unitId: entries.unitId, hitCount: entries.hitCount, versionId: entryVersions.id,
    question: entryVersions.question, answer: entryVersions.answer, topicId: entryVersions.topicId,
  }
  type BriefRow = Parameters<typeof briefs>[0][number]

  return {
    /** A served entry, or undefined for anything else (a draft, an entry in review, an archived one, none). */
    async entry(id: number): Promise<PublicEntry | undefined> {
      const row = await first(db.select({ entry: entries, version: entryVersions }).from(entries)
        .innerJoin(entryVersions, servedJoin).where(eq(entries.id, id)))
      if (!row) return undefined
      const linked = (await repo.docsOfVersions(db, [row.version.id])).get(row.version.id) ?? []
      const topicMap = await repo.topicRefs(db)
      return {
        id: row.entry.id, question: row.version.question, answer: row.version.answer,
        topic: row.version.topicId ? topicMap.get(row.version.topicId) ?? null : null,
        unit: (await repo.unitRefs(db)).get(row.entry.unitId)!,
        media: row.version.media,
        documents: await documentsByIds(linked.map((d) => d.id)),
        inForce: isInForce(linked.map((d) => d.validity)),
        reviewedAt: row.version.publishedAt,
        hitCount: row.entry.hitCount,
      }
    },

    /** Briefs of the given served entries (others are left out), in the order asked. */
    async briefs(ids: readonly number[]): Promise<EntryBrief[]> {
      if (ids.length === 0) return []
      const rows: BriefRow[] = []
      for (const part of chunks(ids)) rows.push(...await db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin).where(inArray(entries.id, part)))
      const byId = new Map(rows.map((r) => [r.id, r]))
      return briefs(ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])))
    },

    /** Topics with the number of served entries in force in each, in the topics' order. */
    async topics(): Promise<(Ref & { entries: number })[]> {
      const counts = new Map((await db.select({ topicId: entryVersions.topicId, n: count() }).from(entries).innerJoin(entryVersions, servedJoin)
        .where(inForceSql(entryVersions.id)).groupBy(entryVersions.topicId)).map((r) => [r.topicId, r.n]))
      return (await topicsInOrder(db))
        .map((t) => ({ code: t.code, name: t.name, entries: counts.get(t.id) ?? 0 }))
        .filter((t) => t.entries > 0)
    },

    async topic(code: string): Promise<Ref | undefined> {
      const topic = await topicByCode(db, code)
      return topic && { code: topic.code, name: topic.name }
    },

    /** The most asked served entries in force (by hit count), of one topic or of all. */
    async mostAsked(opts: { topicCode?: string; limit: number; offset?: number }): Promise<{ items: EntryBrief[]; total: number }> {
      const topicId = opts.topicCode ? (await topicByCode(db, opts.topicCode))?.id ?? -1 : undefined
      const cond = and(inForceSql(entryVersions.id), topicId === undefined ? undefined : eq(entryVersions.topicId, topicId))
      const rows = await db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin).where(cond)
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(opts.limit).offset(opts.offset ?? 0)
      const total = (await first(db.select({ n: count() }).from(entries).innerJoin(entryVersions, servedJoin).where(cond)))!.n
      return { items: await briefs(rows), total }
    },

    /** Served entries in force related to one: those resting on the same documents first, then the same topic, most asked first. */
    async related(entry: Pick<PublicEntry, 'id' | 'documents' | 'topic'>, limit: number): Promise<EntryBrief[]> {
      const docIds = entry.documents.map((d) => d.id)
      const sameDocs = docIds.length === 0 ? [] : await db.selectDistinct(briefColumns).from(entryVersionDocuments)
        .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
        .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id), eq(entries.status, 'published')))
        .where(and(inArray(entryVersionDocuments.policyDocumentId, docIds), ne(entries.id, entry.id), inForceSql(entryVersions.id)))
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(limit)
      const topicId = entry.topic ? (await topicByCode(db, entry.topic.code))?.id : undefined
      const seen = new Set([entry.id, ...sameDocs.map((r) => r.id)])
      const sameTopic = sameDocs.length >= limit || topicId === undefined ? [] : await db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin)
        .where(and(eq(entryVersions.topicId, topicId), inForceSql(entryVersions.id), sql`${entries.id} not in (${sql.join([...seen].map((id) => sql`${id}`), sql`, `)})`))
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(limit - sameDocs.length)
      return briefs([...sameDocs, ...sameTopic])
    },

    /** A policy document with its materials and the served entries resting on it (in force or not). */
    async document(id: number): Promise<(PublicDocument & { entries: EntryBrief[] }) | undefined> {
      if (!await docs.getDocument(db, id)) return undefined
      const [doc] = await documentsByIds([id])
      const rows = await db.select(briefColumns).from(entryVersionDocuments)
        .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
        .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id), eq(entries.status, 'published')))
        .where(eq(entryVersionDocuments.policyDocumentId, id)).orderBy(desc(entries.hitCount), asc(entries.id)).limit(50)
      return { ...doc!, entries: await briefs(rows) }
    },
  }
}

export type KbPublicReader = ReturnType<typeof createKbPublicReader>
