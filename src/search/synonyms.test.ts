import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRelatedTerms, createSynonymRewriter, hiddenRelatedTerms, readStartingSynonyms } from './synonyms.ts'
import { compactText, normalizeText } from './normalize.ts'

describe('createSynonymRewriter', () => {
  const rewrite = createSynonymRewriter([
    { term: '社保', canonical: '社会保险' },
    { term: '医保', canonical: '医疗保险' },
    { term: '城乡居民医保', canonical: '城乡居民基本医疗保险' },
    { term: '做核酸', canonical: '核酸检测' },
    { term: '核酸', canonical: '核酸检测' },
  ])

  it('reads a term as its canonical word', () => {
    expect(rewrite('社保怎么交')).toBe('社会保险怎么交')
  })

  it('prefers the longest term', () => {
    expect(rewrite('城乡居民医保缴费')).toBe('城乡居民基本医疗保险缴费')
  })

  it('does not rewrite a canonical word that contains a term', () => {
    expect(rewrite('核酸检测在哪做')).toBe('核酸检测在哪做')
    expect(rewrite('去做核酸')).toBe('去核酸检测')
  })

  it('leaves text alone when there are no synonyms', () => {
    expect(createSynonymRewriter([])('社保')).toBe('社保')
  })
})

describe('the shipped starting synonyms', () => {
  it('include the common hotline abbreviations', () => {
    const pairs = readStartingSynonyms()
    const map = new Map(pairs.map((p) => [p.term, p.canonical]))
    expect(map.get('社保')).toBe('社会保险')
    expect(map.get('医保')).toBe('医疗保险')
    expect(map.get('退休金')).toBe('养老金')
    expect(map.get('生娃')).toBe('生育')
    expect(map.get('公基金')).toBe('公积金')
  })

  it('hold each term once, as the synonyms table does (one row per term)', () => {
    const terms = readStartingSynonyms().map((p) => p.term)
    expect(terms.filter((t, i) => terms.indexOf(t) !== i)).toEqual([])
  })

  it('are written as the matcher reads text: normalised, and a related phrase not hidden by a synonym', () => {
    const pairs = readStartingSynonyms()
    const asRead = (s: string) => compactText(normalizeText(s))
    expect(pairs.filter((p) => asRead(p.term) !== p.term || asRead(p.canonical) !== p.canonical)).toEqual([])
    // Related terms are looked for after synonyms are read: a phrase the rewriter changes would never be found.
    expect(hiddenRelatedTerms(pairs)).toEqual([])
    expect(hiddenRelatedTerms([...pairs, { term: '社保卡掉了', canonical: '补领', weight: 0.7 }])).toEqual(['社保卡掉了'])
  })

  it('find the everyday words of the starting lexicon in a caller\'s question', () => {
    const pairs = readStartingSynonyms()
    const related = createRelatedTerms(pairs)
    const rewrite = createSynonymRewriter(pairs)
    const targets = (q: string) => related(rewrite(compactText(normalizeText(q)))).map((r) => r.target)
    expect(targets('房本弄丢了咋补办')).toEqual(expect.arrayContaining(['不动产权证书', '遗失', '补领']))
    expect(targets('老板不给钱还把我开除了')).toEqual(expect.arrayContaining(['拖欠工资']))
    // Phrases that would fire inside unrelated words are written longer, or a longer phrase wins.
    expect(targets('小区里有人搭违章建筑怎么举报')).not.toContain('交通违法')
    expect(targets('我是1996年出生的')).not.toContain('加班')
    expect(targets('大病医疗保险怎么报销')).toContain('大病保险')
    expect(targets('营业执照怎么交材料')).toContain('提交材料')
    expect(targets('happy')).toEqual([])
  })
})

describe('related terms', () => {
  it('expands only pairs below weight 1, and never rewrites with them', () => {
    const pairs = [{ term: '社保', canonical: '社会保险' }, { term: '房本', canonical: '不动产权证书', weight: 0.8 }]
    expect(createSynonymRewriter(pairs)('房本和社保')).toBe('房本和社会保险')
    expect(createRelatedTerms(pairs)('我的 房本 丢了')).toEqual([{ phrase: '房本', target: '不动产权证书', weight: 0.8 }])
    expect(createRelatedTerms(pairs)('社保')).toEqual([])
  })

  it('reads a weight from the starting file and leaves out pairs whose weight is out of range', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'syn-')), 'synonyms.txt')
    writeFileSync(file, '# comment\n社保 社会保险\n房本 不动产权证书 0.8\n坏的 词 7\n')
    expect(readStartingSynonyms(file)).toEqual([
      { term: '社保', canonical: '社会保险', weight: 1 },
      { term: '房本', canonical: '不动产权证书', weight: 0.8 },
    ])
  })
})
