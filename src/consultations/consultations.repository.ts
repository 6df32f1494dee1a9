import { and, count, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import type { Visibility } from '../auth/visibility.ts'
import type { Channel } from '../config.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments } from '../kb/kb.table.ts'
import { topics, units } from '../units/units.table.ts'
import { consultations, type ConsultationKind, type Outcome } from './consultations.table.ts'
import { isInForce } from '../kb/kb.in-force.ts'

export type ConsultationInsert = typeof consultations.$inferInsert

export interface ConsultationFilter {
  channel?: Channel
  kind?: ConsultationKind
  outcome?: Outcome
  receivedFrom?: string
  receivedTo?: string
  /** The viewer's visibility (auth/visibility.ts): only the rows it may see. */
  visibleTo: Visibility
  page: number
  pageSize: number
}

export function createConsultationsRepository() {
  return {
    insert: (tx: Tx, values: ConsultationInsert) => tx.insert(consultations).values(values).returning().get(),

    findById: (tx: Tx, id: number) => tx.select().from(consultations).where(eq(consultations.id, id)).get(),

    findByExternalId: (tx: Tx, registeredBy: number, externalId: string) =>
      tx.select().from(consultations).where(and(eq(consultations.registeredBy, registeredBy), eq(consultations.externalId, externalId))).get(),

    list(tx: Tx, f: ConsultationFilter) {
      const where: SQL[] = []
      if (f.channel) where.push(eq(consultations.channel, f.channel))
      if (f.kind) where.push(eq(consultations.kind, f.kind))
      if (f.outcome) where.push(eq(consultations.outcome, f.outcome))
      if (f.receivedFrom) where.push(gte(consultations.receivedAt, f.receivedFrom))
      if (f.receivedTo) where.push(lt(consultations.receivedAt, f.receivedTo))
      // A consultation belongs to the unit holding its ticket now, if it has one.
      const visible = f.visibleTo.where({ unitId: sql`(select t.unit_id from tickets t where t.consultation_id = ${consultations.id})`, registeredBy: consultations.registeredBy })
      if (visible) where.push(visible)
      const cond = where.length ? and(...where) : undefined
      const rows = tx.select().from(consultations).where(cond)
        .orderBy(desc(consultations.receivedAt), desc(consultations.id))
        .limit(f.pageSize).offset((f.page - 1) * f.pageSize).all()
      return { rows, total: tx.select({ n: count() }).from(consultations).where(cond).get()!.n }
    },

    /** An entry as served to the asker: its published version, unit and topic, and whether it is in force. */
    servedEntry(tx: Tx, entryId: number) {
      const row = tx.select({
        id: entries.id, externalId: entries.externalId, status: entries.status,
        versionId: entryVersions.id, question: entryVersions.question, answer: entryVersions.answer,
        unitCode: units.code, unitName: units.name, topicCode: topics.code, topicName: topics.name,
      }).from(entries)
        .innerJoin(units, eq(units.id, entries.unitId))
        .leftJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
        .leftJoin(topics, eq(topics.id, entries.topicId))
        .where(eq(entries.id, entryId)).get()
      if (!row) return undefined
      const docs = row.versionId === null ? [] : tx.select({ validity: policyDocuments.validity }).from(entryVersionDocuments)
        .innerJoin(policyDocuments, eq(policyDocuments.id, entryVersionDocuments.policyDocumentId))
        .where(eq(entryVersionDocuments.entryVersionId, row.versionId)).all()
      return { ...row, inForce: isInForce(docs.map((d) => d.validity)) }
    },

    policyDocument: (tx: Tx, id: number) =>
      tx.select({ id: policyDocuments.id, unitId: policyDocuments.unitId }).from(policyDocuments).where(eq(policyDocuments.id, id)).get(),

    unitCodes(tx: Tx, ids: number[]) {
      if (ids.length === 0) return new Map<number, string>()
      return new Map(tx.select({ id: units.id, code: units.code }).from(units).where(inArray(units.id, ids)).all().map((u) => [u.id, u.code]))
    },

    /** The default unit of each topic code given. */
    topicUnitCodes(tx: Tx, codes: string[]) {
      if (codes.length === 0) return new Map<string, string>()
      const rows = tx.select({ code: topics.code, unitCode: units.code }).from(topics)
        .innerJoin(units, eq(units.id, topics.defaultUnitId))
        .where(inArray(topics.code, codes)).all()
      return new Map(rows.map((r) => [r.code, r.unitCode]))
    },

    topicByCode: (tx: Tx, code: string) => tx.select().from(topics).where(eq(topics.code, code)).get(),
    topicById: (tx: Tx, id: number) => tx.select({ code: topics.code, name: topics.name }).from(topics).where(eq(topics.id, id)).get(),
    unitByCode: (tx: Tx, code: string) => tx.select().from(units).where(eq(units.code, code)).get(),
  }
}

export type ConsultationsRepository = ReturnType<typeof createConsultationsRepository>

