import { askerView, knownAsker, listedAsker, listedText, type AskerAccess } from '../privacy/privacy.access.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { RATING_LABELS, TICKET_STATUS_LABELS } from './tickets.labels.ts'
import type { RatingRow, RoundRow } from './followup.repository.ts'
import type { PromisesService } from './promises.service.ts'
import { isOpen, isOverdue } from './tickets.lifecycle.ts'
import type { CalendarPort } from './tickets.dependencies.ts'
import type { ConsultationRow, TicketRow, TicketsRepository } from './tickets.repository.ts'
import { formatLookupCode } from './tickets.lookup-code.ts'
import { LIMITS } from '../common/schemas.ts'

const SENTENCE_END = /[。！？；!?;…\n]/
/**
 * The default public summary of a suggestion (its de-identified text) cut to what the summary field
 * takes (LIMITS.question): a letter may run to 10,000 characters, and the console sends the default
 * back as publicSummary (review 21, L2). It ends at the last sentence end in the second half of the
 * allowed length, else at the limit itself (never inside a surrogate pair).
 */
export function defaultPublicSummary(deidentified: string, max: number = LIMITS.question): string {
  if (deidentified.length <= max) return deidentified
  for (let i = max - 1; i >= max / 2; i--) if (SENTENCE_END.test(deidentified[i])) return deidentified.slice(0, i + 1).trimEnd()
  const cut = /[\uD800-\uDBFF]/.test(deidentified[max - 1]) ? max - 1 : max
  return deidentified.slice(0, cut)
}

// How tickets are shown. Whether the asker is shown in full is decided by askerAccess() in the
// privacy module; the views apply it to every field that may carry the asker's details.

type UnitRef = { code: string; name: string }

/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Show = Pick<Awaited<ReturnType<PrivacyService['snapshot']>>, 'show' | 'deidentify'>

/**
 * Whole working days left until the deadline (0 on the due day); negative once overdue, counting
 * the working days since; null once the asker has been answered.
 */
export function remainingWorkingDays(calendar: CalendarPort, t: Pick<TicketRow, 'status' | 'dueAt'>, now: string): number | null {
  if (!isOpen(t.status)) return null
  return now <= t.dueAt ? calendar.workingDaysBetween(now, t.dueAt) : -calendar.workingDaysBetween(t.dueAt, now)
}

/**
 * remainingWorkingDays for a whole page at once. Working days elapsed are additive
 * (W(a, c) = W(a, b) + W(b, c)), so walking the deadlines outwards from now in order costs one
 * pass over the span instead of one per row: a page of long-overdue tickets stays cheap.
 */
export function remainingByDueAt(calendar: CalendarPort, dueAts: readonly string[], now: string): Map<string, number> {
  const out = new Map<string, number>()
  const unique = [...new Set(dueAts)]
  const ahead = unique.filter((d) => d >= now).sort()
  const behind = unique.filter((d) => d < now).sort().reverse()
  let at = now
  let total = 0
  for (const d of ahead) { total += calendar.workingDaysBetween(at, d); out.set(d, total); at = d }
  at = now
  total = 0
  for (const d of behind) { total += calendar.workingDaysBetween(d, at); out.set(d, -total); at = d }
  return out
}

/** What the intake reply says about the ticket it opened. */
export function ticketBrief(t: TicketRow, unit: UnitRef) {
  return { id: t.id, number: t.number, lookupCode: t.lookupCode && formatLookupCode(t.lookupCode), unit, status: t.status, receivedAt: t.receivedAt, dueAt: t.dueAt, dueAtProvisional: t.dueAtProvisional }
}

/**
 * One row of the ledger. Lists never show contact details in full, nor inside the question.
 * `remaining` is the page's remainingByDueAt(), when the caller computed it.
 */
export function ticketRow(calendar: CalendarPort, privacy: Show, r: { ticket: TicketRow; consultation: ConsultationRow; unit: UnitRef }, now: string, remaining?: Map<string, number>) {
  const { ticket: t, consultation: c } = r
  return {
    id: t.id,
    number: t.number,
    kind: c.kind,
    channel: c.channel,
    status: t.status,
    statusName: TICKET_STATUS_LABELS[t.status],
    unit: r.unit,
    question: listedText(privacy, c.question, c),
    askerName: listedAsker(c).name,
    receivedAt: t.receivedAt,
    dueAt: t.dueAt,
    dueAtProvisional: t.dueAtProvisional,
    remainingWorkingDays: remaining && isOpen(t.status) ? remaining.get(t.dueAt)! : remainingWorkingDays(calendar, t, now),
    overdue: isOverdue(t, now),
    repliedAt: t.repliedAt,
    reassignCount: t.reassignCount,
    returnCount: t.returnCount,
  }
}

