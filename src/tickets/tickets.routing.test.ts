import { describe, expect, it } from 'vitest'
import { chooseUnit, leadingCandidate } from './tickets.routing.ts'

const dispatchUnitCode = 'zwb'

describe('choosing the drafting unit of a new ticket', () => {
  it('sends the ticket to the unit the agent chose, whatever the matcher says', () => {
    expect(chooseUnit({ chosenUnitCode: 'jw', candidates: [{ unitCode: 'rsj', confidence: 0.9 }], topicUnitCode: 'rsj', dispatchUnitCode }))
      .toEqual({ unitCode: 'jw', routing: 'chosen' })
  })

  it('sends a suggestion to the unit that owns the policy document', () => {
    expect(chooseUnit({ policyUnitCode: 'fgw', candidates: [{ unitCode: 'rsj', confidence: 0.9 }], dispatchUnitCode }))
      .toEqual({ unitCode: 'fgw', routing: 'policy' })
  })

  it('follows the unit that owns most of the best candidates, weighted by confidence', () => {
    const candidates = [
      { unitCode: 'rsj', confidence: 0.7 },
      { unitCode: 'ybj', confidence: 0.5 },
      { unitCode: 'ybj', confidence: 0.45 },
      { unitCode: 'rsj', confidence: 0.1 },
    ]
    expect(chooseUnit({ candidates, dispatchUnitCode })).toEqual({ unitCode: 'ybj', routing: 'candidates' })
  })

  it('ignores candidates too weak to say anything', () => {
    expect(chooseUnit({ candidates: [{ unitCode: 'rsj', confidence: 0.29 }], dispatchUnitCode })).toEqual({ unitCode: 'zwb', routing: 'dispatch' })
  })

  it('follows a unit whose weak candidates together say the question is its own', () => {
    const candidates = [{ unitCode: 'jw', confidence: 0.14 }, { unitCode: 'jw', confidence: 0.1 }, { unitCode: 'rsj', confidence: 0.05 }, { unitCode: 'jw', confidence: 0.08 }]
    expect(chooseUnit({ candidates, dispatchUnitCode })).toEqual({ unitCode: 'jw', routing: 'candidates' })
    expect(chooseUnit({ candidates: candidates.slice(0, 3), dispatchUnitCode })).toEqual({ unitCode: 'zwb', routing: 'dispatch' })
  })

  it('leads with the best candidate of a unit whose candidates say enough together', () => {
    const candidates = [{ unitCode: 'rsj', confidence: 0.2 }, { unitCode: 'jw', confidence: 0.15 }, { unitCode: 'jw', confidence: 0.15 }]
    expect(leadingCandidate(candidates)).toBe(candidates[1])
    expect(leadingCandidate([{ unitCode: 'rsj', confidence: 0.2 }])).toBeUndefined()
  })

  it('lets only the five best candidates vote', () => {
    const candidates = [
      ...Array.from({ length: 5 }, () => ({ unitCode: 'rsj', confidence: 0.4 })),
      ...Array.from({ length: 5 }, () => ({ unitCode: 'ybj', confidence: 0.39 })),
    ]
    expect(chooseUnit({ candidates, dispatchUnitCode }).unitCode).toBe('rsj')
  })

  it("adds the topic's default unit as a vote that tips a close call", () => {
    const candidates = [{ unitCode: 'rsj', confidence: 0.5 }, { unitCode: 'ybj', confidence: 0.45 }]
    expect(chooseUnit({ candidates, topicUnitCode: 'ybj', dispatchUnitCode })).toEqual({ unitCode: 'ybj', routing: 'candidates' })
  })

  it("does not let the topic outvote a confident candidate", () => {
    expect(chooseUnit({ candidates: [{ unitCode: 'rsj', confidence: 0.8 }], topicUnitCode: 'wjw', dispatchUnitCode })).toEqual({ unitCode: 'rsj', routing: 'candidates' })
  })

  it('prefers the topic over a single weak candidate of another unit', () => {
    expect(chooseUnit({ candidates: [{ unitCode: 'rsj', confidence: 0.35 }], topicUnitCode: 'wjw', dispatchUnitCode })).toEqual({ unitCode: 'wjw', routing: 'topic' })
  })

  it("uses the topic's default unit when there are no candidates", () => {
    expect(chooseUnit({ candidates: [], topicUnitCode: 'wjw', dispatchUnitCode })).toEqual({ unitCode: 'wjw', routing: 'topic' })
  })

  it('breaks a tie in favour of the better-ranked candidate', () => {
    const candidates = [{ unitCode: 'ybj', confidence: 0.5 }, { unitCode: 'rsj', confidence: 0.5 }]
    expect(chooseUnit({ candidates, dispatchUnitCode }).unitCode).toBe('ybj')
  })

  it('falls back to the dispatcher when nothing can be inferred', () => {
    expect(chooseUnit({ dispatchUnitCode })).toEqual({ unitCode: 'zwb', routing: 'dispatch' })
  })
})
