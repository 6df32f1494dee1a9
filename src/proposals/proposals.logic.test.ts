import { describe, expect, it } from 'vitest'
import { proposable, proposalKey } from './proposals.logic.ts'

describe('proposable', () => {
  const entry = ['住房公积金怎么提取？', '公积金提取需要什么材料']

  it('proposes a new short wording as asked', () => {
    expect(proposable('  租房能取公积金不 ', entry)).toEqual({ question: '租房能取公积金不', key: proposalKey('租房能取公积金不') })
  })

  it('leaves out a wording the entry already has, whatever its punctuation and width', () => {
    expect(proposable('公积金提取需要什么材料？？', entry)).toBeNull()
    expect(proposable('住房公积金怎么提取', entry)).toBeNull()
  })

  it('leaves out letters, scraps and questions holding personal details', () => {
    expect(proposable('公积金', entry)).toBeNull()
    expect(proposable('我在本区工作十年了，'.repeat(7) + '公积金怎么取？', entry)).toBeNull()
    expect(proposable('我叫王小明，公积金怎么取', entry)).toBeNull()
    expect(proposable('公积金提取进度查询13812345678', entry)).toBeNull()
    // The asker's own name, wherever it stands in the question.
    expect(proposable('李建国租房能取公积金不', entry, { name: '李建国', phone: null, email: null })).toBeNull()
    expect(proposable('李建国租房能取公积金不', entry)).not.toBeNull()
  })

  it.each([
    ['a phone in Chinese numerals', '社保卡丢了，联系一三九零八零八一二三四'],
    ['a WeChat id', '社保卡搞丢了咋个补，微信zhoumin_88'],
    ["a relative's name", '我爸李秀英的社保卡丢了怎么补办'],
  ])("leaves out the tester's question with %s (trial 2, M1)", (_what, q) => expect(proposable(q, entry)).toBeNull())

  it.each([
    ['five digits in a row', '公积金账户12345怎么查'],
    ['seven numerals spelled in Chinese', '公积金卡号三八二 七七一九怎么用'],
    ['an id of letters and digits', '公积金 abc123 登录不了'],
    ['an id with an underscore', '公积金找 wang_xm 办行不'],
    ['a passport-like number', '公积金提取要E1234567不'],
  ])('leaves out a question holding %s, which may be a contact or an account', (_what, q) => expect(proposable(q, entry)).toBeNull())

  it('still proposes questions with years, amounts and Latin words', () => {
    for (const q of ['2025年公积金能取好多', '公积金App怎么提取', '每月1500元能取不', 'ETC办理要公积金吗']) expect(proposable(q, entry)).not.toBeNull()
  })
})
