// After the reply (H2, C4): the asker's rating and redoing (重办). A rating is kept per round; an
// unsatisfied one reopens the ticket to the same unit (up to REDO_AUTO_LIMIT times), and the office
// may reopen a replied or closed ticket to any unit. Each redo starts a new round with a deadline of
// REDO_WORKING_DAYS from the reopening; the finished round is kept in ticket_rounds.
import type { Actor } from '../auth/auth.service.ts'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import type { EventBus } from '../common/events.ts'
import { withDetails } from '../plugins/errors.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { knownAsker } from '../privacy/privacy.access.ts'
import { canRate, isRatable, mayChangeRating } from './tickets.lifecycle.ts'
import { createTicketActions } from './tickets.actions.ts'
import { createTicketsRepository, type ConsultationRow, type TicketRow } from './tickets.repository.ts'
import { createFollowupRepository, type RatingRow } from './followup.repository.ts'
import type { Rating } from './tickets.types.ts'
import type { RatingSource } from './followup.table.ts'
import type { CalendarPort, PublicationPort } from './tickets.dependencies.ts'
import { ticketRow } from './tickets.views.ts'
import { ticketByLookup } from './tickets.queries.ts'
import { RATING_LABELS, TICKET_STATUS_LABELS } from './tickets.labels.ts'
import { RatingForbiddenError, RatingLookupFailedError, RatingNotRepliedError, RatingWindowClosedError, RedoUnitRequiredError } from './followup.errors.ts'
import { chineseDateTime, systemClock, type Clock } from '../common/time.ts'

export interface FollowupDeps {
  db: Db
  config: Pick<Config, 'dispatchUnitCode' | 'followup'>
  events: Pick<EventBus, 'emit'>
  calendar: CalendarPort
  privacy: Pick<PrivacyService, 'snapshot'>
  /** The 答复公开 lists, which drop or keep a redone ticket (stats/publications.service.ts). */
  publications?: PublicationPort
  now?: Clock
}

export interface RateInput { rating: Rating; comment?: string }
type Loaded = { ticket: TicketRow; consultation: ConsultationRow; unit: { code: string; name: string } }
/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Show = Pick<Awaited<ReturnType<PrivacyService['snapshot']>>, 'show'>

