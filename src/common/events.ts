import type { Tx } from '../db/client.ts'

export type DomainEventType =
  | 'consultation.answered'
  | 'ticket.created'
  | 'ticket.assigned'
  | 'ticket.answered'
  | 'ticket.replied'
  | 'ticket.closed'
  | 'ticket.due_soon'
  | 'ticket.overdue'
  | 'ticket.rated'
  | 'ticket.redone'
  | 'promise.made'
  | 'promise.due_soon'
  | 'promise.overdue'
  | 'promise.fulfilled'

export interface DomainEvent {
  type: DomainEventType
  consultationId: number
  ticketId?: number
  /** What a receiver needs; for ticket.answered, the answer text. */
  payload: Record<string, unknown>
}

type Listener = (tx: Tx, event: DomainEvent) => void

/**
 * In-process, synchronous events. `emit` is called inside the transaction that made the change,
 * so a listener that writes (the integrations outbox) commits or rolls back with it.
 */
export function createEventBus() {
  const listeners: Listener[] = []
  return {
    on(listener: Listener) { listeners.push(listener) },
    emit(tx: Tx, event: DomainEvent) { for (const l of listeners) l(tx, event) },
  }
}

export type EventBus = ReturnType<typeof createEventBus>
