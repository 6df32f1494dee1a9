import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { dialectOf, forUpdate } from '../db/dialect.ts'
import { first } from '../db/query.ts'
import { tokensView } from '../auth/auth.queries.ts'
import { consultationsView, type Consultation } from '../consultations/consultations.queries.ts'
import { policyDocumentRef } from '../kb/kb.queries.ts'
import { topicById, unitByCode, unitById, unitsView } from '../units/units.queries.ts'
import type { Channel, ConsultationKind } from '../consultations/consultations.types.ts'
import { ticketCounters, ticketEvents, tickets } from './tickets.table.ts'
import type { TicketStatus } from './tickets.types.ts'
import { likeContains, likeStartsWith } from '../common/like.ts'
import { fullAccessSql, type Viewer } from '../privacy/privacy.access.ts'
import type { Visibility } from '../auth/visibility.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { OPEN_TICKET_STATUSES } from './tickets.lifecycle.ts'

export type TicketRow = typeof tickets.$inferSelect
export type ConsultationRow = Consultation
export type TicketEventInsert = typeof ticketEvents.$inferInsert

export interface TicketFilter {
  unitId?: number
  status?: TicketStatus[]
  channel?: Channel
  kind?: ConsultationKind
  /** ISO UTC bounds on the time of receipt: from inclusive, to exclusive. */
  receivedFrom?: string
  receivedTo?: string
  overdue?: boolean
  /** The viewer's visibility (auth/visibility.ts): only the rows it may see. */
  visibleTo: Visibility
  /** A ticket-number prefix or words of the question, as the viewer sees it (questionAsSeen). */
  q?: { text: string; question: SQL }
  sort: 'dueAt' | '-dueAt' | 'receivedAt' | '-receivedAt'
  page: number
  pageSize: number
}

// Consultations and units are other modules' tables: a ticket joins the views they publish.
const consultations = consultationsView()
const units = unitsView()

const open = inArray(tickets.status, [...OPEN_TICKET_STATUSES])

/**
 * The SQL twin of isOverdue(): open past the deadline, or replied after it. The one definition in SQL
 * for the tickets' lists and the ledger (tickets.ledger.ts).
 */
export const overdueAt = (now: string) => or(and(open, lt(tickets.dueAt, now)), and(isNotNull(tickets.repliedAt), gt(tickets.repliedAt, tickets.dueAt)))!

