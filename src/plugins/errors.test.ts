import { describe, expect, it } from 'vitest'
import { PRINTABLE_NOT_BLANK } from '../common/schemas.ts'
import { describeValidationError } from './errors.ts'

describe('describeValidationError', () => {
  it('says a text field is blank or has control characters', () => {
    const e = { instancePath: '/question', keyword: 'pattern', params: { pattern: PRINTABLE_NOT_BLANK } }
    expect(describeValidationError(e, 'body')).toEqual({ field: 'question', message: 'question 不能为空白，也不能含控制字符' })
  })

  it('names the expected format when another pattern fails, not blankness', () => {
    const e = { instancePath: '/month', keyword: 'pattern', params: { pattern: '^\\d{4}-(0[1-9]|1[0-2])$' } }
    const { field, message } = describeValidationError(e, 'params')
    expect(field).toBe('month')
    expect(message).toContain('格式不正确')
    expect(message).not.toContain('空白')
  })

  it('says the expected format in the field\'s own words, never as a regular expression', () => {
    const e = { instancePath: '/asker/phone', keyword: 'pattern', params: { pattern: '^[0-9]+$' }, parentSchema: { description: '电话号码：数字' } }
    expect(describeValidationError(e, 'body')).toEqual({ field: 'asker.phone', message: 'asker.phone 格式不正确，应为电话号码：数字' })
    expect(describeValidationError({ ...e, parentSchema: {} }, 'body').message).toBe('asker.phone 格式不正确')
    expect(describeValidationError({ instancePath: '/email', keyword: 'format', params: { format: 'email' } }, 'body').message).toBe('email 格式不正确，应为电子邮箱地址')
  })

  it('explains an empty patch body in Chinese', () => {
    const e = { instancePath: '', keyword: 'minProperties', params: { limit: 1 } }
    expect(describeValidationError(e, 'body')).toEqual({ field: 'body', message: 'body 至少需要 1 个字段' })
  })
})
