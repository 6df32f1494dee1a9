import { describe, expect, it } from 'vitest'
import { PRINTABLE_NOT_BLANK } from '../common/schemas.ts'
import { describeValidationError, describeValidationErrors } from './errors.ts'

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

  it('says a value outside a list once, with the allowed values in the words of the field\'s description', () => {
    const branch = (v: string, i: number) => ({ instancePath: '/channel', schemaPath: `#/properties/channel/anyOf/${i}/const`, keyword: 'const', params: { allowedValue: v } })
    const anyOf = { instancePath: '/channel', schemaPath: '#/properties/channel/anyOf', keyword: 'anyOf', params: {}, parentSchema: { description: 'hotline 12345热线；mailbox 公开信箱' } }
    expect(describeValidationErrors([branch('hotline', 0), branch('mailbox', 1), anyOf], 'querystring')).toEqual([
      { field: 'channel', message: 'channel 取值不在允许范围内，应为以下之一：hotline 12345热线；mailbox 公开信箱' },
    ])
    // Without a description that names them, the values themselves.
    expect(describeValidationErrors([branch('hotline', 0), branch('mailbox', 1), { ...anyOf, parentSchema: { description: '渠道' } }], 'querystring')[0]!.message)
      .toBe('channel 取值不在允许范围内，应为以下之一：hotline、mailbox')
    const e = { instancePath: '/decision', keyword: 'enum', params: { allowedValues: ['adopted', 'not_adopted'] }, parentSchema: { description: 'adopted 采纳；not_adopted 不采纳' } }
    expect(describeValidationErrors([e], 'body')).toEqual([{ field: 'decision', message: 'decision 取值不在允许范围内，应为以下之一：adopted 采纳；not_adopted 不采纳' }])
    // Other errors of the same request stay as they were, in their order.
    const other = { instancePath: '/page', keyword: 'minimum', params: { limit: 1 } }
    expect(describeValidationErrors([other, branch('hotline', 0), anyOf], 'querystring').map((d) => d.field)).toEqual(['page', 'channel'])
  })

  it('explains an empty patch body in Chinese', () => {
    const e = { instancePath: '', keyword: 'minProperties', params: { limit: 1 } }
    expect(describeValidationError(e, 'body')).toEqual({ field: 'body', message: 'body 至少需要 1 个字段' })
  })
})
