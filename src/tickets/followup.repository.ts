// Drizzle access to rounds, ratings and promises (followup.table.ts).
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, notExists, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { tickets } from './tickets.table.ts'
import { ticketPromises, ticketRatings, ticketRounds, type PromiseState } from './followup.table.ts'
import type { Rating } from './tickets.types.ts'
import { consultationsView } from '../consultations/consultations.queries.ts'
import { unitsView } from '../units/units.queries.ts'

// Other modules' tables, joined through the views their owners publish.
const consultations = consultationsView()
const units = unitsView()

export type RatingRow = typeof ticketRatings.$inferSelect
export type RoundRow = typeof ticketRounds.$inferSelect
export type PromiseRow = typeof ticketPromises.$inferSelect

/** The SQL twin of isPromiseOverdue() in tickets.lifecycle.ts. */
export const promiseOverdueSql = (now: string): SQL =>
  sql`((${ticketPromises.state} = 'open' AND ${ticketPromises.dueAt} < ${now}) OR (${ticketPromises.state} = 'fulfilled' AND ${ticketPromises.fulfilledAt} > ${ticketPromises.dueAt}))`

/** How many rows of the group meet `cond`: a sum of 1s and 0s, which both engines read alike (a boolean does not sum on PostgreSQL). */
const countIf = (cond: SQL): SQL<number> => sql<number>`SUM(CASE WHEN ${cond} THEN 1 ELSE 0 END)`

export interface PromiseFilter { unitId?: number; state?: 'open' | 'overdue' | 'fulfilled'; ticketId?: number; page: number; pageSize: number }

