import type { Actor } from '../auth/auth.service.ts'
import { visibility } from '../auth/visibility.ts'
import type { TicketStatus } from './tickets.types.ts'

// The ticket state machine (C1–C4) and who may move a ticket, as pure functions.

export type TicketAction = 'assign' | 'reassign' | 'return' | 'answer' | 'reply' | 'close' | 'redo'

/** From which states each action may be taken, and where it leads. */
export const TRANSITIONS: Readonly<Record<TicketAction, { from: readonly TicketStatus[]; to: TicketStatus }>> = {
  // 交办: the dispatcher hands a registered ticket to a drafting unit.
  assign: { from: ['registered'], to: 'assigned' },
  // 转办: the ticket moves to another unit; the deadline does not restart.
  reassign: { from: ['assigned'], to: 'assigned' },
  // 退回: the unit says it is not theirs; it goes back to the dispatcher.
  return: { from: ['assigned'], to: 'registered' },
  // The unit supplies the answer; it may correct it until the asker has been told. The office may also
  // answer what it holds at dispatch (a complaint that is no policy question has no drafting unit).
  answer: { from: ['registered', 'assigned', 'answered'], to: 'answered' },
  reply: { from: ['answered'], to: 'replied' },
  close: { from: ['replied'], to: 'closed' },
  // 重办: an unsatisfactory reply is handled again, by the same unit or another, with a new deadline.
  redo: { from: ['replied', 'closed'], to: 'assigned' },
}

/**
 * The open states: the asker has not been told yet, so the deadline still runs (C3). The one
 * definition for every module (the ticket lists, reminders, the ledger and the statistics).
 */
export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['registered', 'assigned', 'answered']

export const isOpen = (status: TicketStatus) => OPEN_TICKET_STATUSES.includes(status)

/** The state after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: TicketStatus, action: TicketAction): TicketStatus | null {
  const t = TRANSITIONS[action]
  return t.from.includes(status) ? t.to : null
}

/** What the service knows about a ticket when deciding who may see or move it. */
export interface TicketScope {
  unitId: number
  /** The token that registered the consultation. */
  registeredBy: number | null
}

/**
 * Whether the actor may see the ticket at all: the one visibility rule (auth/visibility.ts), with
 * the unit holding the ticket now. A unit sees only the tickets it holds; an integration only those
 * it submitted. Everyone else gets a 404, not a 403: the ticket's existence is itself private.
 */
export const canSee = (actor: Actor, t: TicketScope): boolean => visibility(actor).sees(t)

/**
 * Whether the actor may take the action on a ticket it can see. The office (admins, agents and
 * the dispatcher unit for the tickets it holds) routes; the holding unit answers or returns;
 * whoever tells the asker records the reply; the office closes.
 */
export function canAct(actor: Actor, action: TicketAction, t: TicketScope & { dispatchUnitId: number | null }): boolean {
  if (!canSee(actor, t)) return false
  const office = actor.role === 'admin' || actor.role === 'agent'
  const holdingUnit = actor.role === 'unit'
  switch (action) {
    case 'assign': return office || (holdingUnit && t.unitId === t.dispatchUnitId)
    case 'reassign': return office
    case 'return': return office || holdingUnit
    case 'answer': return actor.role === 'admin' || holdingUnit
    case 'reply': return office || holdingUnit || actor.role === 'integration'
    case 'close': return office
    case 'redo': return office
  }
}

/** A reply can be rated once the asker has been told: replied or closed (H2). */
export const isRatable = (status: TicketStatus) => status === 'replied' || status === 'closed'

/**
 * Who may record the asker's rating: the agent who calls back (回访) and the office, or the
 * integration that submitted the letter (canSee keeps it to its own). Units never rate themselves.
 */
export function canRate(actor: Actor, t: TicketScope): boolean {
  if (!canSee(actor, t)) return false
  return actor.role === 'admin' || actor.role === 'agent' || actor.role === 'integration'
}

/**
 * The lookup code is for the asker: those who tell the asker the ticket number (the agent, the
 * office, the submitting integration) see it; the unit handling the ticket does not need it.
 */
export const mayKnowLookupCode = (actor: Pick<Actor, 'role'>) => actor.role === 'admin' || actor.role === 'agent' || actor.role === 'integration'

/** Whether a rating given at `ratedAt` may still be changed at `now` (RATING_CHANGE_DAYS). */
export function mayChangeRating(ratedAt: string, now: string, changeDays: number): boolean {
  return Date.parse(now) - Date.parse(ratedAt) <= changeDays * 86_400_000
}

/**
 * A promise is overdue while open past its deadline; kept on time when fulfilled by it. The SQL
 * twin is PROMISE_OVERDUE_SQL in followup.repository.ts (a test checks they agree).
 */
export function isPromiseOverdue(p: { state: 'open' | 'fulfilled'; dueAt: string; fulfilledAt: string | null }, now: string): boolean {
  return p.state === 'open' ? now > p.dueAt : p.fulfilledAt !== null && p.fulfilledAt > p.dueAt
}

/**
 * Overdue: still open after its deadline, or replied to after it. Compares ISO UTC strings,
 * which sort as they compare.
 */
export function isOverdue(t: { status: TicketStatus; dueAt: string; repliedAt: string | null }, now: string): boolean {
  if (t.repliedAt) return t.repliedAt > t.dueAt
  return isOpen(t.status) && now > t.dueAt
}

/** Promoting a ticket into the library (D1) is for admins and the unit holding it, whose entries they are. */
export function canPromote(actor: Actor, t: TicketScope): boolean {
  if (!canSee(actor, t)) return false
  return actor.role === 'admin' || actor.role === 'unit'
}
