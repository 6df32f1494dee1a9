import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'

// What consultations and tickets need from the other modules, as the brief's contracts describe
// them. Typed here so this module compiles and is tested against the contract, not an implementation.

export interface DueAt { dueAt: string; provisional: boolean; skipped: { date: string; reason: string }[] }

export interface CalendarPort {
  dueAt(receivedAt: string | Date, workingDays: number): DueAt
  workingDaysBetween(from: string | Date, to: string | Date): number
}

export interface MatchCandidate {
  entryId: number
  question: string
  matchedQuestion: string
  answer: string
  topic: { code: string; name: string } | null
  unit: { code: string; name: string }
  inForce: boolean
  confidence: number
}

/** `matched`: the agent desk may answer at once; `matchedAutomatically`: so may a channel with no person in between. */
export interface MatchResult { matchId: string; matched: boolean; matchedAutomatically: boolean; confidence: number; candidates: MatchCandidate[] }

export interface SearchPort {
  match(input: { question: string; topic?: string; limit?: number }, actor?: Actor): MatchResult
  /** Counts the use of an entry; with the consultation's matchId, feedback on that match does not count it again. */
  recordHit(tx: Tx, entryId: number, matchedQuestion?: string, matchId?: string | null, byAgent?: boolean): void
}

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

export interface KbPort {
  createDraft(input: DraftInput, actor: Actor): { entryId: number; versionId: number }
  addSimilarQuestion(entryId: number, question: string, actor: Actor): unknown
  /** Sends the entry's latest draft version into review (G2). */
  submitEntry(entryId: number, input: { comment?: string }, actor: Actor): unknown
}

export interface AuditPort {
  record(input: { actor: Pick<Actor, 'tokenId' | 'role'> | null; action: string; targetType: string; targetIds: (string | number)[]; details?: Record<string, unknown>; requestId?: string }): unknown
}
