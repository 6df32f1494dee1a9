import { describe, expect, it } from 'vitest'
import { deidentify, maskContactsInText, maskEmail, maskName, maskNumbersInText, maskPhone } from './privacy.ts'

describe('masking contact details', () => {
  it('masks a mobile number to 138****5678', () => expect(maskPhone('13812345678')).toBe('138****5678'))
  it('masks a landline keeping the last four digits', () => expect(maskPhone('023-67891234')).toBe('023****1234'))
  it('masks a name after its first character', () => expect(maskName('张三丰')).toBe('张**'))
  it('masks an e-mail address before the @', () => expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com'))
  it('keeps null as null', () => expect(maskPhone(null)).toBeNull())
})

describe('de-identifying question text', () => {
  it('removes ID-card numbers, phones, e-mails, addresses and names', () => {
    const text = '我叫王小明，身份证号50011219850312123X，手机13912345678，邮箱wxm@qq.com，住在龙溪街道金龙路12号3栋2单元，想问灵活就业社保怎么交？'
    const out = deidentify(text)
    expect(out).not.toMatch(/王小明|50011219850312123X|13912345678|wxm@qq\.com|金龙路12号/)
    expect(out).toContain('[身份证号]')
    expect(out).toContain('[电话]')
    expect(out).toContain('[电子邮箱]')
    expect(out).toContain('[地址]')
    expect(out).toContain('灵活就业社保怎么交')
  })

  it('removes a name known from the consultation record and titled names', () => {
    expect(deidentify('李建国反映他父亲的养老金', { knownNames: ['李建国'] })).toBe('某某反映他父亲的养老金')
    expect(deidentify('张女士询问生育津贴')).toBe('某女士询问生育津贴')
  })

  it('leaves policy text without personal details unchanged', () => {
    const text = '一次性创业补贴的申领条件是什么？需要提供哪些材料？'
    expect(deidentify(text)).toBe(text)
  })

  it('masks only numbers for exports', () => {
    expect(maskNumbersInText('电话13812345678，身份证500112198503121234')).toBe('电话138****5678，身份证500112********1234')
  })

  it('masks e-mail addresses as well as numbers in the asker\'s text for the ledger', () => {
    expect(maskContactsInText('请回复 zhangsan@example.com 或 13812345678')).toBe('请回复 z***@example.com 或 138****5678')
  })
})
