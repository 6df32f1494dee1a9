import { describe, expect, it } from 'vitest'
import { bulkSchemaErrors } from './bulk.row-errors.ts'

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