export function createFollowupService({ db, config, events, calendar, privacy, publications, now = systemClock }: FollowupDeps) {
  const repo = createTicketsRepository()
  const followups = createFollowupRepository()
  const actions = createTicketActions({ repo, events, config, privacy })

  /** Starts a new round: the finished one is kept, the ticket goes (back) to a unit with a new deadline. */
  async function redoIn(tx: Tx, found: Loaded, input: { unitCode?: string; reason: string; trigger: 'rating' | 'office' }, actorTokenId: number | null) {
    const { ticket: t, consultation: c } = found
    const current = (await repo.unitById(tx, t.unitId))!
    if (!input.unitCode && !current.active) throw withDetails(new RedoUnitRequiredError(current.code), [{ field: 'unitCode', message: `原承办单位 ${current.code} 已停用，请指定承办单位` }])
    const unit = input.unitCode ? await actions.requireActiveUnit(tx, input.unitCode) : current
    const at = now().toISOString()
    const due = calendar.dueAt(at, config.followup.redoWorkingDays)
    await followups.insertRound(tx, {
      ticketId: t.id, round: t.round, unitId: t.unitId, startedAt: t.reopenedAt ?? t.receivedAt, dueAt: t.dueAt,
      answer: t.answer, answeredAt: t.answeredAt, replyMethod: t.replyMethod, repliedAt: t.repliedAt, repliedBy: t.repliedBy, closedAt: t.closedAt,
      redoneAt: at, redoneBy: actorTokenId, redoTrigger: input.trigger, redoReason: input.reason,
    })
    // Only from the round and status it was read in: two redos at once make one new round.
    const updated = await actions.moveOn(tx, { ticket: t, to: 'assigned' }, 'redo', {
      unitId: unit.id, assignedAt: at, round: t.round + 1, reopenedAt: at,
      workingDays: config.followup.redoWorkingDays, dueAt: due.dueAt, dueAtProvisional: due.provisional,
      answer: null, answeredAt: null, answeredBy: null, replyMethod: null, repliedAt: null, repliedBy: null, workingDaysTaken: null, closedAt: null,
      suggestionDecision: null, decisionReason: null, dueSoonNotifiedAt: null, overdueNotifiedAt: null,
    })
    const why = input.trigger === 'rating' ? '咨询人不满意，自动重办' : '督办办公室决定重办'
    // The finished round's answer no longer stands: a 答复公开 list not yet public lets go of it.
    const published = await publications?.ticketRedone(tx, t.id)
    await repo.appendEvent(tx, {
      ticketId: t.id, at, actorTokenId, action: 'redo', fromStatus: t.status, toStatus: 'assigned', fromUnitId: t.unitId, toUnitId: unit.id,
      note: `第 ${t.round + 1} 轮（${why}）：${input.reason}；新的办理时限 ${chineseDateTime(due.dueAt)}${due.provisional ? '（暂定）' : ''}${published ? `；${published}` : ''}`,
    })
    await actions.emit(tx, 'ticket.redone', updated, c, unit, {
      round: updated.round, reopenedAt: at, trigger: input.trigger, reason: (await actions.eventText(c))(input.reason), previousUnit: found.unit,
    })
    return updated
  }

  /** Records (or, within the window, changes) the current round's rating; an unsatisfied one may reopen the ticket. */
  async function rateIn(tx: Tx, found: Loaded, input: RateInput, source: RatingSource, actorTokenId: number | null) {
    const { ticket: t, consultation: c } = found
    if (!isRatable(t.status)) throw withDetails(new RatingNotRepliedError(TICKET_STATUS_LABELS[t.status]), [{ field: 'rating', message: '尚未回复咨询人，不能评价' }])
    const at = now().toISOString()
    const comment = input.comment ?? null
    const existing = await followups.rating(tx, t.id, t.round)
    // The same rating sent again (a retry without Idempotency-Key) changes nothing and tells nobody twice.
    if (existing && existing.rating === input.rating && existing.comment === comment) return { rating: existing, redone: false, changed: false }
    let rating: RatingRow
    if (existing) {
      if (!mayChangeRating(existing.ratedAt, at, config.followup.ratingChangeDays)) {
        throw withDetails(new RatingWindowClosedError(chineseDateTime(existing.ratedAt), String(config.followup.ratingChangeDays)), [{ field: 'rating', message: `评价只能在 ${config.followup.ratingChangeDays} 天内修改` }])
      }
      rating = await followups.updateRating(tx, existing.id, { rating: input.rating, comment, source, ratedBy: actorTokenId, changedAt: at, changeCount: existing.changeCount + 1 })
    } else {
      rating = await followups.insertRating(tx, { ticketId: t.id, round: t.round, unitId: t.unitId, rating: input.rating, comment, source, ratedBy: actorTokenId, ratedAt: at })
    }
    const label = `${existing ? `评价由「${RATING_LABELS[existing.rating]}」改为` : '咨询人评价：'}「${RATING_LABELS[input.rating]}」`
    await repo.appendEvent(tx, {
      ticketId: t.id, at, actorTokenId, action: existing ? 'rate_changed' : 'rate', fromStatus: t.status, toStatus: t.status,
      note: `${label}（${SOURCE_NAMES[source]}）${comment ? `：${comment}` : ''}`,
    })
    await actions.emit(tx, 'ticket.rated', t, c, found.unit, { round: t.round, rating: input.rating, comment: (await actions.eventText(c))(comment), source, changed: !!existing })
    const becameUnsatisfied = input.rating === 'unsatisfied' && existing?.rating !== 'unsatisfied'
    const redone = becameUnsatisfied && t.round - 1 < config.followup.redoAutoLimit
    if (redone) await redoIn(tx, found, { reason: comment ? `咨询人不满意：${comment}` : '咨询人对答复不满意', trigger: 'rating' }, actorTokenId)
    return { rating, redone, changed: true }
  }

  /** The rating as its answers show it; `shown` is the privacy snapshot the caller read. */
  const result = (shown: Show, r: { rating: RatingRow; redone: boolean }, found: Loaded) => ({
    ticketId: found.ticket.id, number: found.ticket.number, round: r.rating.round,
    rating: r.rating.rating, ratingName: RATING_LABELS[r.rating.rating],
    comment: shown.show(r.rating.comment, 'masked', knownAsker(found.consultation)),
    source: r.rating.source, ratedAt: r.rating.ratedAt, changedAt: r.rating.changedAt,
    changeableUntil: new Date(Date.parse(r.rating.ratedAt) + config.followup.ratingChangeDays * 86_400_000).toISOString(),
    redone: r.redone,
  })

  return {
    /** The call-back (回访) or the submitting integration records the asker's rating. */
    rate(id: number, input: RateInput, actor: Actor) {
      return db.transaction(async (tx) => {
        const found = await actions.visible(tx, id, actor)
        if (!canRate(actor, { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy })) throw new RatingForbiddenError()
        const source: RatingSource = actor.role === 'integration' ? 'integration' : 'callback'
        const rated = await rateIn(tx, found, input, source, actor.tokenId)
        return result(await privacy.snapshot(), rated, found)
      })
    },

    /**
     * The public pages: the asker rates with the ticket number and the lookup code told to them. A
     * wrong number and a wrong code get the same answer, so the number alone reveals nothing.
     */
    rateByLookup(input: RateInput & { number: string; lookupCode: string }) {
      return db.transaction(async (tx) => {
        const row = await ticketByLookup(tx, input.number, input.lookupCode)
        if (!row) throw new RatingLookupFailedError()
        await repo.lock(tx, row.id)
        const found = (await repo.findById(tx, row.id))!
        const rated = await rateIn(tx, found, input, 'public', null)
        return result(await privacy.snapshot(), rated, found)
      })
    },

    /** The public pages, once they have recognised the asker by number and code (ticketByLookup): rated as the asker (source public). */
    rateAsAsker(ticketId: number, input: RateInput) {
      return db.transaction(async (tx) => {
        await repo.lock(tx, ticketId)
        const found = await repo.findById(tx, ticketId)
        if (!found) throw new RatingLookupFailedError()
        const rated = await rateIn(tx, found, input, 'public', null)
        return result(await privacy.snapshot(), rated, found)
      })
    },

    /** 重办 decided by the office: to the same unit, or to `unitCode`. */
    async redo(id: number, input: { unitCode?: string; reason: string }, actor: Actor): Promise<void> {
      await db.transaction(async (tx) => {
        const found = await actions.load(tx, id, actor, 'redo')
        await redoIn(tx, found, { ...input, trigger: 'office' }, actor.tokenId)
      })
    },

    /** The call-back list: replied tickets whose current round is not rated yet, oldest reply first. */
    async awaitingRating(q: { unitId?: number; page: number; pageSize: number }) {
      const at = now().toISOString()
      const { rows, total } = await followups.awaitingRating(db, q)
      const shown = await privacy.snapshot()
      return { items: rows.map((r) => ({ ...ticketRow(calendar, shown, r, at), round: r.ticket.round })), total, page: q.page, pageSize: q.pageSize }
    },

    /** Ratings for the office (or a unit's own), newest first; `pending`: unsatisfied and not redone. */
    async listRatings(q: { unitId?: number; rating?: Rating; fromUtc?: string; toUtc?: string; pending?: boolean; page: number; pageSize: number }) {
      const { rows, total } = await followups.listRatings(db, q)
      const shown = await privacy.snapshot()
      return {
        items: rows.map((r) => ({
          ...result(shown, { rating: r.rating, redone: r.ticket.round > r.rating.round }, r),
          unit: r.unit, ticketStatus: r.ticket.status, ticketStatusName: TICKET_STATUS_LABELS[r.ticket.status], currentRound: r.ticket.round,
        })),
        total, page: q.page, pageSize: q.pageSize,
      }
    },
  }
}

export const SOURCE_NAMES: Record<RatingSource, string> = { callback: '回访', integration: '接入系统', public: '公开页面' }

export type FollowupService = ReturnType<typeof createFollowupService>
