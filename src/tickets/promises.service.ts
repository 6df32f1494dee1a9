// Promises made in replies (C5, 承诺事项): what the unit undertook and by when, with reminders on
// working days, an overdue state, and closing only with a note of what was done.
import type { Actor } from '../auth/auth.service.ts'
import { visibility } from '../auth/visibility.ts'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import type { EventBus, PromiseSnapshot } from '../common/events.ts'
import { withDetails } from '../plugins/errors.ts'
import { chineseDateTime, endOfShanghaiDay, shanghaiDate, systemClock, type Clock } from '../common/time.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { askerAccess, knownAsker, type AskerAccess } from '../privacy/privacy.access.ts'
import { reminderFor, type WorkingCalendar } from './tickets.reminders.ts'
import { canSee, isOpen, isPromiseOverdue } from './tickets.lifecycle.ts'
import { createTicketActions } from './tickets.actions.ts'
import { createTicketsRepository, type ConsultationRow, type TicketRow } from './tickets.repository.ts'
import { createFollowupRepository, type PromiseRow } from './followup.repository.ts'
import type { CalendarPort } from './tickets.dependencies.ts'
import { TICKET_STATUS_LABELS } from './tickets.labels.ts'
import {
  PromiseAlreadyFulfilledError, PromiseDuePastError, PromiseDueRequiredError, PromiseNotFoundError, PromiseTicketStateError,
} from './followup.errors.ts'
import { TicketActionForbiddenError } from './tickets.errors.ts'

export interface PromiseInput { content: string; dueOn?: string; workingDays?: number }

export interface PromisesDeps {
  db: Db
  config: Pick<Config, 'dispatchUnitCode'>
  events: Pick<EventBus, 'emit'>
  calendar: CalendarPort & WorkingCalendar
  privacy: Pick<PrivacyService, 'snapshot'>
  now?: Clock
}

// No run of days off is longer than this, so no promise due later can be due within one working day.
const HORIZON_MS = 31 * 86_400_000

/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Show = Pick<Awaited<ReturnType<PrivacyService['snapshot']>>, 'show'>

