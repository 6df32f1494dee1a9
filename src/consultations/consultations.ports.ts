// What the intake needs of other modules, typed here so consultations compiles and is tested
// against the contract, not an implementation. services.ts passes the real services.
//
// Tickets depend on consultations (a ticket is opened for a consultation and reads it through
// consultations.queries.ts), never the other way: the intake reaches the tickets module only
// through TicketDesk, which the tickets service implements.
import type { Actor } from '../auth/auth.service.ts'
import type { SQL, SQLWrapper } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import type { Consultation } from './consultations.queries.ts'

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
  match(input: { question: string; topic?: string; limit?: number }, actor?: Actor): Promise<MatchResult>
  /** Counts the use of an entry; with the consultation's matchId, feedback on that match does not count it again. */
  recordHit(tx: Tx, entryId: number, matchedQuestion?: string, matchId?: string | null, byAgent?: boolean): Promise<void>
  /** Whether the matcher has nothing to read in a question (only punctuation, symbols or spaces): the rule /match refuses it by. */
  isEmptyQuestion(question: string): boolean
  /** Whether a match id names a match the matcher made (logged, or still waiting to be). */
  knownMatch(tx: Tx, matchId: string): Promise<boolean>
}

export interface AuditPort {
  record(input: { actor: Pick<Actor, 'tokenId' | 'role'> | null; action: string; targetType: string; targetIds: (string | number)[]; details?: Record<string, unknown>; requestId?: string }): unknown
}

/** What the intake knows about where a new ticket should go; the tickets module decides. */
export interface RoutingHints {
  /** The unit the agent chose. */
  chosenUnitCode?: string
  /** For a suggestion: the unit that owns the policy document it is about. */
  policyUnitCode?: string | null
  /** The matcher's candidates, best first. */
  candidates: readonly { unitCode: string; confidence: number; topicCode: string | null }[]
  /** The policy area the agent named. */
  topicCode?: string
}

/** A ticket as the intake's reply shows it. */
export interface TicketBrief {
  id: number
  number: string
  /** The 查询码 as told to the asker (K7QM-3WXA); null when only the asker holds it, or for an actor who may not know it. */
  lookupCode: string | null
  unit: { code: string; name: string }
  status: string
  receivedAt: string
  dueAt: string
  dueAtProvisional: boolean
}

export interface TicketDesk {
  /** Opens the ticket of a consultation inside the intake's transaction: routed, numbered, given its deadline. */
  /**
   * `askerCode`: a lookup code the caller made and shows the asker itself (the public pages); the
   * ticket keeps only its hash. Without it the ticket makes its own code, which the brief carries.
   */
  open(tx: Tx, input: { consultation: Consultation; routing: RoutingHints; actor: Actor; askerCode?: string }): Promise<TicketBrief>
  /** A consultation's ticket, if it has one, as the actor may see it, and the unit holding it. */
  ofConsultation(tx: Tx, consultationId: number, actor: Pick<Actor, 'role'>): Promise<{ brief: TicketBrief; unitId: number } | undefined>
  /** The unit holding a consultation's ticket now (NULL: none), as SQL on the consultation's id, for lists kept to a unit. */
  holdingUnitSql(consultationId: SQLWrapper): SQL
}
