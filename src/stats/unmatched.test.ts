import { describe, expect, it } from 'vitest'
import { groupQuestions, normaliseQuestion } from './unmatched.ts'
import { bigramCodes, diceSorted } from '../search/features.ts'

describe('normalising asked questions', () => {
  it('drops punctuation, full-width forms and question words', () => {
    expect(normaliseQuestion('请问：社保卡怎么补办？')).toBe('社保卡补办')
    expect(normaliseQuestion('社保卡如何补办呢')).toBe('社保卡补办')
    expect(normaliseQuestion('ＡＢＣ 证明')).toBe('abc证明')
  })

  it('ignores what de-identification put in place of personal details', () => {
    expect(normaliseQuestion('我叫某某，社保卡补办，电话[电话]')).toBe('我叫社保卡补办电话')
  })
})

// The bigrams and the Dice coefficient are the matcher's (search/features.ts), as grouping uses them.
const dice = (a: string, b: string) => diceSorted(bigramCodes(a), bigramCodes(b))

describe('bigram similarity', () => {
  it('is 1 for the same text and 0 for nothing in common', () => {
    expect(dice('生育津贴', '生育津贴')).toBe(1)
    expect(dice('生育津贴', '公积金')).toBe(0)
  })

  it('counts shared pairs of characters', () => {
    // {生育,育津,津贴,贴领,领取} vs {生育,育津,津贴,贴申,申领}: 3 shared of 5 + 5 → 0.6
    expect(dice('生育津贴领取', '生育津贴申领')).toBeCloseTo(0.6)
  })
})

describe('grouping unmatched questions', () => {
  const at = '2025-10-01T00:00:00.000Z'

  it('puts rewordings of one question in one group, led by the most asked wording', () => {
    const groups = groupQuestions([
      { question: '社保卡怎么补办？', count: 3, lastAskedAt: at },
      { question: '请问社保卡如何补办', count: 2, lastAskedAt: '2025-10-05T00:00:00.000Z' },
      { question: '生育津贴怎么领取', count: 1, lastAskedAt: at },
      { question: '生育津贴如何申领', count: 1, lastAskedAt: at },
      { question: '公租房租金标准', count: 4, lastAskedAt: at },
    ])
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['社保卡怎么补办？', 5],
      ['公租房租金标准', 4],
      ['生育津贴如何申领', 2],
    ])
    expect(groups[0].variants).toEqual([{ question: '社保卡怎么补办？', count: 3 }, { question: '请问社保卡如何补办', count: 2 }])
    expect(groups[0].lastAskedAt).toBe('2025-10-05T00:00:00.000Z')
  })

  it('joins the group it resembles most, not the first one close enough', () => {
    // With a 0.2 threshold "abxyz" is close enough to both; it shares {ab} with abcdef (0.22) but {xy, yz} with uvwxyz (0.44).
    const groups = groupQuestions([
      { question: 'abcdef', count: 3, lastAskedAt: at },
      { question: 'uvwxyz', count: 2, lastAskedAt: at },
      { question: 'abxyz', count: 1, lastAskedAt: at },
    ], 0.2)
    expect(groups.map((g) => [g.question, g.count])).toEqual([['abcdef', 3], ['uvwxyz', 3]])
  })

  it('keeps different questions apart', () => {
    const groups = groupQuestions([
      { question: '灵活就业人员社保补缴', count: 1, lastAskedAt: at },
      { question: '创业担保贷款贴息', count: 1, lastAskedAt: at },
    ])
    expect(groups).toHaveLength(2)
  })
})