export function createPromisesService({ db, config, events, calendar, privacy, now = systemClock }: PromisesDeps) {
  const repo = createTicketsRepository()
  const followups = createFollowupRepository()
  const actions = createTicketActions({ repo, events, config, privacy })

  /** The promise as its events show it, texts masked for the consultation's asker. */
  const eventPromise = async (p: PromiseRow, c: ConsultationRow): Promise<PromiseSnapshot> => {
    const text = await actions.eventText(c)
    return {
      id: p.id, content: text(p.content), dueAt: p.dueAt, state: p.state, fulfilledAt: p.fulfilledAt, note: text(p.fulfilmentNote),
      onTime: p.fulfilledAt ? p.fulfilledAt <= p.dueAt : null,
    }
  }

  /**
   * How `viewer` sees a promise's text. The text is the unit's own, stored as written: the office, the
   * unit that made the promise and the unit holding the ticket (and the agent who registered it, who
   * sees the ticket in full) read it as written, a staff phone number included; anyone else, and every
   * event, reads it masked, as the ticket's other texts.
   */
  function accessOf(viewer: Actor, p: Pick<PromiseRow, 'unitId'>, t: { unitId: number }, c: Pick<ConsultationRow, 'registeredBy'>): AskerAccess {
    if (viewer.role === 'unit' && viewer.unitId === p.unitId) return 'full'
    return askerAccess(viewer, { registeredBy: c.registeredBy, holdingUnitId: t.unitId }, 'record')
  }

  /** A promise as the API shows it; `shown` is the privacy snapshot the caller read. */
  function view(shown: Show, p: PromiseRow, c: Pick<ConsultationRow, 'askerName' | 'askerPhone' | 'askerEmail'>, at: string, extra: { ticket: { id: number; number: string }; unit: { code: string; name: string } }, access: AskerAccess) {
    const asker = knownAsker(c)
    const overdue = isPromiseOverdue(p, at)
    return {
      id: p.id, ticket: extra.ticket, unit: extra.unit, round: p.round,
      content: shown.show(p.content, access, asker),
      dueOn: p.dueOn, workingDays: p.workingDays, dueAt: p.dueAt, dueAtProvisional: p.dueAtProvisional,
      state: p.state, stateName: p.state === 'fulfilled' ? (overdue ? '逾期办结' : '按期办结') : overdue ? '已逾期' : '进行中',
      overdue,
      remainingWorkingDays: p.state === 'open' ? (at <= p.dueAt ? calendar.workingDaysBetween(at, p.dueAt) : -calendar.workingDaysBetween(p.dueAt, at)) : null,
      fulfilledAt: p.fulfilledAt, fulfilmentNote: shown.show(p.fulfilmentNote, access, asker),
      keptOnTime: p.state === 'fulfilled' ? !overdue : null,
      createdAt: p.createdAt,
    }
  }

  /** Records promises on a ticket inside the caller's transaction (the answer's, or the route's own). */
  async function addIn(tx: Tx, t: TicketRow, c: ConsultationRow, unit: { code: string; name: string }, items: PromiseInput[], actorTokenId: number | null): Promise<PromiseRow[]> {
    const at = now().toISOString()
    const today = shanghaiDate(new Date(at))
    // One after another: every statement is in the caller's transaction.
    const made: PromiseRow[] = []
    for (const [i, item] of items.entries()) {
      const field = `promises.${i}`
      if ((item.dueOn === undefined) === (item.workingDays === undefined)) {
        throw withDetails(new PromiseDueRequiredError(), [{ field: `${field}.dueOn`, message: '请填写完成日期或工作日数（二者选一）' }])
      }
      if (item.dueOn !== undefined && item.dueOn < today) {
        throw withDetails(new PromiseDuePastError(item.dueOn), [{ field: `${field}.dueOn`, message: `完成日期不能早于今天（${today}）` }])
      }
      const due = item.dueOn !== undefined ? { dueAt: endOfShanghaiDay(item.dueOn), provisional: false } : calendar.dueAt(at, item.workingDays!)
      const p = await followups.insertPromise(tx, {
        ticketId: t.id, round: t.round, unitId: t.unitId, content: item.content, dueOn: item.dueOn ?? null, workingDays: item.workingDays ?? null,
        dueAt: due.dueAt, dueAtProvisional: due.provisional, createdBy: actorTokenId, createdAt: at,
      })
      const when = item.dueOn ? `${item.dueOn} 前` : `${item.workingDays} 个工作日内（${shanghaiDate(new Date(due.dueAt))} 前${due.provisional ? '，暂定' : ''}）`
      await repo.appendEvent(tx, { ticketId: t.id, at, actorTokenId, action: 'promise', fromStatus: t.status, toStatus: t.status, note: `承诺${when}：${item.content}` })
      await actions.emit(tx, 'promise.made', t, c, unit, { promise: await eventPromise(p, c) })
      made.push(p)
    }
    return made
  }

  async function loadPromise(tx: Tx, id: number, actor: Actor) {
    const p = await followups.promise(tx, id)
    const found = p && await repo.findById(tx, p.ticketId)
    // A unit sees the promises it made, and those of the tickets it holds now.
    const visible = found && (canSee(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy })
      || visibility(actor).sees({ unitId: p.unitId }))
    if (!p || !found || !visible) throw new PromiseNotFoundError(String(id))
    return { p, ...found }
  }

  function notify(id: number, reminder: { kind: 'due_soon'; remainingWorkingDays: number } | { kind: 'overdue'; overdueWorkingDays: number }, at: Date): Promise<boolean> {
    return db.transaction(async (tx) => {
      // The guard keeps "once per promise per state" even if two runs overlap.
      if (await followups.markPromiseNotified(tx, id, reminder.kind, at.toISOString()) === 0) return false
      const p = (await followups.promise(tx, id))!
      const { ticket, consultation, unit } = (await repo.findById(tx, p.ticketId))!
      const promise = await eventPromise(p, consultation)
      if (reminder.kind === 'overdue') await actions.emit(tx, 'promise.overdue', ticket, consultation, unit, { promise, overdueWorkingDays: reminder.overdueWorkingDays })
      else await actions.emit(tx, 'promise.due_soon', ticket, consultation, unit, { promise, remainingWorkingDays: reminder.remainingWorkingDays })
      return true
    })
  }

  return {
    addIn,

    /** Promises added after the answer (POST /tickets/:id/promises): by the unit holding the ticket, or an admin. */
    add(ticketId: number, items: PromiseInput[], actor: Actor) {
      return db.transaction(async (tx) => {
        const found = await actions.visible(tx, ticketId, actor)
        if (actor.role !== 'admin' && actor.role !== 'unit') throw new TicketActionForbiddenError('登记承诺事项')
        if (isOpen(found.ticket.status) && found.ticket.status !== 'answered') throw new PromiseTicketStateError(TICKET_STATUS_LABELS[found.ticket.status])
        const at = now().toISOString()
        const made = await addIn(tx, found.ticket, found.consultation, found.unit, items, actor.tokenId)
        const shown = await privacy.snapshot()
        return made.map((p) => view(shown, p, found.consultation, at, { ticket: { id: found.ticket.id, number: found.ticket.number }, unit: found.unit }, accessOf(actor, p, found.ticket, found.consultation)))
      })
    },

    /** 办结 a promise: only with a note of what was done; by the unit that made it, or an admin. */
    fulfil(id: number, input: { note: string }, actor: Actor) {
      return db.transaction(async (tx) => {
        const { p, ticket, consultation, unit } = await loadPromise(tx, id, actor)
        if (actor.role !== 'admin' && !(actor.role === 'unit' && actor.unitId === p.unitId)) throw new TicketActionForbiddenError('办结承诺事项')
        if (p.state === 'fulfilled') throw new PromiseAlreadyFulfilledError(String(id), chineseDateTime(p.fulfilledAt))
        const at = now().toISOString()
        // Guarded by its state: of two fulfilments at once, the second is refused like a late one.
        const done = await followups.fulfilOpenPromise(tx, id, { fulfilledAt: at, fulfilmentNote: input.note, fulfilledBy: actor.tokenId })
        if (!done) {
          const now = (await followups.promise(tx, id))!
          throw new PromiseAlreadyFulfilledError(String(id), chineseDateTime(now.fulfilledAt))
        }
        const onTime = at <= p.dueAt
        await repo.appendEvent(tx, { ticketId: ticket.id, at, actorTokenId: actor.tokenId, action: 'promise_fulfilled', fromStatus: ticket.status, toStatus: ticket.status, note: `承诺事项${onTime ? '按期' : '逾期'}办结：${p.content}；落实情况：${input.note}` })
        await actions.emit(tx, 'promise.fulfilled', ticket, consultation, unit, { promise: await eventPromise(done, consultation) })
        const promiseUnit = (await repo.unitById(tx, p.unitId))!
        return view(await privacy.snapshot(), done, consultation, at, { ticket: { id: ticket.id, number: ticket.number }, unit: { code: promiseUnit.code, name: promiseUnit.name } }, accessOf(actor, done, ticket, consultation))
      })
    },

    /** A ticket's promises, for its detail view as `viewer` sees it. */
    async ofTicket(tx: Tx, t: TicketRow, c: ConsultationRow, viewer: Actor) {
      const at = now().toISOString()
      const unitRefs = new Map<number, { code: string; name: string }>()
      const made = await followups.promisesOf(tx, t.id)
      for (const p of made) {
        if (!unitRefs.has(p.unitId)) { const u = (await repo.unitById(tx, p.unitId))!; unitRefs.set(p.unitId, { code: u.code, name: u.name }) }
      }
      const shown = await privacy.snapshot()
      return made.map((p) => view(shown, p, c, at, { ticket: { id: t.id, number: t.number }, unit: unitRefs.get(p.unitId)! }, accessOf(viewer, p, t, c)))
    },

    /** The office's (or a unit's own) promises: open, overdue or fulfilled; overdue and nearest first. */
    async list(q: { unitId?: number; state?: 'open' | 'overdue' | 'fulfilled'; page: number; pageSize: number }, viewer: Actor) {
      const at = now().toISOString()
      const { rows, total } = await followups.listPromises(db, q, at)
      const shown = await privacy.snapshot()
      return {
        items: rows.map((r) => view(shown, r.promise, r.consultation, at, { ticket: { id: r.ticket.id, number: r.ticket.number }, unit: r.unit }, accessOf(viewer, r.promise, r.ticket, r.consultation))),
        total, page: q.page, pageSize: q.pageSize,
      }
    },

    /** Per unit: open, overdue now, fulfilled and kept on time. */
    async summary(unitId: number | undefined) {
      return await followups.promiseSummary(db, unitId, now().toISOString())
    },

    /** promise.due_soon and promise.overdue, on working days only, once per promise each (like the tickets' reminders). */
    async runReminders(at: Date = now()) {
      const summary = { workingDay: calendar.isWorkingDay(shanghaiDate(at)), dueSoon: 0, overdue: 0 }
      if (!summary.workingDay) return summary
      const atIso = at.toISOString()
      for (const p of await followups.reminderCandidates(db, new Date(at.getTime() + HORIZON_MS).toISOString())) {
        let remaining = 0
        const kind = reminderFor(p, atIso, () => (remaining = calendar.workingDaysBetween(at, p.dueAt)))
        // Each reminder in a transaction of its own, one after another.
        if (kind === 'overdue' && await notify(p.id, { kind, overdueWorkingDays: calendar.workingDaysBetween(p.dueAt, at) }, at)) summary.overdue++
        else if (kind === 'due_soon' && await notify(p.id, { kind, remainingWorkingDays: remaining }, at)) summary.dueSoon++
      }
      return summary
    },
  }
}

export type PromisesService = ReturnType<typeof createPromisesService>
