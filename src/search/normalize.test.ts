import { describe, expect, it } from 'vitest'
import { compactText, foldChars, normalizeText } from './normalize.ts'

describe('normalizeText', () => {
  it('folds full-width letters and digits to half width and lowers the case', () => {
    expect(normalizeText('ＡＢＣ１２３ Ok')).toBe('abc123 ok')
  })

  it('turns traditional characters into simplified ones', () => {
    expect(normalizeText('醫療保險怎麼報銷')).toBe('医疗保险怎么报销')
    expect(normalizeText('裡面')).toBe('里面')
  })

  it('replaces punctuation of both widths with spaces', () => {
    expect(normalizeText('社保卡，丢了！怎么办?（急）')).toBe('社保卡 丢了 怎么办 急')
  })

  it('drops hotline fillers and keeps the question', () => {
    expect(normalizeText('您好，请问我想问一下生育津贴怎么领')).toBe('生育津贴怎么领')
    expect(normalizeText('我想咨询一下公积金')).toBe('公积金')
  })

  it('reads colloquial words in their standard form', () => {
    expect(normalizeText('医保咋报销')).toBe('医保怎么报销')
    expect(normalizeText('需要带啥材料')).toBe('需要带什么材料')
    expect(normalizeText('如何办理居住证')).toBe('怎么办理居住证')
  })

  it('keeps a question made only of fillers rather than emptying it', () => {
    expect(normalizeText('你好')).toBe('你好')
  })

  it('gives an empty string for punctuation, white space and control characters only', () => {
    expect(normalizeText(' ？！\t\u0001 ')).toBe('')
  })
})

describe('foldChars', () => {
  it('keeps the length so highlight offsets line up with the original text', () => {
    const text = '醫保ＡＢ，怎麼辦'
    const folded = foldChars(text)
    expect(folded).toBe('医保ab,怎么办')
    expect(folded.length).toBe(text.length)
  })
})

describe('compactText', () => {
  it('removes the spaces normalisation left between phrases', () => {
    expect(compactText('社保卡 丢了')).toBe('社保卡丢了')
  })

  it('keeps the length of the text when folding it for highlights', () => {
    for (const text of ['İ社保卡', 'ＡＢＣ医保', '城鄉居民醫保', 'Straße']) expect(foldChars(text)).toHaveLength(text.length)
    expect(foldChars('İ社保卡').indexOf('社保')).toBe(1)
  })
})