export function createTicketsRepository() {
  const unitRef = { code: units.code, name: units.name }

  return {
    /** The next number of the day's sequence, in the caller's transaction. */
    async nextSequence(tx: Tx, day: string): Promise<number> {
      const [row] = await tx.insert(ticketCounters).values({ day, seq: 1 })
        .onConflictDoUpdate({ target: ticketCounters.day, set: { seq: sql`${ticketCounters.seq} + 1` } })
        .returning({ seq: ticketCounters.seq })
      return row.seq
    },

    insert: async (tx: Tx, values: typeof tickets.$inferInsert): Promise<TicketRow> => (await tx.insert(tickets).values(values).returning())[0],

    update: async (tx: Tx, id: number, set: Partial<typeof tickets.$inferInsert>): Promise<TicketRow> =>
      (await first(tx.update(tickets).set({ ...set, updatedAt: new Date().toISOString() }).where(eq(tickets.id, id)).returning()))!,

    /**
     * Updates the ticket only while it is as the caller read it (`guard`: its status, its deadline…):
     * undefined when another writer changed it in between. The guard re-reads the committed row on
     * PostgreSQL, so a status moves once however many writers race.
     */
    updateIf: async (tx: Tx, id: number, guard: SQL | undefined, set: Partial<typeof tickets.$inferInsert>): Promise<TicketRow | undefined> =>
      await first(tx.update(tickets).set({ ...set, updatedAt: new Date().toISOString() }).where(and(eq(tickets.id, id), guard)).returning()),

    /** The guard of updateIf: the ticket still has these values (those given). */
    stillAs: (t: Partial<Pick<TicketRow, 'status' | 'round' | 'unitId' | 'dueAt'>>): SQL | undefined => and(
      t.status !== undefined ? eq(tickets.status, t.status) : undefined,
      t.round !== undefined ? eq(tickets.round, t.round) : undefined,
      t.unitId !== undefined ? eq(tickets.unitId, t.unitId) : undefined,
      t.dueAt !== undefined ? eq(tickets.dueAt, t.dueAt) : undefined,
    ),

    /** Locks the ticket's row for the rest of the transaction (see forUpdate); false when there is none. */
    lock: async (tx: Tx, id: number): Promise<boolean> =>
      (await tx.all<{ id: number }>(sql`select ${tickets.id} from ${tickets} where ${tickets.id} = ${id}${forUpdate(tx)}`)).length > 0,

    /**
     * Replied tickets (id order, after `afterId`) with their times and stored working days taken, for
     * filling or correcting them: `missing`, only those not filled yet; `repliedFrom`/`receivedTo`,
     * only those whose span may cross a changed calendar year.
     */
    repliedSpans: (tx: Tx, f: { afterId: number; limit: number; missing?: boolean; repliedFrom?: string; receivedTo?: string }) =>
      tx.select({ id: tickets.id, receivedAt: tickets.receivedAt, repliedAt: tickets.repliedAt, workingDaysTaken: tickets.workingDaysTaken })
        .from(tickets)
        .where(and(
          gt(tickets.id, f.afterId), isNotNull(tickets.repliedAt),
          f.missing ? isNull(tickets.workingDaysTaken) : undefined,
          f.repliedFrom ? gte(tickets.repliedAt, f.repliedFrom) : undefined,
          f.receivedTo ? lt(tickets.receivedAt, f.receivedTo) : undefined,
        ))
        .orderBy(asc(tickets.id)).limit(f.limit),

    /** Stores the working days taken, unless the reply changed since it was read (then the reply wrote its own). */
    setWorkingDaysTaken: async (tx: Tx, id: number, repliedAt: string, days: number): Promise<number> =>
      (await tx.update(tickets).set({ workingDaysTaken: days }).where(and(eq(tickets.id, id), eq(tickets.repliedAt, repliedAt))).returning({ id: tickets.id })).length,

    appendEvent: async (tx: Tx, values: TicketEventInsert): Promise<void> => { await tx.insert(ticketEvents).values(values) },

    /** Marks a deadline reminder as sent, unless it was already: 0 changes then (two overlapping runs send it once). */
    async markReminded(tx: Tx, id: number, kind: 'due_soon' | 'overdue', at: string): Promise<number> {
      const column = kind === 'overdue' ? tickets.overdueNotifiedAt : tickets.dueSoonNotifiedAt
      const marked = await tx.update(tickets).set(kind === 'overdue' ? { overdueNotifiedAt: at } : { dueSoonNotifiedAt: at })
        .where(and(eq(tickets.id, id), isNull(column))).returning({ id: tickets.id })
      return marked.length
    },

    findById(tx: Tx, id: number) {
      return first(tx.select({ ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef })
        .from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(eq(tickets.id, id)))
    },

    findByConsultation(tx: Tx, consultationId: number) {
      return first(tx.select({ ticket: tickets, unit: unitRef }).from(tickets)
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(eq(tickets.consultationId, consultationId)))
    },

    /** The history, oldest first, with who acted and the units' codes and names. */
    history(tx: Tx, ticketId: number) {
      const fromUnit = unitsView('from_unit')
      const toUnit = unitsView('to_unit')
      const actor = tokensView()
      return tx.select({
        at: ticketEvents.at,
        action: ticketEvents.action,
        fromStatus: ticketEvents.fromStatus,
        toStatus: ticketEvents.toStatus,
        note: ticketEvents.note,
        actorName: actor.name,
        actorRole: actor.role,
        fromUnitCode: fromUnit.code, fromUnitName: fromUnit.name,
        toUnitCode: toUnit.code, toUnitName: toUnit.name,
      }).from(ticketEvents)
        .leftJoin(actor, eq(actor.id, ticketEvents.actorTokenId))
        .leftJoin(fromUnit, eq(fromUnit.id, ticketEvents.fromUnitId))
        .leftJoin(toUnit, eq(toUnit.id, ticketEvents.toUnitId))
        .where(eq(ticketEvents.ticketId, ticketId))
        .orderBy(asc(ticketEvents.id))
    },

    async list(tx: Tx, f: TicketFilter, now: string) {
      const where: SQL[] = []
      if (f.unitId !== undefined) where.push(eq(tickets.unitId, f.unitId))
      if (f.status?.length) where.push(inArray(tickets.status, f.status))
      if (f.channel) where.push(eq(consultations.channel, f.channel))
      if (f.kind) where.push(eq(consultations.kind, f.kind))
      if (f.receivedFrom) where.push(gte(tickets.receivedAt, f.receivedFrom))
      if (f.receivedTo) where.push(lt(tickets.receivedAt, f.receivedTo))
      if (f.overdue !== undefined) where.push(f.overdue ? overdueAt(now) : sql`not (${overdueAt(now)})`)
      const visible = f.visibleTo.where({ unitId: tickets.unitId, registeredBy: consultations.registeredBy })
      if (visible) where.push(visible)
      if (f.q) where.push(or(likeStartsWith(tickets.number, f.q.text), likeContains(f.q.question, f.q.text))!)
      const cond = where.length ? and(...where) : undefined
      const order = {
        dueAt: [asc(tickets.dueAt), asc(tickets.id)],
        '-dueAt': [desc(tickets.dueAt), desc(tickets.id)],
        receivedAt: [asc(tickets.receivedAt), asc(tickets.id)],
        '-receivedAt': [desc(tickets.receivedAt), desc(tickets.id)],
      }[f.sort]
      const rows = await tx.select({ ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef })
        .from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(cond).orderBy(...order).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
      const total = (await first(tx.select({ n: count() }).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .where(cond)))!.n
      return { rows, total }
    },

    /**
     * The question as the viewer sees it: in full where askerAccess() allows it (its SQL twin), the
     * masked text elsewhere. Searching this, a viewer finds only what it could read in the results.
     */
    async questionAsSeen(viewer: Viewer, privacy: Pick<PrivacyService, 'maskedSql'>): Promise<SQL> {
      const masked = await privacy.maskedSql(consultations.question, { name: consultations.askerName, phone: consultations.askerPhone, email: consultations.askerEmail })
      return sql`(case when ${fullAccessSql(viewer, { registeredBy: consultations.registeredBy, holdingUnitId: tickets.unitId })} then ${consultations.question} else ${masked} end)`
    },

    openTickets: (tx: Tx) => tx.select().from(tickets).where(open).orderBy(asc(tickets.id)),

    /** The unit holding a consultation's ticket now (NULL: none), as SQL on the consultation's id. */
    holdingUnitSql: (consultationId: SQLWrapper): SQL => sql`(select ${tickets.unitId} from ${tickets} where ${tickets.consultationId} = ${consultationId})`,

    unitByCode,
    unitById,
    topicCode: async (tx: Tx, id: number) => (await topicById(tx, id))?.code,
    policyDocument: policyDocumentRef,
  }
}

export type TicketsRepository = ReturnType<typeof createTicketsRepository>
