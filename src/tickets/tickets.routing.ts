import type { Routing } from './tickets.types.ts'

// 交办: which drafting unit a new ticket goes to, as a pure function of what is known about it.

export interface RoutingInput {
  /** The unit the agent chose. */
  chosenUnitCode?: string | null
  /** For a suggestion: the unit that owns the policy document it is about. */
  policyUnitCode?: string | null
  /** The matcher's candidates, best first. */
  candidates?: readonly { unitCode: string; confidence: number }[]
  /** The default unit of the consultation's topic (named by the agent, or the best candidate's). */
  topicUnitCode?: string | null
  /** The office that assigns by hand when nothing else tells. */
  dispatchUnitCode: string
}

export interface RoutingDecision { unitCode: string; routing: Routing }

/**
 * A unit whose candidates together hold less confidence than this says too little about the question
 * to route it. Together: five weak candidates of one unit say the question is that unit's, though none
 * of its entries answers it (the candidates' confidences are coherent: they add up to at most 1).
 */
export const ROUTING_MIN_CONFIDENCE = 0.3
/** How many of the best candidates vote. */
export const ROUTING_MAX_CANDIDATES = 5
/** The weight of the topic's default unit, in units of candidate confidence. */
export const TOPIC_WEIGHT = 0.5

/**
 * The unit chosen by the agent wins; then the owner of the policy document; then, where some unit's
 * best candidates hold enough confidence together, a vote among the best candidates' units (each
 * weighted by its confidence) joined by the topic's default unit; then the topic's default unit;
 * failing all of these, the dispatcher.
 */
/** Each unit's confidence over the best candidates, best-ranked unit first. */
function unitVotes(candidates: RoutingInput['candidates'] = []): Map<string, number> {
  const votes = new Map<string, number>()
  for (const c of candidates.slice(0, ROUTING_MAX_CANDIDATES)) votes.set(c.unitCode, (votes.get(c.unitCode) ?? 0) + c.confidence)
  return votes
}

/**
 * The best candidate whose unit's candidates together say enough to route by (its topic is the
 * question's, when none was named); undefined when no unit's do.
 */
export function leadingCandidate<C extends { unitCode: string; confidence: number }>(candidates: readonly C[]): C | undefined {
  const votes = unitVotes(candidates)
  return candidates.slice(0, ROUTING_MAX_CANDIDATES).find((c) => votes.get(c.unitCode)! >= ROUTING_MIN_CONFIDENCE)
}

export function chooseUnit(input: RoutingInput): RoutingDecision {
  if (input.chosenUnitCode) return { unitCode: input.chosenUnitCode, routing: 'chosen' }
  if (input.policyUnitCode) return { unitCode: input.policyUnitCode, routing: 'policy' }

  const votes = unitVotes(input.candidates)
  const voters = (input.candidates ?? []).slice(0, ROUTING_MAX_CANDIDATES)
  if (Math.max(0, ...votes.values()) < ROUTING_MIN_CONFIDENCE) {
    return input.topicUnitCode ? { unitCode: input.topicUnitCode, routing: 'topic' } : { unitCode: input.dispatchUnitCode, routing: 'dispatch' }
  }
  if (input.topicUnitCode) votes.set(input.topicUnitCode, (votes.get(input.topicUnitCode) ?? 0) + TOPIC_WEIGHT)

  // Highest total wins; a tie goes to the unit of the better-ranked candidate, which Map order keeps.
  let best: string | null = null
  let bestScore = -Infinity
  for (const [code, score] of votes) {
    if (score > bestScore + 1e-9) { best = code; bestScore = score }
  }
  const topicWon = best === input.topicUnitCode && !voters.some((v) => v.unitCode === best)
  return { unitCode: best!, routing: topicWon ? 'topic' : 'candidates' }
}
