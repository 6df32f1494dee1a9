import { describe, expect, it } from 'vitest'
import { bigramCodes, charBigrams, commonCount, coverageSorted, coveredShare, diceSorted, editDistance, editSimilarity, isNegated, longestCommonSubstring, numbersIn, pieceFound, piecesOf, substringMatcher } from './features.ts'
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

describe('sorted-array arithmetic when one side is much longer (a letter against a question)', () => {
  const random = (seed: number) => { let x = seed; return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) }
  const sortedSample = (r: () => number, n: number, range: number) => [...new Set(Array.from({ length: n }, () => Math.floor(r() * range)))].sort((a, b) => a - b)

  it('commonCount and coveredShare give what a plain merge gives, whichever side is longer', () => {
    const r = random(3)
    for (let round = 0; round < 200; round++) {
      const long = sortedSample(r, 1 + Math.floor(r() * 600), 800)
      const short = sortedSample(r, Math.floor(r() * 30), 800)
      const merged = long.filter((v) => short.includes(v)).length
      expect(commonCount(long, short)).toBe(merged)
      expect(commonCount(short, long)).toBe(merged)
      for (const [terms, has] of [[long, short], [short, long]]) {
        const weights = Float64Array.from(terms, () => r())
        const byValue = new Map(terms.map((t, i) => [t, weights[i]]))
        const out = new Float64Array(2)
        coverageSorted(terms, (t) => byValue.get(t)!, has, out)
        let total = 0
        for (const w of weights) total += w
        // The same sum in the same order: equal to the last bit.
        expect(coveredShare(terms, weights, total, has)).toBe(out[0])
      }
    }
  })

  it('finds every occurrence of one- and two-character pieces, overlapping ones included', () => {
    const text = '哈哈哈社保社保卡哈'
    const pieces = ['哈哈', '哈', '社保', '保卡', '保社', '卡哈', '无', '社保卡']
    const expected = pieces.map((p) => { const ends: number[] = []; for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) ends.push(at + p.length - 1); return ends })
    expect(piecesOf(text, pieces).map((p) => p.ends)).toEqual(expected)
    // A one-character piece and a two-character one whose first character is U+0000 are different pieces.
    expect(piecesOf('\u0000a', ['a', '\u0000a']).map((p) => p.ends)).toEqual([[1], [1]])
    expect(piecesOf('xa', ['\u0000a', 'a']).map((p) => p.ends)).toEqual([[], [1]])
  })
})
