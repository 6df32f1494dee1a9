import type { Actor } from '../auth/auth.service.ts'
import { visibility } from '../auth/visibility.ts'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import type { EventBus } from '../common/events.ts'
import { withDetails } from '../plugins/errors.ts'
import { toIsoInstant } from '../common/instants.ts'
import { chineseDateTime, CLOCK_SKEW_MS, rangeBound, shanghaiDate, systemClock, type Clock } from '../common/time.ts'
import type { SuggestionDecision, TicketStatus } from './tickets.types.ts'
import { askerAccess, hasContact, knownAsker, mayEverSeeFull } from '../privacy/privacy.access.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { canAct, canSee, isOpen, mayKnowLookupCode } from './tickets.lifecycle.ts'
import { createFollowupRepository } from './followup.repository.ts'
import type { PromiseInput, PromisesService } from './promises.service.ts'
import { ACTION_NAMES, createTicketActions } from './tickets.actions.ts'
import { formatTicketNumber } from './tickets.numbering.ts'
import { storedLookupCode } from './tickets.lookup-code.ts'
import { createCalendarFollowers } from './tickets.calendar.ts'
import { chooseUnit, leadingCandidate, type RoutingDecision } from './tickets.routing.ts'
import type { RoutingHints, TicketDesk } from '../consultations/consultations.ports.ts'
import { topicUnitCodes } from '../units/units.queries.ts'
import type { DeadlineReminder } from './tickets.reminders.ts'
import type { AuditPort, CalendarPort } from './tickets.dependencies.ts'
import { createTicketsRepository, type ConsultationRow, type TicketFilter, type TicketRow } from './tickets.repository.ts'
import { defaultPublicSummary, followupDetail, remainingByDueAt, ticketBrief, ticketDetail, ticketRow } from './tickets.views.ts'
import {
  AnswerEmptyError, DecisionNotApplicableError, DecisionRequiredError, DispatchUnitMissingError, RepliedBeforeReceiptError, RepliedInFutureError,
  SuggestionUndecidedError, TicketActionForbiddenError, TicketNotFoundError, TicketSameUnitError,
} from './tickets.errors.ts'
import { paging } from '../common/schemas.ts'
import { isEmptyQuestion } from '../search/normalize.ts'

export interface TicketsServiceDeps {
  db: Db
  config: Pick<Config, 'dueWorkingDays' | 'dispatchUnitCode'>
  events: Pick<EventBus, 'emit'>
  calendar: CalendarPort
  privacy: PrivacyService
  /** Records reads of full contact details (G4); optional until the security module is wired. */
  audit?: AuditPort
  /** Promises made in answers (C5); the answer records them in its own transaction. */
  promises?: Pick<PromisesService, 'addIn' | 'ofTicket'>
  now?: Clock
}

export { ACTION_NAMES }

/** A public summary with nothing to read is refused as an empty answer is (review 21, L1). */
const SUMMARY_EMPTY = { field: 'publicSummary', message: '公开摘要不能只有标点、符号或空白' }

export interface ListQuery {
  unitCode?: string
  status?: TicketStatus[]
  channel?: TicketFilter['channel']
  kind?: TicketFilter['kind']
  from?: string
  to?: string
  overdue?: boolean
  q?: string
  sort?: TicketFilter['sort']
  page?: number
  pageSize?: number
}

