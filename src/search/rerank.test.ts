import { describe, expect, it } from 'vitest'
import { coherent } from './rerank.ts'

const c = (confidence: number, matchedSentence: string | null = null) => ({ confidence, matchedSentence })

describe('coherent', () => {
  it('never shows a runner-up as likelier than a candidate ranked above it', () => {
    expect(coherent([c(0.56), c(0.69), c(0.2)]).map((x) => x.confidence)).toEqual([0.56, expect.closeTo(0.44, 9), 0])
    expect(coherent([c(0.3), c(0.5), c(0.1)]).map((x) => x.confidence)).toEqual([0.3, 0.3, 0.1])
  })

  it('keeps the probabilities of one question within 1 in all', () => {
    const out = coherent([c(0.5), c(0.45), c(0.4), c(0.3)]).map((x) => x.confidence)
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
    expect(out[0]).toBe(0.5)
    expect(out[3]).toBe(0)
  })

  it('leaves the top candidate as it is', () => {
    expect(coherent([c(0.93), c(0.2)])[0].confidence).toBe(0.93)
  })

  it('treats the candidates for different sentences of a letter as different questions', () => {
    const out = coherent([c(0.8, '第一问？'), c(0.9, '第二问？'), c(0.7, '第一问？')]).map((x) => x.confidence)
    expect(out).toEqual([0.8, 0.9, expect.closeTo(0.2, 9)])
  })
})
