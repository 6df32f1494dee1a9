import { describe, expect, it } from 'vitest'
import { highlightRanges, highlightTerms, segments } from './highlight.ts'

describe('highlighting matched terms', () => {
  it('marks every occurrence of each term and leaves the rest plain', () => {
    expect(segments('社保卡补办，社保卡挂失', ['社保卡'])).toEqual([
      { text: '社保卡', hit: true }, { text: '补办，', hit: false }, { text: '社保卡', hit: true }, { text: '挂失', hit: false },
    ])
  })

  it('joins overlapping and adjacent terms into one mark', () => {
    expect(segments('城乡居民医保怎么交', ['城乡居民', '居民医保'])).toEqual([{ text: '城乡居民医保', hit: true }, { text: '怎么交', hit: false }])
  })

  it('ignores case for Latin letters', () => {
    expect(segments('ETC 办理', ['etc'])).toEqual([{ text: 'ETC', hit: true }, { text: ' 办理', hit: false }])
  })

  it('marks the positions the matcher gives, together with its terms', () => {
    expect(segments('医保报销比例', [], [{ start: 0, end: 2 }, { start: 4, end: 6 }])).toEqual([
      { text: '医保', hit: true }, { text: '报销', hit: false }, { text: '比例', hit: true },
    ])
  })

  it('reads positions per field only when they are positions', () => {
    const h = { terms: ['医保'], question: [{ start: 0, end: 2 }], answer: [] }
    expect(highlightRanges(h, 'question')).toEqual([{ start: 0, end: 2 }])
    expect(highlightRanges(h, 'answer')).toEqual([])
    expect(highlightRanges(['医保'], 'question')).toBeNull()
    expect(highlightTerms(h, 'question')).toEqual(['医保'])
  })

  it('reads terms from strings, {term} objects and per-field lists', () => {
    expect(highlightTerms(['医保', { term: '报销' }])).toEqual(['医保', '报销'])
    expect(highlightTerms({ question: ['公积金'], answer: ['提取'] }, 'answer')).toEqual(['提取'])
    expect(highlightTerms(undefined)).toEqual([])
  })
})
