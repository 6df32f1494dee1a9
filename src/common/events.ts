// Domain events: what a module tells the rest of the service about a change it made, built whole by
// the module that made it. Their payloads are also the wire contract: the integrations outbox stores
// a payload as given, and the submitting system gets it as `data` by webhook or polling
// (docs/development.md, "Events"). So the types below are written out as that contract, not borrowed
// from the tables: a domain value the contract does not name (a new ticket status) fails to compile
// at the emitter instead of reaching a receiver unannounced.
import type { Tx } from '../db/client.ts'

export interface UnitRef { code: string; name: string }

/** The ticket as it stands after the change. */
export interface TicketSnapshot {
  number: string
  status: 'registered' | 'assigned' | 'answered' | 'replied' | 'closed'
  receivedAt: string
  dueAt: string
  dueAtProvisional: boolean
  unit: UnitRef
}

/** A promise (承诺事项) as it stands after the change. */
export interface PromiseSnapshot {
  id: number
  content: string
  dueAt: string
  state: 'open' | 'fulfilled'
  fulfilledAt: string | null
  note: string | null
  onTime: boolean | null
}

type SuggestionDecision = 'adopted' | 'partially_adopted' | 'not_adopted'

/**
 * Each event type's payload. Free texts (answers, reasons, comments, the entry's question, a
 * promise's content and note) are masked by the emitter: a payload is what leaves the service.
 */
export interface EventPayloads {
  /** The letter was answered at once from the library: no ticket. */
  'consultation.answered': {
    ticket: null
    entry: { id: number; externalId: string | null; question: string | null }
    answer: string | null
    automatically: boolean
  }
  'ticket.created': { ticket: TicketSnapshot }
  'ticket.assigned': {
    ticket: TicketSnapshot
    assignedAt: string
    /** 转办 from another drafting unit, rather than 交办 by the dispatcher or at intake. */
    reassigned: boolean
    /** The unit that held the ticket before; null when it was assigned as it was registered. */
    previousUnit: UnitRef | null
    /** The dispatcher's note or the reason for 转办; null when none was given. */
    reason: string | null
  }
  'ticket.answered': {
    ticket: TicketSnapshot
    answer: string
    answeredAt: string
    /** A second answer before the reply: the latest wins. */
    revised: boolean
    suggestionDecision: SuggestionDecision | null
    decisionReason: string | null
  }
  'ticket.replied': { ticket: TicketSnapshot; answer: string | null; replyMethod: string; repliedAt: string; late: boolean }
  'ticket.closed': { ticket: TicketSnapshot; closedAt: string; suggestionDecision: SuggestionDecision | null; decisionReason: string | null }
  'ticket.due_soon': { ticket: TicketSnapshot; remainingWorkingDays: number }
  'ticket.overdue': { ticket: TicketSnapshot; overdueWorkingDays: number }
  'ticket.rated': {
    ticket: TicketSnapshot
    /** The rated round: the ticket may already be in the next one if the rating reopened it. */
    round: number
    rating: 'satisfied' | 'basically_satisfied' | 'unsatisfied'
    comment: string | null
    source: 'callback' | 'integration' | 'public'
    changed: boolean
  }
  'ticket.redone': { ticket: TicketSnapshot; round: number; reopenedAt: string; trigger: 'rating' | 'office'; reason: string; previousUnit: UnitRef }
  'promise.made': { ticket: TicketSnapshot; promise: PromiseSnapshot }
  'promise.due_soon': { ticket: TicketSnapshot; promise: PromiseSnapshot; remainingWorkingDays: number }
  'promise.overdue': { ticket: TicketSnapshot; promise: PromiseSnapshot; overdueWorkingDays: number }
  'promise.fulfilled': { ticket: TicketSnapshot; promise: PromiseSnapshot }
}

export type DomainEventType = keyof EventPayloads

/** Every event type, in the order the API lists them. */
export const DOMAIN_EVENT_TYPES = [
  'consultation.answered', 'ticket.created', 'ticket.assigned', 'ticket.answered',
  'ticket.replied', 'ticket.closed', 'ticket.due_soon', 'ticket.overdue',
  'ticket.rated', 'ticket.redone', 'promise.made', 'promise.due_soon', 'promise.overdue', 'promise.fulfilled',
] as const satisfies readonly DomainEventType[]
// The list names every type: a type added above and forgotten here fails to compile.
const listsEveryType: DomainEventType extends (typeof DOMAIN_EVENT_TYPES)[number] ? true : never = true
void listsEveryType

/** One event of type K: the payload, with whom it concerns. */
export interface EventOf<K extends DomainEventType> {
  type: K
  consultationId: number
  ticketId: number | null
  /** The token that submitted the consultation: an integration's token makes the event that integration's. */
  submittedBy: number | null
  /** The consultation's id in the system that submitted it. */
  externalId: string | null
  payload: EventPayloads[K]
}

/** The discriminated union of every event: `switch (event.type)` narrows the payload. */
export type DomainEvent = { [K in DomainEventType]: EventOf<K> }[DomainEventType]

type Listener = (tx: Tx, event: DomainEvent) => void | Promise<void>

/**
 * In-process events. `emit` is awaited inside the transaction that made the change, and awaits each
 * listener in turn, so a listener that writes (the integrations outbox) commits or rolls back with it.
 */
export function createEventBus() {
  const listeners: Listener[] = []
  return {
    on(listener: Listener) { listeners.push(listener) },
    async emit(tx: Tx, event: DomainEvent): Promise<void> { for (const l of listeners) await l(tx, event) },
  }
}

export type EventBus = ReturnType<typeof createEventBus>
