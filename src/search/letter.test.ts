import { partsOf } from './retrieval.ts'
import { describe, expect, it } from 'vitest'
import { readLetter } from './letter.ts'

describe('readLetter', () => {
  it('finds the sentences that ask, and sets greetings and closings aside', () => {
    const r = readLetter('尊敬的领导：您好！我家住在东城街道，孩子今年六岁。请问小学入学报名需要哪些材料？什么时候开始报名？盼复，谢谢！')
    expect(r.questions).toEqual(['请问小学入学报名需要哪些材料？', '什么时候开始报名？'])
    expect(r.sentences.filter((s) => s.kind === 'formulaic').map((s) => s.text)).toContain('盼复，谢谢！')
    expect(r.body).not.toContain('盼复')
    expect(r.body).toContain('我家住在东城街道')
  })

  it('splits a greeting off the first sentence', () => {
    const r = readLetter('领导您好，我想咨询公租房的申请条件有哪些')
    expect(r.sentences[0]).toEqual({ text: '领导您好', kind: 'formulaic' })
    expect(r.questions).toEqual(['我想咨询公租房的申请条件有哪些'])
  })

  it('keeps a letter without any question as narrative only', () => {
    const r = readLetter('我们小区门口的路灯坏了两个月。晚上出行很不方便。')
    expect(r.questions).toEqual([])
    expect(r.sentences.every((s) => s.kind === 'narrative')).toBe(true)
    expect(r.body).toBe('我们小区门口的路灯坏了两个月。晚上出行很不方便。')
  })

  it('reads a letter of greetings only as itself rather than as nothing', () => {
    expect(readLetter('您好！谢谢！').body).toBe('您好！谢谢！')
  })
})

describe('the parts a letter is matched by', () => {
  it('reads a short question sentence with the sentence before it, and keeps the question as the matched sentence', () => {
    const letter = '领导您好！我爱人上个月在厂里上夜班时被机器夹伤了手，厂里说会帮忙申请工伤。要准备什么材料？另外，停工期间的工资由谁来发放，标准是怎样计算的呢？谢谢！'
    const { parts } = partsOf(letter)
    const short = parts.find((p) => p.sentence === '要准备什么材料？')!
    expect(short.text).toBe('我爱人上个月在厂里上夜班时被机器夹伤了手，厂里说会帮忙申请工伤。要准备什么材料？')
    const long = parts.find((p) => p.sentence?.startsWith('另外'))!
    expect(long.text).toBe(long.sentence)
    expect(parts[0].sentence).toBeNull()
  })
})
