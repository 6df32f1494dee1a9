import { describe, expect, it } from 'vitest'
import { afterApproval, bulkSchemaErrors, cleanList, diffContent, isInForce, primaryDocument, type Content } from './entries.content.ts'

const content = (over: Partial<Content> = {}): Content => ({
  question: '生育津贴怎么领？', similarQuestions: [], answer: '由单位代为申领。', keywords: [], topic: 'birth', media: [], policyDocumentIds: [1], ...over,
})

describe('isInForce', () => {
  it('holds for an entry that rests on no document', () => expect(isInForce([])).toBe(true))
  it('holds while at least one document is in force', () => expect(isInForce(['expired', 'in_force'])).toBe(true))
  it('fails when every document is expired or repealed', () => expect(isInForce(['expired', 'repealed'])).toBe(false))
})

describe('primaryDocument', () => {
  it('prefers a document in force over an earlier expired one', () => {
    expect(primaryDocument([{ id: 1, validity: 'expired' as const }, { id: 2, validity: 'in_force' as const }])?.id).toBe(2)
  })
  it('falls back to the first document, and to null without any', () => {
    expect(primaryDocument([{ id: 1, validity: 'repealed' as const }])?.id).toBe(1)
    expect(primaryDocument([])).toBeNull()
  })
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

describe('afterApproval', () => {
  it('moves to the next step until the last one, which publishes', () => {
    expect(afterApproval(0, 3)).toEqual({ publish: false, nextStep: 1 })
    expect(afterApproval(2, 3)).toEqual({ publish: true })
    expect(afterApproval(0, 1)).toEqual({ publish: true })
  })
})

describe('bulkSchemaErrors', () => {
  it('splits row errors into index and field, one message per field', () => {
    const { rows, other } = bulkSchemaErrors([
      { instancePath: '/entries/3/question', keyword: 'minLength', params: { limit: 1 } },
      { instancePath: '/entries/3/question', keyword: 'pattern', params: {} },
      { instancePath: '/entries/0', keyword: 'required', params: { missingProperty: 'answer' } },
      { instancePath: '/entries/1/similarQuestions/2', keyword: 'type', params: { type: 'string' } },
    ])
    expect(other).toEqual([])
    expect(rows.map(({ index, field }) => ({ index, field }))).toEqual([
      { index: 0, field: 'answer' }, { index: 1, field: 'similarQuestions.2' }, { index: 3, field: 'question' },
    ])
    expect(rows[0].message).toContain('answer')
  })
  it('leaves errors about the body itself to the ordinary validation error', () => {
    const { rows, other } = bulkSchemaErrors([{ instancePath: '/entries', keyword: 'maxItems', params: { limit: 5000 } }])
    expect(rows).toEqual([])
    expect(other).toHaveLength(1)
  })
})
