// What every action on a ticket shares: loading it for an actor (visibility, permission, the
// lifecycle's next state) and emitting its domain event. Used by tickets.service.ts and by the
// after-the-reply actions (tickets.followup.ts), so both apply the one rule.
import type { Actor } from '../auth/auth.service.ts'
import type { Config } from '../config.ts'
import type { Tx } from '../db/client.ts'
import type { DomainEvent, EventBus, EventOf, EventPayloads, TicketSnapshot, UnitRef } from '../common/events.ts'
import { eventText } from '../privacy/privacy.access.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { canAct, canSee, nextStatus, type TicketAction } from './tickets.lifecycle.ts'
import type { ConsultationRow, TicketRow, TicketsRepository } from './tickets.repository.ts'
import { TICKET_STATUS_LABELS } from './tickets.labels.ts'
import type { TicketStatus } from './tickets.types.ts'
import { TicketActionForbiddenError, TicketNotFoundError, TicketTransitionError } from './tickets.errors.ts'
import { requireActiveUnit as requireActive } from '../units/active-unit.ts'

export const ACTION_NAMES: Record<TicketAction, string> = { assign: '交办', reassign: '转办', return: '退回', answer: '提交答复', reply: '登记回复', close: '办结', redo: '重办' }

/** The events about a ticket: every one carries the ticket as it stands after the change. */
type TicketEventType = { [K in keyof EventPayloads]: EventPayloads[K] extends { ticket: TicketSnapshot } ? K : never }[keyof EventPayloads]

/** The ticket as its events show it. */
export const ticketSnapshot = (t: TicketRow, unit: UnitRef): TicketSnapshot => ({
  number: t.number, status: t.status, receivedAt: t.receivedAt, dueAt: t.dueAt, dueAtProvisional: t.dueAtProvisional,
  unit: { code: unit.code, name: unit.name },
})

export interface TicketActionsDeps {
  repo: TicketsRepository
  events: Pick<EventBus, 'emit'>
  config: Pick<Config, 'dispatchUnitCode'>
  privacy: Pick<PrivacyService, 'snapshot'>
}

export function createTicketActions({ repo, events, config, privacy }: TicketActionsDeps) {
  const dispatchUnit = async (tx: Tx) => await repo.unitByCode(tx, config.dispatchUnitCode)

  /**
   * A ticket the actor may see, or TICKET_NOT_FOUND: another unit's ticket is private. Its row is
   * locked for the rest of the transaction first (repo.lock): what is decided from it stays true
   * until the transaction commits, whoever else acts on the ticket at the same time.
   */
  async function visible(tx: Tx, id: number, actor: Actor) {
    await repo.lock(tx, id)
    const found = await repo.findById(tx, id)
    if (!found || !canSee(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy })) throw new TicketNotFoundError(String(id))
    return found
  }

  /** A unit a ticket may be handed to: it exists and is active, or a 4xx naming `unitCode`. */
  async function requireActiveUnit(tx: Tx, code: string) {
    return requireActive(await repo.unitByCode(tx, code), code)
  }

  return {
    dispatchUnit,
    visible,
    requireActiveUnit,

    /** Loads a ticket the actor may see and act on in this way, and the state it moves to. */
    async load(tx: Tx, id: number, actor: Actor, action: TicketAction) {
      const found = await visible(tx, id, actor)
      const scope = { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy, dispatchUnitId: (await dispatchUnit(tx))?.id ?? null }
      if (!canAct(actor, action, scope)) throw new TicketActionForbiddenError(ACTION_NAMES[action])
      const to = nextStatus(found.ticket.status, action)
      if (!to) throw new TicketTransitionError(TICKET_STATUS_LABELS[found.ticket.status], ACTION_NAMES[action])
      return { ...found, to }
    },

    /**
     * Writes the move `load` allowed: to `found.to`, with `set`, only while the ticket is still in
     * the status, round and unit it was loaded in; TICKET_INVALID_TRANSITION, with the status it has
     * now, when another writer moved it first.
     */
    async moveOn(tx: Tx, found: { ticket: TicketRow; to: TicketStatus }, action: TicketAction, set: Partial<TicketRow>): Promise<TicketRow> {
      const { ticket } = found
      const updated = await repo.updateIf(tx, ticket.id, repo.stillAs({ status: ticket.status, round: ticket.round, unitId: ticket.unitId }), { ...set, status: found.to })
      if (updated) return updated
      const now = (await repo.findById(tx, ticket.id))!
      throw new TicketTransitionError(TICKET_STATUS_LABELS[now.ticket.status], ACTION_NAMES[action])
    },

    /** How the ticket's events show a text about its asker: masked (privacy.access.ts). */
    eventText: async (c: ConsultationRow) => eventText(await privacy.snapshot(), c),

    /**
     * Emits a ticket's event, whole: `t` is the ticket after the change and `unit` the unit holding
     * it; `fields` are the rest of the type's payload, texts already masked with eventText(c).
     */
    async emit<K extends TicketEventType>(tx: Tx, type: K, t: TicketRow, c: ConsultationRow, unit: UnitRef, fields: Omit<EventPayloads[K], 'ticket'>) {
      // Generic K is not narrowed to one member of the union; the signature above already ties the payload to the type.
      const event = {
        type, consultationId: c.id, ticketId: t.id, submittedBy: c.registeredBy, externalId: c.externalId,
        payload: { ticket: ticketSnapshot(t, unit), ...fields },
      } as EventOf<K> as DomainEvent
      await events.emit(tx, event)
    },
  }
}

export type TicketActions = ReturnType<typeof createTicketActions>