type HistoryRow = Awaited<ReturnType<TicketsRepository['history']>>[number]

export function historyView(h: HistoryRow, note: (text: string | null) => string | null = (t) => t) {
  return {
    at: h.at,
    action: h.action,
    actor: h.actorName ? { name: h.actorName, role: h.actorRole! } : null,
    fromStatus: h.fromStatus,
    toStatus: h.toStatus,
    fromUnit: h.fromUnitCode ? { code: h.fromUnitCode, name: h.fromUnitName! } : null,
    toUnit: h.toUnitCode ? { code: h.toUnitCode, name: h.toUnitName! } : null,
    note: note(h.note),
  }
}

export interface TicketDetailParts {
  ticket: TicketRow
  consultation: ConsultationRow
  unit: UnitRef
  history: HistoryRow[]
  policyDocument: { id: number; title: string; docNumber: string | null } | null
  access: AskerAccess
}

/** A ticket in its own view: every text that may hold the asker's details shown as `access` allows. */
export function ticketDetail(calendar: CalendarPort, privacy: Show, p: TicketDetailParts, now: string) {
  const { ticket: t, consultation: c } = p
  const asker = knownAsker(c)
  const show = <T extends string | null>(text: T) => privacy.show(text, p.access, asker)
  return {
    ...ticketRow(calendar, privacy, p, now),
    question: show(c.question),
    consultationId: c.id,
    externalId: c.externalId,
    routing: t.routing,
    asker: askerView(c, p.access),
    assignedAt: t.assignedAt,
    workingDays: t.workingDays,
    answer: show(t.answer),
    answeredAt: t.answeredAt,
    reply: t.repliedAt ? { method: t.replyMethod!, repliedAt: t.repliedAt, repliedBy: t.repliedBy } : null,
    closedAt: t.closedAt,
    suggestion: c.kind === 'suggestion'
      ? {
        policyDocument: p.policyDocument, decision: t.suggestionDecision, decisionReason: show(t.decisionReason),
        // Before the decision, the text that will be public unless the unit writes its own: shown so it is checked first.
        publicSummary: t.publicSummary ?? defaultPublicSummary(privacy.deidentify(c.question, asker)),
        // A redo clears the decision: the summary stored with the old one is no longer what is published.
        publicSummaryConfirmed: t.publicSummary !== null && t.suggestionDecision !== null,
      }
      : null,
    promotedEntryId: t.promotedEntryId,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    history: p.history.map((h) => historyView(h, show)),
  }
}

/** What the rating views carry: the label beside the code, the comment shown as `access` allows. */
function ratingView(r: RatingRow, show: (text: string | null) => string | null) {
  return {
    round: r.round, rating: r.rating, ratingName: RATING_LABELS[r.rating], comment: show(r.comment),
    source: r.source, ratedAt: r.ratedAt, changedAt: r.changedAt,
  }
}

export interface FollowupParts {
  ticket: TicketRow
  consultation: ConsultationRow
  access: AskerAccess
  lookupCodeShown: boolean
  ratings: RatingRow[]
  rounds: { round: RoundRow; unit: UnitRef }[]
  promises: Awaited<ReturnType<PromisesService['ofTicket']>>
}

/** After the reply: the current round, its rating, the earlier rounds (重办) and the promises. */
export function followupDetail(privacy: Show, p: FollowupParts) {
  const asker = knownAsker(p.consultation)
  const show = <T extends string | null>(text: T) => privacy.show(text, p.access, asker)
  const byRound = new Map(p.ratings.map((r) => [r.round, ratingView(r, show)]))
  return {
    round: p.ticket.round,
    reopenedAt: p.ticket.reopenedAt,
    lookupCode: p.lookupCodeShown && p.ticket.lookupCode ? formatLookupCode(p.ticket.lookupCode) : null,
    rating: byRound.get(p.ticket.round) ?? null,
    rounds: p.rounds.map(({ round: r, unit }) => ({
      round: r.round, unit, startedAt: r.startedAt, dueAt: r.dueAt,
      answer: show(r.answer), answeredAt: r.answeredAt,
      reply: r.repliedAt ? { method: r.replyMethod!, repliedAt: r.repliedAt, repliedBy: r.repliedBy } : null,
      closedAt: r.closedAt, redoneAt: r.redoneAt, redoTrigger: r.redoTrigger, redoReason: show(r.redoReason),
      rating: byRound.get(r.round) ?? null,
    })),
    promises: p.promises,
  }
}
