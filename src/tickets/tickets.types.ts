// The tickets module's public types: what other modules may name without reading its tables.

/** Every state a ticket can be in, in lifecycle order. Which of them are open: OPEN_TICKET_STATUSES in tickets.lifecycle.ts. */
export const TICKET_STATUSES = ['registered', 'assigned', 'answered', 'replied', 'closed'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]
export type SuggestionDecision = 'adopted' | 'partially_adopted' | 'not_adopted'
/** Why the ticket went to its first unit: the agent's choice, the suggestion's policy document, the matcher's candidates, the topic, or the dispatcher. */
export type Routing = 'chosen' | 'policy' | 'candidates' | 'topic' | 'dispatch'

/** 满意 / 基本满意 / 不满意. */
export const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied'] as const
export type Rating = (typeof RATINGS)[number]
