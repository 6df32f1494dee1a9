// Writes the outbox: one row per domain event that concerns a consultation an integration submitted,
// in the transaction that made the change, so an event exists if and only if the change committed.
import { randomUUID } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import type { DomainEvent, EventBus } from '../common/events.ts'
import { consultations, tickets } from '../consultations/consultations.table.ts'
import { entries, entryVersions } from '../kb/kb.table.ts'
import { units } from '../units/units.table.ts'
import { askerAccess, type AskerAccess } from '../privacy/privacy.access.ts'
import type { KnownAsker } from '../privacy/privacy.text.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { integrations, outboxEvents } from './integrations.table.ts'

const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
const num = (v: unknown) => (typeof v === 'number' ? v : undefined)

function ticketView(tx: Tx, event: DomainEvent) {
  const where = event.ticketId ? eq(tickets.id, event.ticketId) : eq(tickets.consultationId, event.consultationId)
  const t = tx.select().from(tickets).where(where).get()
  if (!t) return undefined
  const unit = tx.select({ code: units.code, name: units.name }).from(units).where(eq(units.id, t.unitId)).get()
  return { row: t, view: { number: t.number, status: t.status, receivedAt: t.receivedAt, dueAt: t.dueAt, dueAtProvisional: t.dueAtProvisional, unit: unit ?? null } }
}

function entryAnswer(tx: Tx, entryId: number | null) {
  if (!entryId) return undefined
  const row = tx.select({ id: entries.id, externalId: entries.externalId, question: entryVersions.question, answer: entryVersions.answer })
    .from(entries).innerJoin(entryVersions, eq(entryVersions.id, entries.publishedVersionId))
    .where(eq(entries.id, entryId)).get()
  return row
}

/** How the text of an event is shown: askerAccess() masks every event, for every receiver. */
export interface EventText {
  show: PrivacyService['show']
  asker: KnownAsker
}

const EVENT_ACCESS: AskerAccess = askerAccess(null, { registeredBy: null, holdingUnitId: null }, 'event')

/**
 * What a receiver needs to act on an event without calling back: the ticket as it now stands and,
 * where there is one, the answer text. Built from the rows (read inside the transaction, so they
 * include the change) with the emitter's payload filling in what the rows do not hold. Every text
 * is masked on the way in (the asker's phone inside a unit's answer, too), so the webhook, the
 * polled event and the admin's event log all carry the masked text.
 */
