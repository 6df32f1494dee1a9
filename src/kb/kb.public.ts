// What the public 政策问答 pages may read of the library: served entries only (published, not
// archived, their published version), never drafts, versions in review, trails or editors.
import { and, asc, count, desc, eq, inArray, ne, sql } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { topicByCode, topicsInOrder } from '../units/units.queries.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments } from './kb.table.ts'
import type { Media } from './kb.types.ts'
import { createKbRepository, type DocRef, type Ref } from './kb.repository.ts'
import { chunks } from '../db/chunks.ts'
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
  function interpretationsOf(docIds: readonly number[]) {
    const out = new Map<number, PublicDocument['interpretations']>()
    for (const part of chunks(docIds)) {
      for (const i of db.select().from(interpretations).where(inArray(interpretations.policyDocumentId, part)).orderBy(asc(interpretations.id)).all()) {
        const list = out.get(i.policyDocumentId) ?? []
        list.push({ kind: i.kind, title: i.title, url: i.url })
        out.set(i.policyDocumentId, list)
      }
    }
    return out
  }

  function documentsByIds(ids: readonly number[]): PublicDocument[] {
    if (ids.length === 0) return []
    const units = repo.unitRefs(db)
    const interp = interpretationsOf(ids)
    return chunks(ids).flatMap((part) => db.select().from(policyDocuments).where(inArray(policyDocuments.id, part)).all()).map((d) => ({
      id: d.id, title: d.title, docNumber: d.docNumber, issuer: d.issuer, url: d.url, validity: d.validity,
      publishedOn: d.publishedOn, effectiveOn: d.effectiveOn, expiresOn: d.expiresOn,
      unit: d.unitId ? units.get(d.unitId) ?? null : null,
      interpretations: interp.get(d.id) ?? [],
    }))
  }

  /** Briefs of served entries, in the order of `rows`. */
  function briefs(rows: { id: number; unitId: number; hitCount: number; versionId: number; question: string; answer: string; topicId: number | null }[]): EntryBrief[] {
    const docs = repo.docsOfVersions(db, rows.map((r) => r.versionId))
    const units = repo.unitRefs(db)
    const topicMap = repo.topicRefs(db)
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

  return {
    /** A served entry, or undefined for anything else (a draft, an entry in review, an archived one, none). */
    entry(id: number): PublicEntry | undefined {
      const row = db.select({ entry: entries, version: entryVersions }).from(entries)
        .innerJoin(entryVersions, servedJoin).where(eq(entries.id, id)).get()
      if (!row) return undefined
      const linked = repo.docsOfVersions(db, [row.version.id]).get(row.version.id) ?? []
      const topicMap = repo.topicRefs(db)
      return {
        id: row.entry.id, question: row.version.question, answer: row.version.answer,
        topic: row.version.topicId ? topicMap.get(row.version.topicId) ?? null : null,
        unit: repo.unitRefs(db).get(row.entry.unitId)!,
        media: row.version.media,
        documents: documentsByIds(linked.map((d) => d.id)),
        inForce: isInForce(linked.map((d) => d.validity)),
        reviewedAt: row.version.publishedAt,
        hitCount: row.entry.hitCount,
      }
    },

    /** Briefs of the given served entries (others are left out), in the order asked. */
    briefs(ids: readonly number[]): EntryBrief[] {
      if (ids.length === 0) return []
      const rows = chunks(ids).flatMap((part) => db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin).where(inArray(entries.id, part)).all())
      const byId = new Map(rows.map((r) => [r.id, r]))
      return briefs(ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])))
    },

    /** Topics with the number of served entries in force in each, in the topics' order. */
    topics(): (Ref & { entries: number })[] {
      const counts = new Map(db.select({ topicId: entryVersions.topicId, n: count() }).from(entries).innerJoin(entryVersions, servedJoin)
        .where(inForceSql(entryVersions.id)).groupBy(entryVersions.topicId).all().map((r) => [r.topicId, r.n]))
      return topicsInOrder(db)
        .map((t) => ({ code: t.code, name: t.name, entries: counts.get(t.id) ?? 0 }))
        .filter((t) => t.entries > 0)
    },

    topic(code: string): Ref | undefined {
      const topic = topicByCode(db, code)
      return topic && { code: topic.code, name: topic.name }
    },

    /** The most asked served entries in force (by hit count), of one topic or of all. */
    mostAsked(opts: { topicCode?: string; limit: number; offset?: number }): { items: EntryBrief[]; total: number } {
      const topicId = opts.topicCode ? topicByCode(db, opts.topicCode)?.id ?? -1 : undefined
      const cond = and(inForceSql(entryVersions.id), topicId === undefined ? undefined : eq(entryVersions.topicId, topicId))
      const rows = db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin).where(cond)
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(opts.limit).offset(opts.offset ?? 0).all()
      const total = db.select({ n: count() }).from(entries).innerJoin(entryVersions, servedJoin).where(cond).get()!.n
      return { items: briefs(rows), total }
    },

    /** Served entries in force related to one: those resting on the same documents first, then the same topic, most asked first. */
    related(entry: Pick<PublicEntry, 'id' | 'documents' | 'topic'>, limit: number): EntryBrief[] {
      const docIds = entry.documents.map((d) => d.id)
      const sameDocs = docIds.length === 0 ? [] : db.selectDistinct(briefColumns).from(entryVersionDocuments)
        .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
        .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id), eq(entries.status, 'published')))
        .where(and(inArray(entryVersionDocuments.policyDocumentId, docIds), ne(entries.id, entry.id), inForceSql(entryVersions.id)))
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(limit).all()
      const topicId = entry.topic ? topicByCode(db, entry.topic.code)?.id : undefined
      const seen = new Set([entry.id, ...sameDocs.map((r) => r.id)])
      const sameTopic = sameDocs.length >= limit || topicId === undefined ? [] : db.select(briefColumns).from(entries).innerJoin(entryVersions, servedJoin)
        .where(and(eq(entryVersions.topicId, topicId), inForceSql(entryVersions.id), sql`${entries.id} not in (${sql.join([...seen].map((id) => sql`${id}`), sql`, `)})`))
        .orderBy(desc(entries.hitCount), asc(entries.id)).limit(limit - sameDocs.length).all()
      return briefs([...sameDocs, ...sameTopic])
    },

    /** A policy document with its materials and the served entries resting on it (in force or not). */
    document(id: number): (PublicDocument & { entries: EntryBrief[] }) | undefined {
      if (!docs.getDocument(db, id)) return undefined
      const [doc] = documentsByIds([id])
      const rows = db.select(briefColumns).from(entryVersionDocuments)
        .innerJoin(entryVersions, eq(entryVersions.id, entryVersionDocuments.entryVersionId))
        .innerJoin(entries, and(eq(entries.id, entryVersions.entryId), eq(entries.publishedVersionId, entryVersions.id), eq(entries.status, 'published')))
        .where(eq(entryVersionDocuments.policyDocumentId, id)).orderBy(desc(entries.hitCount), asc(entries.id)).limit(50).all()
      return { ...doc!, entries: briefs(rows) }
    },
  }
}

export type KbPublicReader = ReturnType<typeof createKbPublicReader>
