// Drizzle access to rounds, ratings and promises (followup.table.ts).
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, lte, notExists, or, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
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

export interface PromiseFilter { unitId?: number; state?: 'open' | 'overdue' | 'fulfilled'; ticketId?: number; page: number; pageSize: number }

export function createFollowupRepository() {
  const unitRef = { code: units.code, name: units.name }
  return {
    rating: (tx: Tx, ticketId: number, round: number) =>
      tx.select().from(ticketRatings).where(and(eq(ticketRatings.ticketId, ticketId), eq(ticketRatings.round, round))).get(),
    ratings: (tx: Tx, ticketId: number) => tx.select().from(ticketRatings).where(eq(ticketRatings.ticketId, ticketId)).orderBy(asc(ticketRatings.round)).all(),
    insertRating: (tx: Tx, values: typeof ticketRatings.$inferInsert) => tx.insert(ticketRatings).values(values).returning().get(),
    updateRating: (tx: Tx, id: number, set: Partial<typeof ticketRatings.$inferInsert>) =>
      tx.update(ticketRatings).set(set).where(eq(ticketRatings.id, id)).returning().get()!,

    insertRound: (tx: Tx, values: typeof ticketRounds.$inferInsert) => tx.insert(ticketRounds).values(values).run(),
    rounds: (tx: Tx, ticketId: number) =>
      tx.select({ round: ticketRounds, unit: unitRef }).from(ticketRounds).innerJoin(units, eq(units.id, ticketRounds.unitId))
        .where(eq(ticketRounds.ticketId, ticketId)).orderBy(asc(ticketRounds.round)).all(),

    ticketByNumber: (tx: Tx, number: string) => tx.select({ id: tickets.id, lookupCode: tickets.lookupCode }).from(tickets).where(eq(tickets.number, number)).get(),

    /** Replied tickets whose current round has no rating yet: the call-back list (回访), oldest reply first. */
    awaitingRating(tx: Tx, f: { unitId?: number; page: number; pageSize: number }) {
      const cond = and(
        inArray(tickets.status, ['replied', 'closed']),
        notExists(tx.select({ one: sql`1` }).from(ticketRatings).where(and(eq(ticketRatings.ticketId, tickets.id), eq(ticketRatings.round, tickets.round)))),
        f.unitId ? eq(tickets.unitId, f.unitId) : undefined,
      )
      const rows = tx.select({ ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef }).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(cond).orderBy(asc(tickets.repliedAt), asc(tickets.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize).all()
      const total = tx.select({ n: count() }).from(tickets).where(cond).get()!.n
      return { rows, total }
    },

    /** Ratings, newest first; `pending`: unsatisfied ratings of the current round (not redone yet). */
    listRatings(tx: Tx, f: { unitId?: number; rating?: Rating; fromUtc?: string; toUtc?: string; pending?: boolean; page: number; pageSize: number }) {
      const cond = and(
        f.unitId ? eq(ticketRatings.unitId, f.unitId) : undefined,
        f.rating ? eq(ticketRatings.rating, f.rating) : undefined,
        f.fromUtc ? gte(ticketRatings.ratedAt, f.fromUtc) : undefined,
        f.toUtc ? lt(ticketRatings.ratedAt, f.toUtc) : undefined,
        f.pending ? and(eq(ticketRatings.rating, 'unsatisfied'), eq(ticketRatings.round, tickets.round)) : undefined,
      )
      const rows = tx.select({ rating: ticketRatings, ticket: tickets, consultation: consultations._.selectedFields, unit: unitRef }).from(ticketRatings)
        .innerJoin(tickets, eq(tickets.id, ticketRatings.ticketId))
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, ticketRatings.unitId))
        .where(cond).orderBy(desc(ticketRatings.ratedAt), desc(ticketRatings.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize).all()
      const total = tx.select({ n: count() }).from(ticketRatings).innerJoin(tickets, eq(tickets.id, ticketRatings.ticketId)).where(cond).get()!.n
      return { rows, total }
    },

    insertPromise: (tx: Tx, values: typeof ticketPromises.$inferInsert) => tx.insert(ticketPromises).values(values).returning().get(),
    promise: (tx: Tx, id: number) => tx.select().from(ticketPromises).where(eq(ticketPromises.id, id)).get(),
    updatePromise: (tx: Tx, id: number, set: Partial<typeof ticketPromises.$inferInsert>) =>
      tx.update(ticketPromises).set(set).where(eq(ticketPromises.id, id)).returning().get()!,
    promisesOf: (tx: Tx, ticketId: number) => tx.select().from(ticketPromises).where(eq(ticketPromises.ticketId, ticketId)).orderBy(asc(ticketPromises.id)).all(),

    listPromises(tx: Tx, f: PromiseFilter, now: string) {
      const stateCond = f.state === 'open' ? eq(ticketPromises.state, 'open' satisfies PromiseState)
        : f.state === 'fulfilled' ? eq(ticketPromises.state, 'fulfilled' satisfies PromiseState)
          : f.state === 'overdue' ? and(eq(ticketPromises.state, 'open'), lt(ticketPromises.dueAt, now)) : undefined
      const cond = and(f.unitId ? eq(ticketPromises.unitId, f.unitId) : undefined, f.ticketId ? eq(ticketPromises.ticketId, f.ticketId) : undefined, stateCond)
      const rows = tx.select({ promise: ticketPromises, ticket: { id: tickets.id, number: tickets.number, consultationId: tickets.consultationId }, unit: unitRef, consultation: consultations._.selectedFields })
        .from(ticketPromises)
        .innerJoin(tickets, eq(tickets.id, ticketPromises.ticketId))
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, ticketPromises.unitId))
        .where(cond).orderBy(asc(ticketPromises.state), asc(ticketPromises.dueAt), asc(ticketPromises.id)).limit(f.pageSize).offset((f.page - 1) * f.pageSize).all()
      const total = tx.select({ n: count() }).from(ticketPromises).where(cond).get()!.n
      return { rows, total }
    },

    /** Per unit: open, overdue now, fulfilled, fulfilled by the deadline. */
    promiseSummary(tx: Tx, unitId: number | undefined, now: string) {
      return tx.select({
        unitId: ticketPromises.unitId, code: units.code, name: units.name,
        open: sql<number>`SUM(${ticketPromises.state} = 'open')`,
        overdue: sql<number>`SUM(${ticketPromises.state} = 'open' AND ${ticketPromises.dueAt} < ${now})`,
        fulfilled: sql<number>`SUM(${ticketPromises.state} = 'fulfilled')`,
        keptOnTime: sql<number>`SUM(${ticketPromises.state} = 'fulfilled' AND ${ticketPromises.fulfilledAt} <= ${ticketPromises.dueAt})`,
      }).from(ticketPromises).innerJoin(units, eq(units.id, ticketPromises.unitId))
        .where(unitId ? eq(ticketPromises.unitId, unitId) : undefined)
        .groupBy(ticketPromises.unitId).orderBy(asc(units.code)).all()
    },

    /** Open promises that may owe a reminder: due within the horizon and not yet told both. */
    reminderCandidates: (tx: Tx, horizon: string) => tx.select().from(ticketPromises).where(and(
      eq(ticketPromises.state, 'open'), lte(ticketPromises.dueAt, horizon),
      or(isNull(ticketPromises.dueSoonNotifiedAt), isNull(ticketPromises.overdueNotifiedAt)),
    )).all(),
    markPromiseNotified(tx: Tx, id: number, kind: 'due_soon' | 'overdue', at: string) {
      const column = kind === 'overdue' ? ticketPromises.overdueNotifiedAt : ticketPromises.dueSoonNotifiedAt
      return tx.update(ticketPromises).set(kind === 'overdue' ? { overdueNotifiedAt: at } : { dueSoonNotifiedAt: at })
        .where(and(eq(ticketPromises.id, id), isNull(column))).run().changes
    },
  }
}

export type FollowupRepository = ReturnType<typeof createFollowupRepository>
