import { describe, expect, it } from 'vitest'
import { calibrated, feedbackExamples, fitCalibration, libraryExamples, MIN_EXAMPLES, type CalibrationExample } from './calibration.ts'
import { createMatcher, type MatchDocument } from './matcher.ts'
import { loadModel } from './model.ts'

const MAX_WRONG = { desk: 0.02, automatic: 0.005 }

/** A model that is overconfident on this "library": raw 0.9 is right only half the time. */
function overconfident(): CalibrationExample[] {
  const out: CalibrationExample[] = []
  for (let i = 0; i < 100; i++) out.push({ raw: 0.9, right: i % 2 === 0, source: 'library' })
  for (let i = 0; i < 100; i++) out.push({ raw: 0.99, right: i > 1, source: 'library' })
  for (let i = 0; i < 100; i++) out.push({ raw: 0.3, right: false, source: 'library' })
  return out
}

describe('fitCalibration', () => {
  it('maps the model confidence to what it means on this library', () => {
    const c = fitCalibration(overconfident(), MAX_WRONG)
    expect(c.method).toBe('library')
    expect(calibrated(c, 0.9)).toBeLessThan(0.8)
    expect(calibrated(c, 0.99)).toBeGreaterThan(0.9)
    expect(c.examples).toEqual({ answerable: 148, unanswerable: 152, feedback: 0 })
  })

  it('sets each threshold so the answers at once stay within the allowed share of wrong ones', () => {
    const c = fitCalibration(overconfident(), MAX_WRONG)
    // At the desk: the 0.99 group (2 wrong in 100, weighted as a quarter of questions unanswerable) passes, the 0.9 group does not.
    expect(c.thresholds.desk).toBeCloseTo(calibrated(c, 0.99), 9)
    expect(c.expected.desk.wrong).toBeLessThanOrEqual(0.02)
    // Automatic: those two wrong ones are still above 0.5%, so nothing here is answered automatically.
    expect(c.thresholds.automatic).toBe(1)
  })

  it('reads the reliability table with the same weights as the fit: a quarter of questions unanswerable', () => {
    const examples: CalibrationExample[] = [
      ...Array.from({ length: 100 }, () => ({ raw: 0.95, right: true, source: 'library' as const })),
      ...Array.from({ length: 300 }, () => ({ raw: 0.95, right: false, source: 'library' as const })),
    ]
    const bins = fitCalibration(examples, MAX_WRONG).reliability
    expect(bins).toHaveLength(1)
    // 300 unanswerable examples weigh as 100 / 3: 100 right of 133⅓.
    expect(bins[0].observed).toBeCloseTo(0.75, 6)
    expect(bins[0].n).toBe(400)
  })

  it('falls back to the model when the library gives too few examples', () => {
    const c = fitCalibration(overconfident().slice(0, MIN_EXAMPLES - 1), MAX_WRONG)
    expect(c.method).toBe('model')
    expect(calibrated(c, 0.8)).toBeCloseTo(0.8, 6)
  })

  it('writes a reliability table whose bins hold every example', () => {
    const c = fitCalibration(overconfident(), MAX_WRONG)
    expect(c.reliability.reduce((n, b) => n + b.n, 0)).toBe(300)
  })
})

describe('libraryExamples', () => {
  it('holds out similar questions as answerable and their entries as unanswerable, and restores the library', () => {
    const docs: MatchDocument[] = [
      ['住房公积金怎么提取', '公积金提取需要什么材料', '离职了公积金能取出来吗'],
      ['城乡居民医保怎么缴费', '居民医保在哪里交钱', '医保费用交多少'],
      ['结婚登记要带什么', '领结婚证需要哪些材料', '去哪里办结婚登记'],
      ['残疾人证怎么办理', '残疾证在哪里申请', '办残疾人证要什么材料'],
    ].map(([question, ...similar], i) => ({ id: i + 1, question, similarQuestions: similar, keywords: [], answer: `${question}：请到区政务服务中心办理。`, topicCode: null, inForce: true }))
    const m = createMatcher({ model: loadModel() })
    for (const d of docs) m.add(d)
    const before = m.match('离职了公积金能取出来吗').candidates[0]
    const examples = libraryExamples(m, docs)
    expect(examples.filter((e) => e.right).length).toBeGreaterThan(0)
    expect(examples.filter((e) => !e.right).length).toBeGreaterThanOrEqual(examples.length / 2)
    expect(m.size).toBe(4)
    const after = m.match('离职了公积金能取出来吗').candidates[0]
    expect(after.id).toBe(before.id)
    expect(after.score).toBeCloseTo(before.score, 9)
  })
})

describe('feedbackExamples', () => {
  const docs: MatchDocument[] = [['住房公积金怎么提取'], ['城乡居民医保怎么缴费'], ['结婚登记要带什么']]
    .map(([question], i) => ({ id: i + 1, question, similarQuestions: [], keywords: [], answer: `${question}：请到区政务服务中心办理。`, topicCode: null, inForce: true }))
  const m = createMatcher({ model: loadModel() })
  for (const d of docs) m.add(d)

  it('labels what agents chose against the library as it is now, and drops "none fitted" that a newer entry answers', async () => {
    const asked = '2026-01-01T00:00:00.000Z'
    const existedAt = (id: number) => id !== 3 // entry 3 was written after the questions were asked
    const examples = await feedbackExamples(m, [
      { question: '公积金咋提取', usedEntryId: 1, noneFitted: false, askedAt: asked },
      { question: '医保怎么交', usedEntryId: 1, noneFitted: false, askedAt: asked },
      { question: '公积金提取要啥', usedEntryId: null, noneFitted: true, askedAt: asked },
      { question: '结婚登记带什么材料', usedEntryId: null, noneFitted: true, askedAt: asked },
      { question: '居住证怎么办', usedEntryId: 9, noneFitted: false, askedAt: asked },
      // Now one of the library's own wordings (an accepted proposal): it finds itself, which proves nothing.
      { question: '住房公积金怎么提取？', usedEntryId: 1, noneFitted: false, askedAt: asked },
    ], existedAt)
    expect(examples.map((e) => e.right)).toEqual([true, false, false])
    expect(examples.every((e) => e.source === 'feedback')).toBe(true)
  })
})
