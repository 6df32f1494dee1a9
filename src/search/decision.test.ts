import { describe, expect, it } from 'vitest'
import { createDecision, type DecisionCandidate } from './decision.ts'
import { fitCalibration, type Calibration } from './calibration.ts'

const decision = createDecision({
  config: { matchThreshold: null, matchMaxWrong: { desk: 0.02, automatic: 0.005 } },
  log: { info: () => {} },
  settled: { settledMatches: async () => [], servedAt: async () => true },
})

/** A library whose calibration allows no answer at once on probability alone. */
const strict: Calibration = { ...fitCalibration([], { desk: 0.02, automatic: 0.005 }), method: 'library', thresholds: { desk: 1, automatic: 1 } }

const candidate = (over: Partial<DecisionCandidate> = {}): DecisionCandidate => ({
  entryId: 1, matchedQuestion: '营业执照办理进度在哪查？', matchedSentence: null, answer: '登录区政务服务网查询。',
  inForce: true, confidence: 0.9, highlights: { terms: ['营业执照'] }, verbatim: true, ...over,
})
const decide = (top: DecisionCandidate, second?: DecisionCandidate, cal = strict) => decision.decide(top.matchedQuestion, top, cal, () => [], second)

describe('decide', () => {
  it('answers at once, at both levels, a question in the very words of one entry\'s question', () => {
    const v = decide(candidate())
    expect(v).toMatchObject({ desk: true, automatic: true, view: { label: '很可能是', level: 'automatic', reason: '与问法“营业执照办理进度在哪查？”一字不差' } })
  })

  it('does not when the wording differs, when it is another entry\'s too, or when it says too little', () => {
    const differs = decide(candidate({ verbatim: false }))
    expect(differs.desk).toBe(false)
    expect(differs.view.reason).toBe('把握不足：估计答对的可能性约 90%；本库的校准还达不到允许的错误率，只有与库中问法一字不差的问题才直接答复')
    expect(decide(candidate(), candidate({ entryId: 2 })).desk).toBe(false)
    expect(decide(candidate({ matchedQuestion: '怎么办理？' })).desk).toBe(false)
  })

  it('still withholds a lapsed policy and a near miss, and follows a pinned threshold', () => {
    expect(decide(candidate({ inForce: false }))).toMatchObject({ desk: false, automatic: false })
    const guarded = decision.decide('没有营业执照能查办理进度吗', candidate({ matchedQuestion: '营业执照办理进度在哪查？' }), strict, () => [])
    expect(guarded.desk).toBe(false)
    expect(guarded.view.blockedBy.length).toBeGreaterThan(0)
    expect(decide(candidate(), undefined, { ...strict, method: 'pinned' }).desk).toBe(false)
  })
})