export function buildEventData(tx: Tx, event: DomainEvent, answeredEntryId: number | null, text: EventText): Record<string, unknown> {
  const p = event.payload
  const shown = (value: string | null) => text.show(value, EVENT_ACCESS, text.asker)
  const ticket = ticketView(tx, event)
  const data: Record<string, unknown> = { ticket: ticket?.view ?? null }
  const t = ticket?.row
  switch (event.type) {
    case 'consultation.answered': {
      // The intake puts the served entry in the payload; the rows are the fallback.
      const given = typeof p.entry === 'object' && p.entry !== null ? p.entry as Record<string, unknown> : undefined
      const entryId = num(given?.id) ?? answeredEntryId
      const stored = given && str(given.answer) ? undefined : entryAnswer(tx, entryId)
      data.entry = entryId ? { id: entryId, externalId: str(given?.externalId) ?? stored?.externalId ?? null, question: shown(str(given?.question) ?? stored?.question ?? null) } : null
      data.answer = shown(str(given?.answer) ?? stored?.answer ?? str(p.answer) ?? null)
      data.automatically = typeof p.automatically === 'boolean' ? p.automatically : null
      break
    }
    case 'ticket.assigned':
      data.assignedAt = t?.assignedAt ?? null
      break
    case 'ticket.answered':
      data.answer = shown(str(p.answer) ?? t?.answer ?? null)
      data.answeredAt = t?.answeredAt ?? null
      // A unit may revise its answer before the reply: the latest ticket.answered wins.
      data.revised = p.revised === true
      data.suggestionDecision = t?.suggestionDecision ?? null
      data.decisionReason = shown(t?.decisionReason ?? null)
      break
    case 'ticket.replied':
      data.answer = shown(t?.answer ?? str(p.answer) ?? null)
      data.replyMethod = t?.replyMethod ?? str(p.method) ?? null
      data.repliedAt = t?.repliedAt ?? null
      data.late = typeof p.late === 'boolean' ? p.late : null
      break
    case 'ticket.closed':
      data.closedAt = t?.closedAt ?? null
      data.suggestionDecision = t?.suggestionDecision ?? null
      data.decisionReason = shown(t?.decisionReason ?? null)
      break
    case 'ticket.due_soon':
      data.remainingWorkingDays = num(p.remainingWorkingDays) ?? null
      break
    case 'ticket.overdue':
      data.overdueWorkingDays = num(p.overdueWorkingDays) ?? null
      break
    case 'ticket.rated':
      // The rated round: the ticket may already be in the next one if the rating reopened it.
      data.round = num(p.ratedRound) ?? t?.round ?? null
      data.rating = str(p.rating) ?? null
      data.comment = shown(str(p.comment) ?? null)
      data.source = str(p.source) ?? null
      data.changed = p.changed === true
      break
    case 'ticket.redone':
      data.round = t?.round ?? num(p.round) ?? null
      data.reopenedAt = t?.reopenedAt ?? str(p.reopenedAt) ?? null
      data.trigger = str(p.trigger) ?? null
      data.reason = shown(str(p.reason) ?? null)
      data.previousUnit = typeof p.previousUnit === 'object' ? p.previousUnit : null
      break
    case 'promise.made':
    case 'promise.due_soon':
    case 'promise.overdue':
    case 'promise.fulfilled': {
      const given = typeof p.promise === 'object' && p.promise !== null ? p.promise as Record<string, unknown> : {}
      data.promise = {
        id: num(given.id) ?? null, content: shown(str(given.content) ?? null), dueAt: str(given.dueAt) ?? null,
        state: str(given.state) ?? null, fulfilledAt: str(given.fulfilledAt) ?? null, note: shown(str(given.note) ?? null),
        onTime: typeof given.onTime === 'boolean' ? given.onTime : null,
      }
      if (event.type === 'promise.due_soon') data.remainingWorkingDays = num(p.remainingWorkingDays) ?? null
      if (event.type === 'promise.overdue') data.overdueWorkingDays = num(p.overdueWorkingDays) ?? null
      break
    }
    default:
      break
  }
  return data
}

/** Subscribes the outbox writer to the event bus. */
export function subscribeOutbox(events: EventBus, privacy: Pick<PrivacyService, 'show'>, now: () => Date = () => new Date()) {
  events.on((tx, event) => {
    const c = tx.select({
      registeredBy: consultations.registeredBy, externalId: consultations.externalId, answeredEntryId: consultations.answeredEntryId,
      name: consultations.askerName, phone: consultations.askerPhone, email: consultations.askerEmail,
    })
      .from(consultations).where(eq(consultations.id, event.consultationId)).get()
    if (!c?.registeredBy) return
    const integration = tx.select({ id: integrations.id }).from(integrations)
      .where(and(eq(integrations.tokenId, c.registeredBy), isNull(integrations.deletedAt))).get()
    if (!integration) return
    const at = now().toISOString()
    tx.insert(outboxEvents).values({
      id: randomUUID(),
      integrationId: integration.id,
      type: event.type,
      consultationId: event.consultationId,
      externalId: c.externalId,
      payload: buildEventData(tx, event, c.answeredEntryId, { show: privacy.show, asker: { name: c.name, phone: c.phone, email: c.email } }),
      nextAttemptAt: at,
      createdAt: at,
    }).run()
  })
}
