import { describe, expect, it } from 'vitest'
import { bigramCodes, charBigrams, commonCount, coverageSorted, diceSorted, editDistance, editSimilarity, isNegated, longestCommonSubstring, numbersIn, pieceFound, piecesOf, substringMatcher } from './features.ts'
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
    expect(diceSorted(bigramCodes('医保报销'), bigramCodes('医保怎么报销'))).toBeCloseTo((2 * 2) / (3 + 5))
    // Every bigram of 医保报销 is in 医保报销比例.
    expect(commonCount(bigramCodes('医保报销'), bigramCodes('医保报销比例'))).toBe(3)
  })

  it('finds the longest common substring', () => {
    expect(longestCommonSubstring('景蓉华苑物业', '反映景蓉花苑物业管理')).toBe(3)
  })

  it('weights coverage by IDF and finds the rarest missing word', () => {
    // Words as ids: 1 医保, 2 怎么; the other text holds only 医保.
    const idf = (t: number) => (t === 2 ? 0.1 : 2)
    const out = new Float64Array(2)
    coverageSorted([1, 2], idf, [1, 7], out)
    expect(out[0]).toBeCloseTo(2 / 2.1)
    expect(out[1]).toBe(0.1)
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

describe('substringMatcher', () => {
  it('finds the same longest common substring as the quadratic method', () => {
    const texts = ['景蓉华苑物业', '反映景蓉花苑物业管理', '物业物业物业', 'aaa', 'abcabc', '住房公积金提取', '']
    for (const a of texts) {
      const m = substringMatcher(a)
      for (const b of texts) {
        expect(m.longest(b)).toBe(longestCommonSubstring(a, b))
        expect(m.longest(b, 3)).toBe(longestCommonSubstring(a, b, 3))
        expect(m.scan(b, 3, true)).toBe(longestCommonSubstring(a, b, 3))
      }
    }
  })
})

describe('pieces of the query found in a text', () => {
  it('agree with looking each piece up in the text', () => {
    const query = '景蓉华苑物业费景蓉'
    const pieces = ['景蓉', '华苑', '物业费', '蓉华', '景蓉华苑物业费景蓉', '苑物']
    const m = substringMatcher(query)
    const located = piecesOf(query, pieces)
    for (const text of ['反映景蓉花苑物业管理', '华苑的物业费', '', '景蓉华苑物业费景蓉']) {
      m.scan(text, Infinity, true)
      expect(located.map((p) => pieceFound(p, m.maxRun))).toEqual(pieces.map((p) => text.includes(p)))
    }
  })
})
