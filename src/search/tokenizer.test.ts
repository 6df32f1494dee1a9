import { afterAll, describe, expect, it } from 'vitest'
import { createMemo, cutWords, indexTerms, setRuntimeTerms } from './tokenizer.ts'

describe('jieba tokenisation with the policy-term dictionary', () => {
  afterAll(() => { setRuntimeTerms([]) })

  it('keeps shipped policy terms whole', () => {
    expect(cutWords('城乡居民医保怎么缴费', 'cut')).toContain('城乡居民医保')
    expect(cutWords('灵活就业人员参保', 'cut')).toContain('灵活就业人员')
    expect(cutWords('一次性创业补贴', 'cut')).toEqual(['一次性创业补贴'])
  })

  it('keeps runs of letters and digits as one word', () => {
    expect(cutWords('261路公交车 2020年', 'cut')).toEqual(['261', '路', '公交车', '2020', '年'])
  })

  it('emits the shorter words inside long ones in search mode', () => {
    const words = cutWords('住房公积金', 'search')
    expect(words).toContain('住房公积金')
    expect(words).toContain('公积金')
  })

  it('drops stop words from the retrieval terms', () => {
    expect(indexTerms('我的社保卡丢了吗', 'cut')).toEqual(['社保卡', '丢'])
  })

  it('takes terms added at run time and forgets them when removed', () => {
    expect(cutWords('渝悦办怎么登录', 'cut')).not.toContain('渝悦办')
    expect(setRuntimeTerms(['渝悦办'])).toBe(true)
    expect(cutWords('渝悦办怎么登录', 'cut')).toContain('渝悦办')
    expect(setRuntimeTerms(['渝悦办'])).toBe(false)
    expect(setRuntimeTerms([])).toBe(true)
    expect(cutWords('渝悦办怎么登录', 'cut')).not.toContain('渝悦办')
  })

  it('drops memoised cuts when the dictionary changes', () => {
    const memo = createMemo<string[]>()
    const cut = () => memo.get('渝悦办', () => cutWords('渝悦办', 'cut'))
    expect(cut()).not.toEqual(['渝悦办'])
    setRuntimeTerms(['渝悦办'])
    expect(cut()).toEqual(['渝悦办'])
  })
})
