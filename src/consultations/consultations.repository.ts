import { and, count, desc, eq, gte, lt, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import type { Visibility } from '../auth/visibility.ts'
import { policyDocumentRef, servedEntry } from '../kb/kb.queries.ts'
import { topicById, topicByCode, unitByCode, unitById } from '../units/units.queries.ts'
import { consultations } from './consultations.table.ts'
import type { Channel, ConsultationKind, Outcome } from './consultations.types.ts'

export type ConsultationInsert = typeof consultations.$inferInsert
type Consultation = typeof consultations.$inferSelect

export interface ConsultationFilter {
  channel?: Channel
  kind?: ConsultationKind
  outcome?: Outcome
  receivedFrom?: string
  receivedTo?: string
  /** The viewer's visibility (auth/visibility.ts): only the rows it may see. */
  visibleTo: Visibility
  /** The unit holding a consultation's ticket now, as SQL on its id: the tickets module says (TicketDesk). */
  holdingUnit: (consultationId: SQLWrapper) => SQL
  page: number
  pageSize: number
}

export function createConsultationsRepository() {
  return {
    insert: async (tx: Tx, values: ConsultationInsert): Promise<Consultation> => (await tx.insert(consultations).values(values).returning())[0],

    findById: (tx: Tx, id: number) => first(tx.select().from(consultations).where(eq(consultations.id, id))),

    findByExternalId: (tx: Tx, registeredBy: number, externalId: string) =>
      first(tx.select().from(consultations).where(and(eq(consultations.registeredBy, registeredBy), eq(consultations.externalId, externalId)))),

    async list(tx: Tx, f: ConsultationFilter) {
      const where: SQL[] = []
      if (f.channel) where.push(eq(consultations.channel, f.channel))
      if (f.kind) where.push(eq(consultations.kind, f.kind))
      if (f.outcome) where.push(eq(consultations.outcome, f.outcome))
      if (f.receivedFrom) where.push(gte(consultations.receivedAt, f.receivedFrom))
      if (f.receivedTo) where.push(lt(consultations.receivedAt, f.receivedTo))
      // A consultation belongs to the unit holding its ticket now, if it has one.
      const visible = f.visibleTo.where({ unitId: f.holdingUnit(consultations.id), registeredBy: consultations.registeredBy })
      if (visible) where.push(visible)
      const cond = where.length ? and(...where) : undefined
      const rows = await tx.select().from(consultations).where(cond)
        .orderBy(desc(consultations.receivedAt), desc(consultations.id))
        .limit(f.pageSize).offset((f.page - 1) * f.pageSize)
      return { rows, total: (await first(tx.select({ n: count() }).from(consultations).where(cond)))!.n }
    },

    // The library's entries and documents, units and topics: read through their owners' queries.
    servedEntry,
    policyDocument: policyDocumentRef,
    unitById,
    topicByCode,
    topicById,
    unitByCode,
  }
}

export type ConsultationsRepository = ReturnType<typeof createConsultationsRepository>

