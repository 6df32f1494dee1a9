// The API shapes the screens read (a subset of the route schemas in src/*/…schemas.ts).

export interface Ref { code: string; name: string }
export interface Page<T> { items: T[]; total: number; page: number; pageSize: number }

export interface Media { kind: string; title: string; url: string }
export interface DocumentRef { id: number; title: string; docNumber: string | null; issuer: string; url: string | null; validity: string }

export interface Candidate {
  entryId: number
  externalId: string | null
  question: string
  matchedQuestion: string
  answer: string
  topic: Ref | null
  unit: Ref
  policy: { title: string; docNumber: string | null; validity: string } | null
  inForce: boolean
  score: number
  confidence: number
  highlights: unknown
  media?: Media[]
}

export interface Suggestion { entryId: number; question: string; matchedQuestion: string; topic: Ref | null; inForce: boolean; highlights: { start: number; end: number }[] }

export interface MatchDecision {
  probability: number
  label: '很可能是' | '可能是' | '不确定'
  level: string
  reason: string
  blockedBy: { kind: string; message: string }[]
  thresholds: { desk: number; automatic: number }
}
export interface MatchResult {
  matchId: string; matched: boolean; confidence: number; decision: MatchDecision; candidates: Candidate[]
  /** Homophone typos read as the library's words (婚因 → 婚姻). */
  corrections: { from: string; to: string }[]
}

export interface TicketBrief {
  id: number; number: string; lookupCode: string | null; unit: Ref; status: string; receivedAt: string; dueAt: string; dueAtProvisional: boolean
}

export interface ConsultationResult {
  consultation: { id: number; outcome: 'answered' | 'ticketed'; question: string; receivedAt: string; answeredEntryId: number | null }
  entry?: { id: number; question: string | null; unit: Ref }
  ticket?: TicketBrief
}

export interface Due {
  dueAt: string; provisional: boolean; skipped: { date: string; reason: string }[]
  receivedDate: string; workingDays: number; dueDate: string; countedDays: string[]
}

export interface TicketRow {
  id: number; number: string; kind: string; channel: string; status: string; statusName: string; unit: Ref
  question: string; askerName: string | null; receivedAt: string; dueAt: string; dueAtProvisional: boolean
  remainingWorkingDays: number | null; overdue: boolean; repliedAt: string | null; reassignCount: number; returnCount: number
}

export interface Ticket extends TicketRow {
  consultationId: number
  routing: string
  asker: { name: string | null; phone: string | null; email: string | null; preferredReply: string | null; masked: boolean }
  assignedAt: string | null
  workingDays: number
  answer: string | null
  answeredAt: string | null
  reply: { method: string; repliedAt: string; repliedBy: string | null } | null
  closedAt: string | null
  suggestion: { policyDocument: { id: number; title: string; docNumber: string | null } | null; decision: string | null; decisionReason: string | null; publicSummary: string; publicSummaryConfirmed: boolean } | null
  promotedEntryId: number | null
  history: { at: string; action: string; actor: { name: string; role: string } | null; fromStatus: string | null; toStatus: string | null; fromUnit: Ref | null; toUnit: Ref | null; note: string | null }[]
  round: number
  reopenedAt: string | null
  lookupCode: string | null
  rating: RatingView | null
  rounds: Round[]
  promises: PromiseItem[]
}

export interface PromoteResult {
  outcome: 'offered' | 'drafted' | 'similar_added'
  ticketId: number; question: string; answer: string; entryId: number | null; versionId: number | null
  offer: { entryId: number; question: string; matchedQuestion: string; confidence: number; unit: Ref } | null
}

export interface Entry {
  id: number; externalId: string | null; status: string; inForce: boolean; unit: Ref; topic: Ref | null
  version: number; versionState: string; question: string; similarQuestions: string[]; answer: string; keywords: string[]
  media: Media[]; policyDocuments: DocumentRef[]; publishedVersion: number | null; latestVersion: number
  workingVersion: { version: number; state: string; reviewStep: number | null; reviewStepName: string | null } | null
  hitCount: number; sourceTicketId: number | null; updatedAt: string
}

export interface EntryVersion {
  id: number; version: number; state: string; reviewStep: number | null; reviewStepName: string | null
  question: string; similarQuestions: string[]; answer: string; keywords: string[]; media: Media[]
  topic: Ref | null; policyDocuments: DocumentRef[]; changeNote: string | null; createdAt: string
  trail: { action: string; step: number | null; stepName: string | null; comment: string | null; at: string; actor: { name: string } | null }[]
}

export interface ReviewItem {
  entryId: number; externalId: string | null; versionId: number; version: number; step: number; stepName: string
  submittedAt: string | null; unit: Ref; topic: Ref | null; question: string; isNew: boolean; inForce: boolean
  policyDocuments: DocumentRef[]; diff: { field: string; before: unknown; after: unknown }[]
}

export interface Unit { id: number; code: string; name: string; contactName: string | null; contactPhone: string | null; contactEmail: string | null; active: boolean }
export interface Topic { id: number; code: string; name: string; required: boolean; defaultUnit: Ref | null }

export type TicketAction = 'answer' | 'reply' | 'return' | 'reassign' | 'assign' | 'close' | 'redo'

export interface RatingView { round: number; rating: string; ratingName: string; comment: string | null; source: string; ratedAt: string; changedAt: string | null }
export interface RatingResult extends Omit<RatingView, 'changedAt'> { ticketId: number; number: string; changedAt: string | null; changeableUntil: string; redone: boolean }
export interface RatingItem extends RatingResult { unit: Ref; ticketStatus: string; ticketStatusName: string; currentRound: number }

export interface PromiseItem {
  id: number; ticket: { id: number; number: string }; unit: Ref; round: number; content: string
  dueOn: string | null; workingDays: number | null; dueAt: string; dueAtProvisional: boolean
  state: 'open' | 'fulfilled'; stateName: string; overdue: boolean; remainingWorkingDays: number | null
  fulfilledAt: string | null; fulfilmentNote: string | null; keptOnTime: boolean | null; createdAt: string
}

export interface Round {
  round: number; unit: Ref; startedAt: string; dueAt: string; answer: string | null; answeredAt: string | null
  reply: { method: string; repliedAt: string; repliedBy: string | null } | null; closedAt: string | null
  redoneAt: string; redoTrigger: 'rating' | 'office'; redoReason: string; rating: RatingView | null
}

export interface LinkItem {
  url: string; state: string; stateName: string; httpStatus: number | null; method: string | null; finalUrl: string | null
  error: string | null; checkedAt: string | null; lastOkAt: string | null; failingSince: string | null
  sources: { type: string; typeName: string; id: number; title: string; unit: Ref | null }[]
}

/** GET /tickets/{id}/references: the closest entries and earlier answered tickets on the same subject. */
export interface TicketReferences {
  entries: Candidate[]
  tickets: { id: number; number: string; question: string; answer: string; unit: { code: string; name: string }; answeredAt: string | null }[]
}
