import { describe, expect, it } from 'vitest'
import { deidentify, knownNumbersOf, maskEmail, maskName, maskPhone, maskText, publicNumbersIn } from './privacy.text.ts'

describe('masking contact details', () => {
  it('masks a mobile number to 138****5678', () => expect(maskPhone('13812345678')).toBe('138****5678'))
  it('masks a landline keeping the area code and the last four digits', () => expect(maskPhone('023-67891234')).toBe('023****1234'))
  it('masks a +86 mobile like any other', () => expect(maskPhone('+86 138 1234 5678')).toBe('138****5678'))
  it('masks a name after its first character', () => expect(maskName('张三丰')).toBe('张**'))
  it('masks an e-mail address before the @', () => expect(maskEmail('zhangsan@example.com')).toBe('z***@example.com'))
  it('keeps null as null', () => expect(maskPhone(null)).toBeNull())
})

describe('masking free text', () => {
  it.each([
    ['a plain mobile', '电话13812345678', '电话138****5678'],
    ['a mobile with dots', '电话138.1234.5678', '电话138****5678'],
    ['a mobile with spaces', '电话138 1234 5678', '电话138****5678'],
    ['a mobile with hyphens', '电话138-1234-5678', '电话138****5678'],
    ['a +86 mobile', '电话+86 13812345678', '电话+138****5678'],
    ['full-width digits', '电话１３８１２３４５６７８', '电话138****5678'],
    ['full-width digits with full-width separators', '电话１３８－１２３４－５６７８', '电话138****5678'],
    ['an 18-digit ID-card number', '身份证500112198503121234', '身份证500112********1234'],
    ['an ID-card number ending in X', '身份证50011219850312123X，', '身份证500112********123X，'],
    ['an ID-card number in groups', '身份证500101 19900101 1234', '身份证500101********1234'],
    ['a 15-digit ID-card number', '旧身份证500101900101123', '旧身份证500101*****1123'],
    ['a landline with its area code in brackets', '家里电话(023)6812 3456', '家里电话(023****3456'],
    ['an e-mail address', '请回复 zhangsan@example.com', '请回复 z***@example.com'],
    ['a mobile used as an e-mail address', '13812345678@qq.com', '1***@qq.com'],
    ['a name the asker gives', '我叫张三，想问社保', '我叫张*，想问社保'],
    ['a four-character name the asker gives', '我叫欧阳春花，想问社保', '我叫欧***，想问社保'],
    ['a name after 本人叫', '本人叫王五，电话见上', '本人叫王*，电话见上'],
  ])('masks %s', (_what, text, masked) => expect(maskText(text)).toBe(masked))

  it('keeps the full-width punctuation of the original around what it masks', () => {
    expect(maskText('您好：我的手机是１３８１２３４５６７８，谢谢。')).toBe('您好：我的手机是138****5678，谢谢。')
  })

  it("masks the asker's own name, phone and its local part wherever they recur", () => {
    const asker = { name: '李建国', phone: '023-68123456', email: 'ljg@example.com' }
    expect(maskText('李建国您好，已按 68123456 回电李建国，并发邮件至 ljg@example.com', { asker }))
      .toBe('李**您好，已按 ****3456 回电李**，并发邮件至 l***@example.com')
  })

  it('leaves ordinary words after 我是 alone unless they end like a name', () => {
    expect(maskText('我是退休职工，想问养老金')).toBe('我是退休职工，想问养老金')
  })

  it('leaves dates, amounts, document and ticket numbers alone', () => {
    const text = '渝府发〔2021〕12号规定，自2025-10-14起补贴1.5万元（台账ZX20251009-0001 2025-10-14T06:12:40）。'
    expect(maskText(text)).toBe(text)
  })

  it('keeps a number on the list of public numbers and masks the asker\'s even if listed', () => {
    const publicNumbers = new Set(['02368552000'])
    expect(maskText('咨询 023-68552000，我的电话13812345678', { publicNumbers })).toBe('咨询 023-68552000，我的电话138****5678')
    expect(maskText('回电 023-68552000', { publicNumbers, asker: { phone: '02368552000' } })).toBe('回电 023****2000')
  })

  it('masks a long run of digits that is nothing else (a bank card)', () => {
    expect(maskText('卡号6222021234567890123')).toBe('卡号***************0123')
  })

  it('finishes a 20,000-character answer of digits, letters and @ signs', () => {
    for (const text of ['1'.repeat(20_000), 'a'.repeat(20_000), 'a@'.repeat(10_000), 'x.'.repeat(10_000), '1 '.repeat(10_000)]) {
      expect(deidentify(text).length).toBeGreaterThan(0)
      expect(maskText(text).length).toBeGreaterThan(0)
    }
  })
})

describe('de-identifying text for publication', () => {
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

  it.each([
    ['full-width digits', '电话１３８１２３４５６７８'],
    ['dotted groups', '电话138.1234.5678'],
    ['an ID-card number in groups', '身份证500101 19900101 1234'],
    ['a 15-digit ID-card number', '身份证500101900101123'],
  ])('removes a number written with %s', (_what, text) => expect(deidentify(text)).not.toMatch(/\d{4}/))

  it('removes the name known from the consultation record and titled names', () => {
    expect(deidentify('李建国反映他父亲的养老金', { asker: { name: '李建国' } })).toBe('某某反映他父亲的养老金')
    expect(deidentify('张女士询问生育津贴')).toBe('某女士询问生育津贴')
  })

  it("keeps the unit's public hotline that is on the list", () => {
    const publicNumbers = new Set(publicNumbersIn('咨询 023-68552000'))
    expect(deidentify('如有疑问请咨询 023-68552000，或拨打12345。', { publicNumbers })).toBe('如有疑问请咨询 023-68552000，或拨打12345。')
  })

  it('leaves policy text without personal details unchanged', () => {
    const text = '一次性创业补贴的申领条件是什么？需要提供哪些材料？'
    expect(deidentify(text)).toBe(text)
  })
})

describe('the numbers a text holds', () => {
  it('reads phone numbers out of a public text as digits', () => {
    expect(publicNumbersIn('咨询区医保局 023-68553025，或 (023)68554036；身份证500112198503121234')).toEqual(['02368553025', '02368554036'])
  })
  it("looks for the asker's landline with and without its area code", () => {
    expect([...knownNumbersOf('023-68123456')]).toEqual(['02368123456', '68123456', '8123456'])
    expect([...knownNumbersOf('+86 13812345678')]).toEqual(['13812345678'])
    expect([...knownNumbersOf('12345')]).toEqual([])
  })
})
