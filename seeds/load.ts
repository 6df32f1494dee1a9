import { and, count, eq } from 'drizzle-orm'
import type { Db, Tx } from '../src/db/client.ts'
import { first } from '../src/db/query.ts'
import type { Services } from '../src/services.ts'
import { topics, units } from '../src/units/units.table.ts'
import { entries, entryVersionDocuments, entryVersions, interpretations, policyDocuments, reviewActions } from '../src/kb/kb.table.ts'
import { checkDemoData, readDemoData, type DemoData, type DocumentSeed, type EntrySeed } from './data.ts'

export interface DemoCounts { units: number; topics: number; documents: number; interpretations: number; entries: number }
export interface DemoSummary { inserted: DemoCounts; alreadyPresent: DemoCounts }

/** A database with no units has never been set up. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  return (await first(db.select({ n: count() }).from(units)))!.n === 0
}

/** A calendar day in Asia/Shanghai (UTC+8, no daylight saving) to the ISO UTC instant it starts, plus some hours. */
const shanghaiDay = (day: string, hour = 0) => new Date(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`).toISOString()

/**
 * Loads the demo district's data (渝兴区) in one transaction, straight through drizzle.
 *
 * Idempotent: units and topics are matched by code, policy documents by 文号, interpretations by
 * document and title, entries by externalId. Whatever already exists is left exactly as it is, so a
 * second load, or a load over a library an administrator has since edited, changes nothing.
 *
 * Entries are written as published (entry + version 1 + its documents + one `publish` review action).
 * Nothing is announced to kb.onChange: call this before `services.ready()` builds the search index,
 * or rebuild the index afterwards.
 */
export async function loadDemoData(services: Pick<Services, 'db'>, data: DemoData = readDemoData()): Promise<DemoSummary> {
  const problems = checkDemoData(data)
  if (problems.length) throw new Error(`演示数据有 ${problems.length} 处问题：\n${problems.join('\n')}`)

  return await services.db.transaction(async (tx) => {
    const inserted: DemoCounts = { units: 0, topics: 0, documents: 0, interpretations: 0, entries: 0 }
    const alreadyPresent: DemoCounts = { units: 0, topics: 0, documents: 0, interpretations: 0, entries: 0 }
    const tally = (what: keyof DemoCounts, isNew: boolean) => { (isNew ? inserted : alreadyPresent)[what]++ }

    const unitIds = new Map<string, number>()
    for (const u of data.units) {
      const found = await first(tx.select({ id: units.id }).from(units).where(eq(units.code, u.code)))
      tally('units', !found)
      unitIds.set(u.code, found?.id ?? (await tx.insert(units).values({ ...u, active: true }).returning({ id: units.id }))[0]!.id)
    }

    const topicIds = new Map<string, number>()
    for (const t of data.topics) {
      const found = await first(tx.select({ id: topics.id }).from(topics).where(eq(topics.code, t.code)))
      tally('topics', !found)
      topicIds.set(t.code, found?.id ?? (await tx.insert(topics).values({
        code: t.code, name: t.name, required: t.required, defaultUnitId: unitIds.get(t.defaultUnitCode)!,
      }).returning({ id: topics.id }))[0]!.id)
    }

    const documentIds = new Map<string, number>()
    for (const d of data.documents) {
      const found = await first(tx.select({ id: policyDocuments.id }).from(policyDocuments).where(eq(policyDocuments.docNumber, d.docNumber)))
      tally('documents', !found)
      const id = found?.id ?? await insertDocument(tx, d, unitIds.get(d.unitCode)!)
      documentIds.set(d.docNumber, id)
      for (const i of d.interpretations) {
        const has = await first(tx.select({ id: interpretations.id }).from(interpretations)
          .where(and(eq(interpretations.policyDocumentId, id), eq(interpretations.title, i.title))))
        tally('interpretations', !has)
        if (!has) await tx.insert(interpretations).values({ policyDocumentId: id, kind: i.kind, title: i.title, url: i.url })
      }
    }

    const now = new Date().toISOString()
    for (const e of data.entries) {
      const found = await first(tx.select({ id: entries.id }).from(entries).where(eq(entries.externalId, e.externalId)))
      tally('entries', !found)
      if (!found) await insertPublishedEntry(tx, e, {
        unitId: unitIds.get(e.unitCode)!,
        topicId: topicIds.get(e.topic)!,
        documentIds: e.documents.map((n) => documentIds.get(n)!),
        at: e.publishedOn ? shanghaiDay(e.publishedOn, 10) : now,
      })
    }
    return { inserted, alreadyPresent }
  })
}

async function insertDocument(tx: Tx, d: DocumentSeed, unitId: number): Promise<number> {
  const [row] = await tx.insert(policyDocuments).values({
    title: d.title,
    docNumber: d.docNumber,
    issuer: d.issuer,
    url: d.url,
    publishedOn: d.publishedOn,
    effectiveOn: d.effectiveOn,
    expiresOn: d.expiresOn ?? null,
    validity: d.validity,
    validityChangedAt: d.expiresOn ? shanghaiDay(d.expiresOn) : null,
    unitId,
  }).returning({ id: policyDocuments.id })
  return row!.id
}

async function insertPublishedEntry(tx: Tx, e: EntrySeed, ref: { unitId: number; topicId: number; documentIds: number[]; at: string }) {
  const stamps = { createdAt: ref.at, updatedAt: ref.at }
  const [{ id: entryId }] = await tx.insert(entries).values({
    externalId: e.externalId,
    unitId: ref.unitId,
    topicId: ref.topicId,
    status: 'published',
    latestVersion: 1,
    publishedAt: ref.at,
    ...stamps,
  }).returning({ id: entries.id })
  const [{ id: versionId }] = await tx.insert(entryVersions).values({
    entryId,
    version: 1,
    question: e.question,
    similarQuestions: e.similarQuestions,
    answer: e.answer,
    keywords: e.keywords,
    topicId: ref.topicId,
    media: e.media ?? [],
    state: 'published',
    changeNote: '演示数据：渝兴区存量政策咨询问答导入',
    submittedAt: ref.at,
    publishedAt: ref.at,
    ...stamps,
  }).returning({ id: entryVersions.id })
  if (ref.documentIds.length) {
    await tx.insert(entryVersionDocuments).values(ref.documentIds.map((policyDocumentId) => ({ entryVersionId: versionId, policyDocumentId })))
  }
  await tx.insert(reviewActions).values({
    entryVersionId: versionId, action: 'publish', comment: '存量问答库迁移，按已发布口径导入', createdAt: ref.at,
  })
  await tx.update(entries).set({ publishedVersionId: versionId, updatedAt: ref.at }).where(eq(entries.id, entryId))
}
