import { describe, expect, it } from 'vitest'
import { nearMissGuards } from './guards.ts'

const entry = (matchedQuestion: string, answer = '', keywords: string[] = []) => ({ matchedQuestion, answer, keywords })

describe('nearMissGuards', () => {
  it('blocks another province for foreign investment, and says so', () => {
    const blocks = nearMissGuards('外地企业来这边投资有啥优惠政策', entry('外商投资企业在本区投资有哪些优惠政策'))
    expect(blocks.map((b) => b.kind)).toEqual(['place'])
    expect(blocks[0].message).toContain('外地')
    expect(blocks[0].message).toContain('外商')
  })

  it('blocks employees for residents', () => {
    expect(nearMissGuards('职工医保门诊怎么报销', entry('城乡居民医保门诊怎么报销')).map((b) => b.kind)).toEqual(['person'])
  })

  it('blocks a different number, and a negation', () => {
    expect(nearMissGuards('交了10年社保能领养老金吗', entry('缴费满15年能领养老金吗')).map((b) => b.kind)).toContain('number')
    expect(nearMissGuards('没有社保能领养老金吗', entry('缴费满15年能领养老金吗')).map((b) => b.kind)).toContain('negation')
  })

  it('reads questions asked both ways as questions, not negations', () => {
    for (const q of ['外地户口能不能办老年公交卡', '残疾人坐公交有没有优惠', '一级残疾能领护理补贴不', '开的小店不年报有事没？', '是不是要交钱']) {
      expect(nearMissGuards(q, entry('老年人公交卡能否办理，有哪些优惠？')).map((b) => b.kind)).not.toContain('negation')
    }
    expect(nearMissGuards('没有社保能领养老金吗', entry('养老金能否领取？')).map((b) => b.kind)).toContain('negation')
    // A circumstance before the question, on either side, is not what is asked.
    expect(nearMissGuards('没有单位了，社保怎么交？', entry('没有单位了，社保怎么交？'))).toEqual([])
  })

  it('reads 非本地 as another place, and leaves places the answer mentions in passing alone', () => {
    expect(nearMissGuards('外地户口的老人能办公交卡吗', entry('非本地户籍老人能否办理老年人公交卡？'))).toEqual([])
    expect(nearMissGuards('本区户籍老人能办公交卡吗', entry('非本地户籍老人能否办理老年人公交卡？')).map((b) => b.kind)).toEqual(['place'])
    expect(nearMissGuards('孩子在外地上大学，医保在哪交', entry('大学生医保在哪里参保？', '在本区高校就读的学生在学校参保。'))).toEqual([])
  })

  it('lets through a question whose details agree or that names none', () => {
    expect(nearMissGuards('外地人在本区能申请公租房吗', entry('外地户籍人员能否申请本区公租房'))).toEqual([])
    expect(nearMissGuards('公租房怎么申请', entry('公租房申请条件是什么', '在本区工作满1年的外地户籍职工可以申请。'))).toEqual([])
    expect(nearMissGuards('缴费满15年能领养老金吗', entry('缴费满15年能领养老金吗'))).toEqual([])
  })
})
