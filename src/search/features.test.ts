import { describe, expect, it } from 'vitest'
import { charBigrams, containment, dice, editDistance, editSimilarity, isNegated, longestCommonSubstring, maxMissing, numbersIn, weightedCoverage } from './features.ts'
import { highlightRanges } from './highlights.ts'

describe('similarity features', () => {
  it('counts edits between Chinese texts by character', () => {
    expect(editDistance('公积金提取', '公基金提取')).toBe(1)
    expect(editDistance('', '医保')).toBe(2)
    expect(editSimilarity('社保卡', '社保卡')).toBe(1)
  })

  it('measures bigram overlap', () => {
    const a = charBigrams('医保报销')
    expect([...a]).toEqual(['医保', '保报', '报销'])
    expect(dice(a, charBigrams('医保怎么报销'))).toBeCloseTo((2 * 2) / (3 + 5))
    expect(containment(a, charBigrams('医保报销比例'))).toBe(1)
  })

  it('finds the longest common substring', () => {
    expect(longestCommonSubstring('景蓉华苑物业', '反映景蓉花苑物业管理')).toBe(3)
  })

  it('weights coverage by IDF and finds the rarest missing word', () => {
    const idf = (t: string) => (t === '怎么' ? 0.1 : 2)
    expect(weightedCoverage(['医保', '怎么'], idf, (t) => t === '医保')).toBeCloseTo(2 / 2.1)
    expect(maxMissing(['医保', '怎么'], idf, (t) => t === '医保')).toBe(0.1)
  })

  it('notices negation and different numbers', () => {
    expect(isNegated('什么样的女人不适合做老婆')).toBe(true)
    expect(isNegated('什么样的女人适合做老婆')).toBe(false)
    expect(numbersIn('2020年缴费基数')).not.toBe(numbersIn('2021年缴费基数'))
  })
})

describe('highlightRanges', () => {
  it('marks matched terms at their offsets in the text as written', () => {
    const text = '城鄉居民醫保怎麼繳費？'
    const ranges = highlightRanges(text, ['医保', '缴费'])
    expect(ranges.map((r) => text.slice(r.start, r.end))).toEqual(['醫保', '繳費'])
  })

  it('merges touching terms and prefers longer ones', () => {
    const ranges = highlightRanges('住房公积金提取', ['公积金', '公积', '提取'])
    expect(ranges).toEqual([{ start: 2, end: 7 }])
  })
})
