// What other modules may read of tickets. The tables are this module's own: integrations, the
// portal and stats call these functions and never name `tickets`.
import { and, eq, inArray, isNull, lte, or } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import { first } from '../db/query.ts'
import { consultationsView } from '../consultations/consultations.queries.ts'
import { unitsView } from '../units/units.queries.ts'
import { tickets } from './tickets.table.ts'
import { OPEN_TICKET_STATUSES } from './tickets.lifecycle.ts'
import { lookupCodeMatches } from './tickets.lookup-code.ts'

// ---- the monthly publication of replies (stats) ----

/** A ticket as the publication of replies takes it: its question, asker, answer, dates and unit. */
export function ticketForPublication(tx: Tx, ticketId: number) {
  const consultation = consultationsView()
  const unit = unitsView()
  return first(tx.select({
    number: tickets.number, answer: tickets.answer, repliedAt: tickets.repliedAt,
    receivedAt: tickets.receivedAt, question: consultation.question, askerName: consultation.askerName,
    askerPhone: consultation.askerPhone, askerEmail: consultation.askerEmail, unitName: unit.name,
  }).from(tickets)
    .innerJoin(consultation, eq(consultation.id, tickets.consultationId))
    .innerJoin(unit, eq(unit.id, tickets.unitId))
    .where(eq(tickets.id, ticketId)))
}

// ---- the portal (and the rating by number and code) ----

/** The number of the first ticket among these consultations'. */
export async function ticketNumberOf(tx: Tx, consultationIds: number[]): Promise<string | undefined> {
  if (consultationIds.length === 0) return undefined
  return (await first(tx.select({ number: tickets.number }).from(tickets).where(inArray(tickets.consultationId, consultationIds))))?.number
}

/**
 * The ticket a number and its 查询码 name, as the asker typed the code: its id and the consultation
 * it handles; undefined for an unknown number and a wrong code alike (tickets.lookup-code.ts).
 */
export async function ticketByLookup(tx: Tx, number: string, code: string, opts: { legacy?: boolean } = {}): Promise<{ id: number; consultationId: number } | undefined> {
  const row = await first(tx.select({
    id: tickets.id, consultationId: tickets.consultationId, lookupCode: tickets.lookupCode, lookupCodeHash: tickets.lookupCodeHash,
  }).from(tickets).where(eq(tickets.number, number)))
  // Compared even without a ticket: an unknown number takes as long as a wrong code.
  const matches = lookupCodeMatches(row, code, opts)
  return row && matches ? { id: row.id, consultationId: row.consultationId } : undefined
}

// ---- reminders (integrations runs them on its schedule) ----

/** Open tickets due before `horizon` that are still owed a reminder (the tickets service marks them sent). */
export const reminderCandidates = (tx: Tx, horizon: string) => tx.select({
  id: tickets.id, dueAt: tickets.dueAt, dueSoonNotifiedAt: tickets.dueSoonNotifiedAt, overdueNotifiedAt: tickets.overdueNotifiedAt,
}).from(tickets).where(and(
  inArray(tickets.status, [...OPEN_TICKET_STATUSES]),
  lte(tickets.dueAt, horizon),
  or(isNull(tickets.dueSoonNotifiedAt), isNull(tickets.overdueNotifiedAt)),
))
