import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'

// What tickets need from the other modules, as the brief's contracts describe
// them. Typed here so this module compiles and is tested against the contract, not an implementation.

export interface DueAt { dueAt: string; provisional: boolean; skipped: { date: string; reason: string }[] }

export interface CalendarPort {
  dueAt(receivedAt: string | Date, workingDays: number): DueAt
  workingDaysBetween(from: string | Date, to: string | Date): number
}

// The matcher and the audit log as consultations describe them: a ticket needs the same of them.
export type { AuditPort, MatchCandidate, MatchResult, SearchPort } from '../consultations/consultations.ports.ts'

export interface DraftInput {
  question: string
  answer: string
  similarQuestions?: string[]
  keywords?: string[]
  topicCode?: string
  unitId: number
  policyDocumentIds?: number[]
  sourceTicketId?: number
}

/**
 * The monthly 答复公开 lists (stats), told when a ticket is sent back for redoing: its answer no longer
 * stands. Returns a note for the ticket's history, or null when the ticket is on no list.
 */
export interface PublicationPort {
  ticketRedone(tx: Tx, ticketId: number): Promise<string | null>
}

export interface KbPort {
  createDraft(input: DraftInput, actor: Actor): Promise<{ entryId: number; versionId: number }>
  addSimilarQuestion(entryId: number, question: string, actor: Actor): Promise<unknown>
  /** Sends the entry's latest draft version into review (G2). */
  submitEntry(entryId: number, input: { comment?: string }, actor: Actor): Promise<unknown>
}