export function createTicketsService({ db, config, events, calendar, privacy, audit, promises, now: clock = systemClock }: TicketsServiceDeps) {
  const repo = createTicketsRepository()
  const followups = createFollowupRepository()
  const nowIso = () => clock().toISOString()

  const actions = createTicketActions({ repo, events, config, privacy })
  const calendarFollowers = createCalendarFollowers({ db, repo, calendar, now: nowIso })
  const { dispatchUnit, load, requireActiveUnit } = actions
  const emitTicket = actions.emit

  /** Moves one ticket to another unit (交办, 转办, 退回): the deadline stays as it was. */
  async function move(id: number, actor: Actor, action: 'assign' | 'reassign' | 'return', target: (tx: Tx) => Promise<{ id: number; code: string; name: string }>, note: string | null) {
    await db.transaction(async (tx) => {
      const loaded = await load(tx, id, actor, action)
      const { ticket, consultation, unit: fromUnit, to } = loaded
      const unit = await target(tx)
      if (action === 'reassign' && unit.id === ticket.unitId) throw new TicketSameUnitError(unit.code)
      const now = nowIso()
      const updated = await actions.moveOn(tx, loaded, action, {
        unitId: unit.id,
        ...(to === 'assigned' ? { assignedAt: now } : {}),
        ...(action === 'reassign' ? { reassignCount: ticket.reassignCount + 1 } : {}),
        ...(action === 'return' ? { returnCount: ticket.returnCount + 1 } : {}),
      })
      await repo.appendEvent(tx, { ticketId: id, at: now, actorTokenId: actor.tokenId, action, fromStatus: ticket.status, toStatus: to, fromUnitId: ticket.unitId, toUnitId: unit.id, note })
      if (to === 'assigned') await emitTicket(tx, 'ticket.assigned', updated, consultation, unit, {
        assignedAt: updated.assignedAt!, reassigned: action === 'reassign', previousUnit: fromUnit, reason: (await actions.eventText(consultation))(note),
      })
    })
    return service.get(id, actor, { scoped: false })
  }

  /** Where a new ticket goes, from what the intake knows (tickets.routing.ts decides). */
  async function route(tx: Tx, hints: RoutingHints): Promise<RoutingDecision> {
    const lead = leadingCandidate(hints.candidates)
    const topicCode = hints.topicCode ?? lead?.topicCode ?? undefined
    const topicUnitCode = topicCode ? (await topicUnitCodes(tx, [topicCode])).get(topicCode) ?? null : null
    return chooseUnit({ chosenUnitCode: hints.chosenUnitCode, policyUnitCode: hints.policyUnitCode, candidates: hints.candidates, topicUnitCode, dispatchUnitCode: config.dispatchUnitCode })
  }

  const service = {
    /**
     * Opens the ticket of a consultation inside the intake's transaction: routed, numbered and
     * given its deadline, with its first history entries and domain events.
     */
    async open(tx: Tx, { consultation: c, routing, actor, askerCode }: { consultation: ConsultationRow; routing: RoutingHints; actor: Actor; askerCode?: string }) {
      const proposed = await route(tx, routing)
      // The agent's choice must be a working unit; an inferred unit that has been deactivated
      // (merged, renamed) leaves the ticket to the dispatcher rather than losing the consultation.
      const inferred = proposed.routing === 'dispatch' ? undefined
        : proposed.routing === 'chosen' ? await requireActiveUnit(tx, proposed.unitCode)
          : await repo.unitByCode(tx, proposed.unitCode)
      const decision: RoutingDecision = inferred?.active ? proposed : { unitCode: config.dispatchUnitCode, routing: 'dispatch' }
      const registered = decision.routing === 'dispatch'
      const unit = registered ? await dispatchUnit(tx) : inferred
      if (!unit) throw new DispatchUnitMissingError(config.dispatchUnitCode)
      const workingDays = config.dueWorkingDays[c.kind]
      const due = calendar.dueAt(c.receivedAt, workingDays)
      const day = shanghaiDate(c.receivedAt)
      const now = nowIso()
      // The day's counter row is taken in this same transaction: the number commits with the ticket.
      const seq = await repo.nextSequence(tx, day)
      let ticket = await repo.insert(tx, {
        number: formatTicketNumber(day, seq),
        consultationId: c.id, unitId: unit.id, status: 'registered', routing: decision.routing,
        receivedAt: c.receivedAt, workingDays, dueAt: due.dueAt, dueAtProvisional: due.provisional,
        ...storedLookupCode(askerCode), createdAt: now, updatedAt: now,
      })
      const unitRef = { code: unit.code, name: unit.name }
      const dueNote = due.provisional ? '办理时限跨入尚未公布节假日安排的年份，暂按周一至周五（除去元旦、春节等法定节日）计算' : null
      await repo.appendEvent(tx, { ticketId: ticket.id, at: now, actorTokenId: actor.tokenId, action: 'created', fromStatus: null, toStatus: 'registered', toUnitId: registered ? unit.id : null, note: dueNote })
      await emitTicket(tx, 'ticket.created', ticket, c, unitRef, {})
      if (!registered) {
        ticket = await repo.update(tx, ticket.id, { status: 'assigned', assignedAt: now })
        await repo.appendEvent(tx, { ticketId: ticket.id, at: now, actorTokenId: actor.tokenId, action: 'assign', fromStatus: 'registered', toStatus: 'assigned', toUnitId: unit.id, note: ROUTING_NOTES[decision.routing] })
        await emitTicket(tx, 'ticket.assigned', ticket, c, unitRef, { assignedAt: now, reassigned: false, previousUnit: null, reason: null })
      }
      return ticketBrief(ticket, unitRef)
    },

    /** The unit holding a consultation's ticket now, as SQL: the consultations register kept to a unit. */
    holdingUnitSql: repo.holdingUnitSql,

    /** A consultation's ticket, if it has one: its brief as the actor may see it, and the unit holding it. */
    async ofConsultation(tx: Tx, consultationId: number, actor: Pick<Actor, 'role'>) {
      const found = await repo.findByConsultation(tx, consultationId)
      if (!found) return undefined
      const brief = ticketBrief(found.ticket, found.unit)
      return { brief: { ...brief, lookupCode: mayKnowLookupCode(actor) ? brief.lookupCode : null }, unitId: found.ticket.unitId }
    },

    /**
     * The ledger as the actor may see it. With `q`, rows the actor may not see in full are searched
     * in their masked text only; a search that reads any row in full is audited (ids only, never `q`).
     */
    async list(q: ListQuery, actor: Actor, { requestId }: { requestId?: string } = {}) {
      const now = nowIso()
      const { page, pageSize } = paging(q)
      // An unknown unit matches nothing (-1), not everything; another unit asked for by a unit
      // token matches nothing too, as the viewer's visibility is applied on top.
      const unitId = q.unitCode ? (await repo.unitByCode(db, q.unitCode))?.id ?? -1 : undefined
      const { rows, total } = await repo.list(db, {
        unitId, status: q.status, channel: q.channel, kind: q.kind, overdue: q.overdue,
        q: q.q ? { text: q.q, question: await repo.questionAsSeen(actor, privacy) } : undefined,
        receivedFrom: rangeBound(q.from, false), receivedTo: rangeBound(q.to, true),
        visibleTo: visibility(actor),
        sort: q.sort ?? 'dueAt', page, pageSize,
      }, now)
      if (q.q && mayEverSeeFull(actor)) {
        await audit?.record({ actor, action: 'searchContactDetails', targetType: 'ticket', targetIds: rows.map((r) => r.ticket.id), details: { fields: ['q'], total }, requestId })
      }
      const remaining = remainingByDueAt(calendar, rows.filter((r) => isOpen(r.ticket.status)).map((r) => r.ticket.dueAt), now)
      const shown = await privacy.snapshot()
      return { items: rows.map((r) => ticketRow(calendar, shown, r, now, remaining)), total, page, pageSize }
    },

    /** The question of a ticket the actor may see, for looking up references (never sent back as it is). */
    async questionOf(id: number, actor: Actor) {
      const found = await repo.findById(db, id)
      if (!found || !canSee(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy })) throw new TicketNotFoundError(String(id))
      return found.consultation.question
    },

    /**
     * An answered ticket as a starting point for another answer: question and answer de-identified
     * as for publishing, whoever reads it, so no asker's details travel into someone else's reply.
     */
    async asReference(id: number, actor: Actor) {
      const found = await repo.findById(db, id)
      if (!found?.ticket.answer || !canSee(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy })) return undefined
      const asker = knownAsker(found.consultation)
      const shown = await privacy.snapshot()
      const { ticket: t, unit } = found
      return { id: t.id, number: t.number, question: shown.deidentify(found.consultation.question, asker), answer: shown.deidentify(t.answer!, asker), unit: { code: unit.code, name: unit.name }, answeredAt: t.answeredAt }
    },

    /** A ticket with its history. `scoped: false` is for the reply to an action the actor just took. */
    async get(id: number, actor: Actor, { scoped = true, requestId }: { scoped?: boolean; requestId?: string } = {}) {
      const found = await repo.findById(db, id)
      if (!found || (scoped && !canSee(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy }))) {
        throw new TicketNotFoundError(String(id))
      }
      const access = askerAccess(actor, { registeredBy: found.consultation.registeredBy, holdingUnitId: found.ticket.unitId }, 'record')
      // The reply to an action shows the ticket too: a full reading there is audited all the same.
      if (access === 'full' && hasContact(found.consultation)) {
        await audit?.record({ actor, action: 'readContactDetails', targetType: 'consultation', targetIds: [found.consultation.id], details: { ticketId: id }, requestId })
      }
      const policyDocument = found.consultation.policyDocumentId ? await repo.policyDocument(db, found.consultation.policyDocumentId) ?? null : null
      const history = await repo.history(db, id)
      const ratings = await followups.ratings(db, id)
      const rounds = await followups.rounds(db, id)
      const made = await promises?.ofTicket(db, found.ticket, found.consultation, actor) ?? []
      const shown = await privacy.snapshot()
      return {
        ...ticketDetail(calendar, shown, {
          ...found, history, access,
          policyDocument: policyDocument && { id: policyDocument.id, title: policyDocument.title, docNumber: policyDocument.docNumber },
        }, nowIso()),
        ...followupDetail(shown, {
          ticket: found.ticket, consultation: found.consultation, access, lookupCodeShown: mayKnowLookupCode(actor),
          ratings, rounds, promises: made,
        }),
      }
    },

    assign(id: number, body: { unitCode: string; note?: string }, actor: Actor) {
      return move(id, actor, 'assign', (tx) => requireActiveUnit(tx, body.unitCode), body.note ?? null)
    },

    reassign(id: number, body: { unitCode: string; reason: string }, actor: Actor) {
      return move(id, actor, 'reassign', (tx) => requireActiveUnit(tx, body.unitCode), body.reason)
    },

    /** 退回: back to the dispatcher, who assigns it again. */
    returnToDispatcher(id: number, body: { reason: string }, actor: Actor) {
      return move(id, actor, 'return', async (tx) => {
        const unit = await dispatchUnit(tx)
        if (!unit) throw new DispatchUnitMissingError(config.dispatchUnitCode)
        return unit
      }, body.reason)
    },

    async answer(id: number, body: { answer: string; decision?: SuggestionDecision; decisionReason?: string; publicSummary?: string; promises?: PromiseInput[] }, actor: Actor) {
      await db.transaction(async (tx) => {
        const loaded = await load(tx, id, actor, 'answer')
        const { ticket, consultation, unit, to } = loaded
        // The rule a consultation made only of punctuation is refused by (CONSULTATION_QUESTION_EMPTY):
        // such an answer would mark the ticket answered and tell the mailbox.
        const empty = [
          ...(isEmptyQuestion(body.answer) ? [{ field: 'answer', message: '答复内容不能只有标点、符号或空白' }] : []),
          ...(body.decisionReason !== undefined && isEmptyQuestion(body.decisionReason) ? [{ field: 'decisionReason', message: '理由不能只有标点、符号或空白' }] : []),
          ...(body.publicSummary !== undefined && isEmptyQuestion(body.publicSummary) ? [SUMMARY_EMPTY] : []),
        ]
        if (empty.length) throw withDetails(new AnswerEmptyError(), empty)
        if (consultation.kind === 'suggestion' && (!body.decision || !body.decisionReason)) {
          throw withDetails(new DecisionRequiredError(), [
            ...(!body.decision ? [{ field: 'decision', message: '请选择采纳、部分采纳或不采纳' }] : []),
            ...(!body.decisionReason ? [{ field: 'decisionReason', message: '请说明理由' }] : []),
          ])
        }
        if (consultation.kind === 'question') {
          // The field sent is at fault here (on the PUT, the ticket is): each is named.
          const sent = [
            ...(body.decision !== undefined ? [{ field: 'decision', message: '咨询类台账不填写采纳情况，请删去此项' }] : []),
            ...(body.decisionReason !== undefined ? [{ field: 'decisionReason', message: '咨询类台账不填写采纳理由，请删去此项' }] : []),
            ...(body.publicSummary !== undefined ? [{ field: 'publicSummary', message: '咨询类台账没有公开摘要，请删去此项' }] : []),
          ]
          if (sent.length) throw withDetails(new DecisionNotApplicableError(), sent)
        }
        const now = nowIso()
        const updated = await actions.moveOn(tx, loaded, 'answer', {
          answer: body.answer, answeredAt: now, answeredBy: actor.tokenId,
          suggestionDecision: body.decision ?? null, decisionReason: body.decisionReason ?? null,
          // What the document's page shows (F2): the unit's summary, else the one it already gave, else
          // the de-identified suggestion the ticket showed it as the default before it decided.
          ...(consultation.kind === 'suggestion'
            ? { publicSummary: body.publicSummary ?? ticket.publicSummary ?? defaultPublicSummary(await privacy.deidentify(consultation.question, knownAsker(consultation))) }
            : {}),
        })
        await repo.appendEvent(tx, {
          ticketId: id, at: now, actorTokenId: actor.tokenId, action: ticket.status === 'answered' ? 'answer_revised' : 'answer',
          fromStatus: ticket.status, toStatus: to, note: body.decision ? `${DECISION_NAMES[body.decision]}：${body.decisionReason}` : null,
        })
        const text = await actions.eventText(consultation)
        await emitTicket(tx, 'ticket.answered', updated, consultation, unit, {
          answer: text(body.answer), answeredAt: now, revised: ticket.status === 'answered',
          suggestionDecision: updated.suggestionDecision, decisionReason: text(updated.decisionReason),
        })
        if (body.promises?.length) {
          if (!promises) throw new Error('promises service not wired')
          await promises.addIn(tx, updated, consultation, unit, body.promises, actor.tokenId)
        }
      })
      return service.get(id, actor, { scoped: false })
    },

    /**
     * Corrects what a decided suggestion's document page shows (its public summary): by the unit
     * holding the ticket, or an admin, at any time after the decision.
     */
    async setPublicSummary(id: number, body: { publicSummary: string }, actor: Actor) {
      if (isEmptyQuestion(body.publicSummary)) throw withDetails(new AnswerEmptyError(), [SUMMARY_EMPTY])
      await db.transaction(async (tx) => {
        const found = await actions.visible(tx, id, actor)
        const { ticket, consultation } = found
        if (!canAct(actor, 'answer', { unitId: ticket.unitId, registeredBy: consultation.registeredBy, dispatchUnitId: null })) {
          throw new TicketActionForbiddenError('修改公开摘要')
        }
        // What the ticket is, not the text sent, is at fault: no field is named.
        if (consultation.kind !== 'suggestion') throw new DecisionNotApplicableError()
        if (!ticket.suggestionDecision) throw new SuggestionUndecidedError(ticket.number)
        const now = nowIso()
        // The ticket is locked (actions.visible) until this transaction ends.
        await repo.update(tx, id, { publicSummary: body.publicSummary })
        await repo.appendEvent(tx, { ticketId: id, at: now, actorTokenId: actor.tokenId, action: 'public_summary', fromStatus: ticket.status, toStatus: ticket.status, note: body.publicSummary })
      })
      return service.get(id, actor, { scoped: false })
    },

    async reply(id: number, body: { method: string; repliedAt?: string; repliedBy?: string; note?: string }, actor: Actor) {
      await db.transaction(async (tx) => {
        const loaded = await load(tx, id, actor, 'reply')
        const { ticket, consultation, unit, to } = loaded
        const now = nowIso()
        const repliedAt = body.repliedAt ? toIsoInstant(body.repliedAt, 'repliedAt') : now
        if (repliedAt > new Date(clock().getTime() + CLOCK_SKEW_MS).toISOString()) {
          throw withDetails(new RepliedInFutureError(chineseDateTime(repliedAt)), [{ field: 'repliedAt', message: '回复时间不能晚于当前时间' }])
        }
        if (repliedAt < ticket.receivedAt) throw withDetails(new RepliedBeforeReceiptError(chineseDateTime(repliedAt), chineseDateTime(ticket.receivedAt)), [{ field: 'repliedAt', message: '回复时间不能早于受理时间' }])
        // The working days taken are kept with the reply: the statistics read them on either engine.
        const updated = await actions.moveOn(tx, loaded, 'reply', {
          replyMethod: body.method, repliedAt, repliedBy: body.repliedBy ?? actor.name,
          workingDaysTaken: calendar.workingDaysBetween(ticket.receivedAt, repliedAt),
        })
        await repo.appendEvent(tx, { ticketId: id, at: now, actorTokenId: actor.tokenId, action: 'reply', fromStatus: ticket.status, toStatus: to, note: body.note ?? null })
        await emitTicket(tx, 'ticket.replied', updated, consultation, unit, {
          answer: (await actions.eventText(consultation))(updated.answer), replyMethod: body.method, repliedAt, late: repliedAt > ticket.dueAt,
        })
      })
      return service.get(id, actor, { scoped: false })
    },

    async close(id: number, body: { note?: string }, actor: Actor) {
      await db.transaction(async (tx) => {
        const loaded = await load(tx, id, actor, 'close')
        const { ticket, consultation, unit, to } = loaded
        const now = nowIso()
        const updated = await actions.moveOn(tx, loaded, 'close', { closedAt: now })
        await repo.appendEvent(tx, { ticketId: id, at: now, actorTokenId: actor.tokenId, action: 'close', fromStatus: ticket.status, toStatus: to, note: body.note ?? null })
        await emitTicket(tx, 'ticket.closed', updated, consultation, unit, {
          closedAt: now, suggestionDecision: updated.suggestionDecision, decisionReason: (await actions.eventText(consultation))(updated.decisionReason),
        })
      })
      return service.get(id, actor, { scoped: false })
    },

    /**
     * ticket.due_soon or ticket.overdue (the reminders decide which, integrations.reminders.ts):
     * marks it sent and emits it in one transaction; false when it had been sent already.
     */
    remindDeadline(ticketId: number, reminder: DeadlineReminder, at: Date): Promise<boolean> {
      return db.transaction(async (tx) => {
        if (await repo.markReminded(tx, ticketId, reminder.kind, at.toISOString()) === 0) return false
        const { ticket, consultation, unit } = (await repo.findById(tx, ticketId))!
        if (reminder.kind === 'overdue') await emitTicket(tx, 'ticket.overdue', ticket, consultation, unit, { overdueWorkingDays: reminder.overdueWorkingDays })
        else await emitTicket(tx, 'ticket.due_soon', ticket, consultation, unit, { remainingWorkingDays: reminder.remainingWorkingDays })
        return true
      })
    },

    // After a change of the working calendar: deadlines and working days taken (tickets.calendar.ts).
    ...calendarFollowers,
  }
  return service satisfies TicketDesk
}

export const DECISION_NAMES: Record<SuggestionDecision, string> = { adopted: '采纳', partially_adopted: '部分采纳', not_adopted: '不采纳' }

const ROUTING_NOTES = {
  chosen: '坐席指定承办单位',
  policy: '建议所涉政策文件的制定单位',
  candidates: '依据匹配到的相近条目所属单位',
  topic: '依据政策领域的默认承办单位',
  dispatch: null,
} as const

export type TicketsService = ReturnType<typeof createTicketsService>
