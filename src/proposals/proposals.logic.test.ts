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
})
