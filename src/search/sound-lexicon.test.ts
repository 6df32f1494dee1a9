import { describe, expect, it } from 'vitest'
import { createSoundLexicon } from './sound-lexicon.ts'
import { cutWords } from './tokenizer.ts'
import { bigramCodes } from './features.ts'

const cut = (t: string) => cutWords(t, 'cut')

/** A lexicon of these words, with `texts` as what the library writes. */
function lexicon(words: string[], texts: string[] = []) {
  const l = createSoundLexicon()
  l.add(words, texts.map(bigramCodes))
  return l
}

describe('homophone typos read as the library’s words', () => {
  it('reads a stretch that sounds like a library word and differs in one character as that word', () => {
    const l = lexicon(['婚姻', '登记', '证明'])
    expect(l.correct('开个婚因登记证明', cut)).toEqual({ text: '开个婚姻登记证明', corrections: [{ from: '婚因', to: '婚姻' }] })
  })

  it('corrects three- and four-character words, each stretch where it stands', () => {
    const l = lexicon(['营业执照', '公租房'])
    const r = l.correct('办营叶执照 还有公组房 公组房', cut)
    expect(r.text).toBe('办营业执照 还有公租房 公租房')
    expect(r.corrections).toEqual([{ from: '营叶执照', to: '营业执照' }, { from: '公组房', to: '公租房' }, { from: '公组房', to: '公租房' }])
  })

  it('corrects a typo inside a long policy term, whose stop word (就) is typed right', () => {
    const l = lexicon(['灵活就业人员', '社会保险'])
    expect(l.correct('灵活就叶人员怎么交社会保险', cut).corrections).toEqual([{ from: '灵活就叶人员', to: '灵活就业人员' }])
    // In a stretch of up to four characters a stop word is never part of a correction (就叶 is not 就业 here).
    expect(lexicon(['就业']).correct('就叶', cut).corrections).toEqual([])
  })

  it('leaves a word as typed when it is a word of its own, or differs in more than one character', () => {
    // 公式 is a word (jieba cuts it whole), so it is never read as 公示.
    expect(lexicon(['公示']).correct('公式怎么算', cut).corrections).toEqual([])
    // Two characters of four may differ, not three (执 and 只 sound alike too).
    expect(lexicon(['营业执照']).correct('营叶执找', cut).corrections).toEqual([{ from: '营叶执找', to: '营业执照' }])
    expect(lexicon(['营业执照']).correct('营叶只找', cut).corrections).toEqual([])
  })

  it('never reads stop words (我是 as 我市), nor into or out of a negation (不交 as 补交)', () => {
    expect(lexicon(['我市']).correct('我是退休职工', cut).corrections).toEqual([])
    expect(lexicon(['补交']).correct('可以不交吗', cut).corrections).toEqual([])
    // 布 is cut as a word of one character and sounds like 不, but is not read into a negation.
    expect(lexicon(['不交']).correct('可以布交吗', cut).corrections).toEqual([])
  })

  it('leaves a stretch the library itself writes, and one that would break a library word at its edge', () => {
    // The library writes 网商贷: 网商 is a name there, not a typo of 网上.
    expect(lexicon(['网上'], ['网商贷怎么还']).correct('网商贷能借多少', cut).corrections).toEqual([])
    expect(lexicon(['网上']).correct('网商贷能借多少', cut).corrections).toEqual([{ from: '网商', to: '网上' }])
    // 房本 is a word of the library: 本去 in 房本去 is not 本区.
    expect(lexicon(['本区', '房本']).correct('拿房本去银行', cut).corrections).toEqual([])
    expect(lexicon(['本区']).correct('拿房本去银行', cut).corrections).toEqual([{ from: '本去', to: '本区' }])
  })

  it('forgets a word once no entry has it', () => {
    const l = lexicon(['婚姻'])
    l.add(['婚姻'])
    l.remove(['婚姻'])
    expect(l.correct('婚因登记', cut).corrections).toHaveLength(1)
    l.remove(['婚姻'])
    expect(l.correct('婚因登记', cut).corrections).toEqual([])
    expect(l.size).toBe(0)
  })

  it('prefers the word more entries hold when two sound the same, and says when that changes', () => {
    const l = lexicon(['失业'])
    expect(l.add(['失页'])).toBe(true)
    expect(l.add(['失页'])).toBe(true) // a count changed where two words share a sound
    expect(l.correct('失叶了怎么办', cut).corrections).toEqual([{ from: '失叶', to: '失页' }])
    l.add(['失业'])
    l.add(['失业'])
    expect(l.correct('失叶了怎么办', cut).corrections).toEqual([{ from: '失叶', to: '失业' }])
    // A count changed where a word has its sound to itself corrects nothing differently.
    const alone = lexicon(['婚姻'])
    expect(alone.add(['婚姻'])).toBe(false)
  })

  it('never reads a character with no known sound, nor one outside the Basic Multilingual Plane', () => {
    // pinyin-pro has no reading for 乥 or 兛: they never sound like anything, however many such characters are seen.
    const l = lexicon(['婚姻', '乥兛'])
    expect(l.size).toBe(1)
    expect(l.correct('乥兛 兛乥', cut).corrections).toEqual([])
    // 𠮷 (two UTF-16 units) breaks the run; the typo beside it is still read.
    expect(l.correct('𠮷婚因登记', cut)).toEqual({ text: '𠮷婚姻登记', corrections: [{ from: '婚因', to: '婚姻' }] })
    expect(lexicon(['𠮷公示表']).size).toBe(0)
  })
})
