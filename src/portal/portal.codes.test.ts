import { describe, expect, it } from 'vitest'
import { lookupCode, newNonce, normalizeTicketNumber, questionKey } from './portal.codes.ts'
import { CODE_ALPHABET, normalizeLookupCode } from '../tickets/tickets.lookup-code.ts'
import { checkAsk } from './portal.forms.ts'
import { escapeHtml, html, paragraphs, safeUrl, chineseDate } from './portal.html.ts'

describe('lookup codes', () => {
  it('derives the same code from the same nonce and secret, and another from another nonce', () => {
    const nonce = newNonce()
    expect(lookupCode('s1', nonce)).toBe(lookupCode('s1', nonce))
    expect(lookupCode('s1', nonce)).not.toBe(lookupCode('s2', nonce))
    expect(lookupCode('s1', nonce)).not.toBe(lookupCode('s1', newNonce()))
  })

  it('makes codes in the tickets\' format', () => {
    const code = lookupCode('secret', newNonce())
    expect(code).toHaveLength(8)
    expect([...code].every((c) => CODE_ALPHABET.includes(c))).toBe(true)
    expect(normalizeLookupCode(code)).toBe(code)
  })

  it('reads ticket numbers in any case and width', () => {
    expect(normalizeTicketNumber('zx20251009-0001')).toBe('ZX20251009-0001')
    expect(normalizeTicketNumber('ＺＸ20251009－0001'.replace('－', '-'))).toBe('ZX20251009-0001')
    expect(normalizeTicketNumber("ZX1' OR 1=1")).toBeUndefined()
  })
})

describe('duplicate keys', () => {
  it('treats the same words with other spacing, punctuation or width as the same question', () => {
    expect(questionKey('社保卡怎么补办？')).toBe(questionKey('社保卡 怎么补办'))
    expect(questionKey('ＡＢＣ社保卡')).toBe(questionKey('abc社保卡'))
    expect(questionKey('社保卡怎么补办')).not.toBe(questionKey('医保卡怎么补办'))
  })
})

describe('the ask form rules', () => {
  const problems = (form: Parameters<typeof checkAsk>[0]) => {
    try { checkAsk(form, 'question'); return [] } catch (e) { return (e as { details: { field: string }[] }).details.map((d) => d.field) }
  }
  it('names every field at fault at once', () => {
    expect(problems({ question: '短', phone: '12', preferredReply: 'fax' })).toEqual(['question', 'phone', 'preferredReply'])
    expect(problems({ question: '！！！？？？。。。' })).toEqual(['question'])
    expect(problems({ question: '社保卡怎么补办呢', preferredReply: 'sms' })).toEqual(['phone'])
  })
  it('accepts a mobile or a landline with area code, and no contact at all', () => {
    expect(problems({ question: '社保卡怎么补办呢' })).toEqual([])
    expect(problems({ question: '社保卡怎么补办呢', phone: '13812345678', preferredReply: 'phone' })).toEqual([])
    expect(problems({ question: '社保卡怎么补办呢', phone: '023-68552000' })).toEqual([])
    expect(problems({ question: '社保卡怎么补办呢', phone: '(023)68552000' })).toEqual([])
    expect(problems({ question: '社保卡怎么补办呢', phone: '(023)6855' })).toEqual(['phone'])
  })
})

describe('HTML templates', () => {
  it('escapes every interpolated value and keeps nested templates', () => {
    const name = '<script>alert("x")</script>'
    expect(html`<p>${name}</p>`.text).toBe(`<p>${escapeHtml(name)}</p>`)
    expect(html`<ul>${['a&b', html`<li>x</li>`]}</ul>`.text).toBe('<ul>a&amp;b<li>x</li></ul>')
  })
  it('turns text into paragraphs and links only http(s) addresses', () => {
    expect(paragraphs('一\n二\n\n三').text).toBe('<p>一<br>二</p><p>三</p>')
    expect(safeUrl('javascript:alert(1)')).toBeNull()
    expect(safeUrl('https://www.example.gov.cn/a')).toBe('https://www.example.gov.cn/a')
  })
  it('writes Beijing dates', () => {
    expect(chineseDate('2025-10-14T15:59:59.000Z')).toBe('2025年10月14日')
    expect(chineseDate('2025-03-01')).toBe('2025年3月1日')
  })
})