export function createFollowupRepository() {
  const unitRef = { code: units.code, name: units.name }
  return {
    rating: (tx: Tx, ticketId: number, round: number) =>
      first(tx.select().from(ticketRatings).where(and(eq(ticketRatings.ticketId, ticketId), eq(ticketRatings.round, round)))),
    ratings: (tx: Tx, ticketId: number) => tx.select().from(ticketRatings).where(eq(ticketRatings.ticketId, ticketId)).orderBy(asc(ticketRatings.round)),
    insertRating: async (tx: Tx, values: typeof ticketRatings.$inferInsert): Promise<RatingRow> => (await tx.insert(ticketRatings).values(values).returning())[0],
    updateRating: async (tx: Tx, id: number, set: Partial<typeof ticketRatings.$inferInsert>): Promise<RatingRow> =>
      (await first(tx.update(ticketRatings).set(set).where(eq(ticketRatings.id, id)).returning()))!,

    insertRound: async (tx: Tx, values: typeof ticketRounds.$inferInsert): Promise<void> => { await tx.insert(ticketRounds).values(values) },
    rounds: (tx: Tx, ticketId: number) =>
      tx.select({ round: ticketRounds, unit: unitRef }).from(ticketRounds).innerJoin(units, eq(units.id, ticketRounds.unitId))
        .where(eq(ticketRounds.ticketId, ticketId)).orderBy(asc(ticketRounds.round)),

    /** Replied tickets whose current round has no rating yet: the call-back list (回访), oldest reply first. */
    async awaitingRating(tx: Tx, f: { unitId?: number; page: number; pageSize: number }) {
      const cond = and(
        inArray(tickets.status, ['replied', 'closed']),
        notExists(tx.select({ one: sql`1` }).from(ticketRatings).where(and(eq(ticketRatings.ticketId, tickets.id), eq(ticketRatings.round, tickets.round)))),
        f.unitId ? eq(tickets.unitId, f.unitId) : undefined,
      )
      const rows = await tx.select({ ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef }).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(cond).orderBy(asc(tickets.repliedAt), asc(tickets.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
      const total = (await first(tx.select({ n: count() }).from(tickets).where(cond)))!.n
      return { rows, total }
    },

    /** Ratings, newest first; `pending`: unsatisfied ratings of the current round (not redone yet). */
    async listRatings(tx: Tx, f: { unitId?: number; rating?: Rating; fromUtc?: string; toUtc?: string; pending?: boolean; page: number; pageSize: number }) {
      const cond = and(
        f.unitId ? eq(ticketRatings.unitId, f.unitId) : undefined,
        f.rating ? eq(ticketRatings.rating, f.rating) : undefined,
        f.fromUtc ? gte(ticketRatings.ratedAt, f.fromUtc) : undefined,
        f.toUtc ? lt(ticketRatings.ratedAt, f.toUtc) : undefined,
        f.pending ? and(eq(ticketRatings.rating, 'unsatisfied'), eq(ticketRatings.round, tickets.round)) : undefined,
      )
      const rows = await tx.select({ rating: ticketRatings, ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef }).from(ticketRatings)
        .innerJoin(tickets, eq(tickets.id, ticketRatings.ticketId))
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, ticketRatings.unitId))
        .where(cond).orderBy(desc(ticketRatings.ratedAt), desc(ticketRatings.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
      const total = (await first(tx.select({ n: count() }).from(ticketRatings).innerJoin(tickets, eq(tickets.id, ticketRatings.ticketId)).where(cond)))!.n
      return { rows, total }
    },

    insertPromise: async (tx: Tx, values: typeof ticketPromises.$inferInsert): Promise<PromiseRow> => (await tx.insert(ticketPromises).values(values).returning())[0],
    promise: (tx: Tx, id: number) => first(tx.select().from(ticketPromises).where(eq(ticketPromises.id, id))),
    /** Fulfils a promise still open: undefined when another writer fulfilled it first. */
    fulfilOpenPromise: (tx: Tx, id: number, set: Pick<typeof ticketPromises.$inferInsert, 'fulfilledAt' | 'fulfilmentNote' | 'fulfilledBy'>): Promise<PromiseRow | undefined> =>
      first(tx.update(ticketPromises).set({ ...set, state: 'fulfilled' }).where(and(eq(ticketPromises.id, id), eq(ticketPromises.state, 'open'))).returning()),
    promisesOf: (tx: Tx, ticketId: number) => tx.select().from(ticketPromises).where(eq(ticketPromises.ticketId, ticketId)).orderBy(asc(ticketPromises.id)),

    async listPromises(tx: Tx, f: PromiseFilter, now: string) {
      const stateCond = f.state === 'open' ? eq(ticketPromises.state, 'open' satisfies PromiseState)
        : f.state === 'fulfilled' ? eq(ticketPromises.state, 'fulfilled' satisfies PromiseState)
          : f.state === 'overdue' ? and(eq(ticketPromises.state, 'open'), lt(ticketPromises.dueAt, now)) : undefined
      const cond = and(f.unitId ? eq(ticketPromises.unitId, f.unitId) : undefined, f.ticketId ? eq(ticketPromises.ticketId, f.ticketId) : undefined, stateCond)
      const rows = await tx.select({ promise: ticketPromises, ticket: { id: tickets.id, number: tickets.number, consultationId: tickets.consultationId, unitId: tickets.unitId }, unit: unitRef, consultation: consultations._.selectedFields })
        .from(ticketPromises)
        .innerJoin(tickets, eq(tickets.id, ticketPromises.ticketId))
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, ticketPromises.unitId))
        .where(cond).orderBy(asc(ticketPromises.state), asc(ticketPromises.dueAt), asc(ticketPromises.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize)
      const total = (await first(tx.select({ n: count() }).from(ticketPromises).where(cond)))!.n
      return { rows, total }
    },

    /** Per unit: open, overdue now, fulfilled, fulfilled by the deadline. */
    promiseSummary(tx: Tx, unitId: number | undefined, now: string) {
      return tx.select({
        unitId: ticketPromises.unitId, code: units.code, name: units.name,
        open: countIf(sql`${ticketPromises.state} = 'open'`),
        overdue: countIf(sql`${ticketPromises.state} = 'open' AND ${ticketPromises.dueAt} < ${now}`),
        fulfilled: countIf(sql`${ticketPromises.state} = 'fulfilled'`),
        keptOnTime: countIf(sql`${ticketPromises.state} = 'fulfilled' AND ${ticketPromises.fulfilledAt} <= ${ticketPromises.dueAt}`),
      }).from(ticketPromises).innerJoin(units, eq(units.id, ticketPromises.unitId))
        .where(unitId ? eq(ticketPromises.unitId, unitId) : undefined)
        // The unit's code and name are one per unit; PostgreSQL wants them named in the grouping all the same.
        .groupBy(ticketPromises.unitId, units.code, units.name).orderBy(asc(units.code))
    },

    /** Open promises given in working days (not as a date): their deadlines follow the calendar. */
    openWorkingDayPromises: (tx: Tx) => tx.select({ promise: ticketPromises, ticketStatus: tickets.status }).from(ticketPromises)
      .innerJoin(tickets, eq(tickets.id, ticketPromises.ticketId))
      .where(and(eq(ticketPromises.state, 'open'), isNotNull(ticketPromises.workingDays))).orderBy(asc(ticketPromises.id)),
    /** Moves an open promise's deadline, only while it is still open with the deadline read; a new day owes its reminders again. */
    async redatePromise(tx: Tx, p: Pick<PromiseRow, 'id' | 'dueAt'>, due: { dueAt: string; provisional: boolean }): Promise<boolean> {
      // A reminder already sent stays sent when only the provisional mark goes: the day is the same.
      const reminders = due.dueAt === p.dueAt ? {} : { dueSoonNotifiedAt: null, overdueNotifiedAt: null }
      const moved = await tx.update(ticketPromises)
        .set({ dueAt: due.dueAt, dueAtProvisional: due.provisional, ...reminders })
        .where(and(eq(ticketPromises.id, p.id), eq(ticketPromises.state, 'open'), eq(ticketPromises.dueAt, p.dueAt))).returning({ id: ticketPromises.id })
      return moved.length > 0
    },

    /** Open promises that may owe a reminder: due within the horizon and not yet told both. */
    reminderCandidates: (tx: Tx, horizon: string) => tx.select().from(ticketPromises).where(and(
      eq(ticketPromises.state, 'open'), lte(ticketPromises.dueAt, horizon),
      or(isNull(ticketPromises.dueSoonNotifiedAt), isNull(ticketPromises.overdueNotifiedAt)),
    )),
    async markPromiseNotified(tx: Tx, id: number, kind: 'due_soon' | 'overdue', at: string): Promise<number> {
      const column = kind === 'overdue' ? ticketPromises.overdueNotifiedAt : ticketPromises.dueSoonNotifiedAt
      const marked = await tx.update(ticketPromises).set(kind === 'overdue' ? { overdueNotifiedAt: at } : { dueSoonNotifiedAt: at })
        .where(and(eq(ticketPromises.id, id), isNull(column))).returning({ id: ticketPromises.id })
      return marked.length
    },
  }
}

export type FollowupRepository = ReturnType<typeof createFollowupRepository>
