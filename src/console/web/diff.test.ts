import { describe, expect, it } from 'vitest'
import { diffList, diffText } from './diff.ts'

const render = (parts: { text: string; op: string }[]) => parts.map((p) => (p.op === 'same' ? p.text : p.op === 'add' ? `[+${p.text}]` : `[-${p.text}]`)).join('')

describe('reviewer diff', () => {
  it('marks only the changed characters inside a changed sentence', () => {
    expect(render(diffText('补贴标准为每人1000元。须在6个月内申请。', '补贴标准为每人1500元。须在6个月内申请。'))).toBe('补贴标准为每人1[-0][+5]00元。须在6个月内申请。')
  })

  it('shows an added sentence whole and keeps the unchanged ones', () => {
    expect(render(diffText('一、条件。二、材料。', '一、条件。新增：办理地点。二、材料。'))).toBe('一、条件。[+新增：办理地点。]二、材料。')
  })

  it('treats a first version as all added', () => {
    expect(diffText('', '全新答复。')).toEqual([{ text: '全新答复。', op: 'add' }])
  })

  it('lists added, kept and removed similar questions', () => {
    expect(diffList(['甲', '乙'], ['乙', '丙'])).toEqual([{ text: '乙', op: 'same' }, { text: '丙', op: 'add' }, { text: '甲', op: 'del' }])
  })
})
