import { describe, expect, it } from 'vitest'
import { cleanList, diffContent, type Content } from './entries.content.ts'

const content = (over: Partial<Content> = {}): Content => ({
  question: '生育津贴怎么领？', similarQuestions: [], answer: '由单位代为申领。', keywords: [], topic: 'birth', media: [], policyDocumentIds: [1], ...over,
})

describe('cleanList', () => {
  it('trims, drops blanks, duplicates and excluded items, keeping order', () => {
    expect(cleanList([' 产假多久 ', '', '产假多久', '陪产假', '生育津贴怎么领？'], ['生育津贴怎么领？'])).toEqual(['产假多久', '陪产假'])
  })
})

describe('diffContent', () => {
  it('lists only the fields that changed, with before and after', () => {
    const diff = diffContent(content(), content({ answer: '由参保单位向区医保局申领。', keywords: ['生育津贴'] }))
    expect(diff).toEqual([
      { field: 'answer', before: '由单位代为申领。', after: '由参保单位向区医保局申领。' },
      { field: 'keywords', before: [], after: ['生育津贴'] },
    ])
  })
  it('shows every filled field of a new entry as a change from null', () => {
    const diff = diffContent(null, content())
    expect(diff.map((d) => d.field)).toEqual(['question', 'answer', 'topic', 'policyDocumentIds'])
    expect(diff.every((d) => d.before === null)).toBe(true)
  })
  it('is empty when nothing changed', () => expect(diffContent(content(), content())).toEqual([]))
})
