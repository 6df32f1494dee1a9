// What the public pages may show of a ticket: to the asker who holds its lookup code, its progress
// and the unit's answer; to everyone, the decided outcome of suggestions on a policy document (F2).
// Nothing personal: texts are de-identified (去标识化) as for publication, contact details never read out.
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import { tickets } from './tickets.table.ts'
import type { SuggestionDecision, TicketStatus } from './tickets.types.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { knownAsker } from '../privacy/privacy.access.ts'
import { isOverdue } from './tickets.lifecycle.ts'
import { PUBLIC_STATUS_LABELS } from './tickets.labels.ts'
import { DECISION_NAMES } from './tickets.service.ts'
import { consultationsView } from '../consultations/consultations.queries.ts'
import { unitsView } from '../units/units.queries.ts'

// Other modules' tables, joined through the views their owners publish.
const consultations = consultationsView()
const units = unitsView()


const ANSWERED: TicketStatus[] = ['answered', 'replied', 'closed']

export interface PublicTicketStatus {
  number: string
  kind: 'question' | 'suggestion'
  status: TicketStatus
  statusName: string
  receivedAt: string
  dueAt: string
  dueAtProvisional: boolean
  overdue: boolean
  unitName: string
  question: string
  answer: string | null
  answeredAt: string | null
  decision: SuggestionDecision | null
  decisionName: string | null
  decisionReason: string | null
}

export function createTicketsPublicView({ db, privacy }: { db: Db; privacy: Pick<PrivacyService, 'snapshot'> }) {
  const columns = {
    ticket: tickets, unitName: units.name,
    question: consultations.question, kind: consultations.kind,
    askerName: consultations.askerName, askerPhone: consultations.askerPhone, askerEmail: consultations.askerEmail,
  }

  return {
    /** The ticket of a consultation as its asker may see it on a public page, or undefined when it has none. */
    async ofConsultation(consultationId: number, now = new Date().toISOString()): Promise<PublicTicketStatus | undefined> {
      const row = await first(db.select(columns).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(eq(tickets.consultationId, consultationId)))
      if (!row) return undefined
      const t = row.ticket
      const p = await privacy.snapshot()
      const asker = knownAsker(row)
      const answered = ANSWERED.includes(t.status) && t.answer !== null
      return {
        number: t.number, kind: row.kind, status: t.status, statusName: PUBLIC_STATUS_LABELS[t.status],
        receivedAt: t.receivedAt, dueAt: t.dueAt, dueAtProvisional: t.dueAtProvisional,
        overdue: isOverdue(t, now),
        // Before a unit holds it, the dispatcher's name says nothing useful to the asker.
        unitName: t.status === 'registered' ? '' : row.unitName,
        question: p.deidentify(row.question, asker),
        answer: answered ? p.deidentify(t.answer!, asker) : null,
        answeredAt: answered ? t.answeredAt : null,
        decision: answered ? t.suggestionDecision : null,
        decisionName: answered && t.suggestionDecision ? DECISION_NAMES[t.suggestionDecision] : null,
        decisionReason: answered && t.decisionReason ? p.deidentify(t.decisionReason, asker) : null,
      }
    },

    /** Suggestions on a policy document whose adoption has been decided, newest first (F2). */
    async decidedSuggestions(policyDocumentId: number, limit = 50) {
      const rows = await db.select(columns).from(tickets)
        .innerJoin(consultations, eq(consultations.id, tickets.consultationId))
        .innerJoin(units, eq(units.id, tickets.unitId))
        .where(and(eq(consultations.kind, 'suggestion'), eq(consultations.policyDocumentId, policyDocumentId),
          isNotNull(tickets.suggestionDecision), inArray(tickets.status, ANSWERED)))
        .orderBy(desc(tickets.answeredAt), desc(tickets.id)).limit(limit)
      const p = await privacy.snapshot()
      return rows.map((r) => ({
        number: r.ticket.number,
        receivedAt: r.ticket.receivedAt,
        decidedAt: r.ticket.answeredAt,
        unitName: r.unitName,
        // The summary the unit gave or confirmed with its decision; a suggestion decided before there
        // was one shows its text, as it did then. Both are de-identified here, as the reason is: a
        // summary the unit typed may hold what it copied from the letter (review 21, M1).
        summary: p.deidentify(r.ticket.publicSummary ?? r.question, knownAsker(r)),
        decision: r.ticket.suggestionDecision!,
        decisionName: DECISION_NAMES[r.ticket.suggestionDecision!],
        reason: r.ticket.decisionReason ? p.deidentify(r.ticket.decisionReason, knownAsker(r)) : null,
      }))
    },
  }
}

export type TicketsPublicView = ReturnType<typeof createTicketsPublicView>
