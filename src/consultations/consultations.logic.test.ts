import { describe, expect, it } from 'vitest'
import { differingFields } from './consultations.logic.ts'
import type { Consultation } from './consultations.queries.ts'

const stored = {
  channel: 'mailbox', kind: 'question', question: '路灯坏了找谁？', policyDocumentId: null,
  askerName: '周敏', askerPhone: null, askerEmail: 'zhoumin@example.com', preferredReply: null,
} as Consultation

describe('differingFields: is a retry under a used externalId the same letter', () => {
  it('finds none for the same letter, a left-out field counting as empty', () => {
    expect(differingFields(stored, { channel: 'mailbox', question: '路灯坏了找谁？', asker: { name: '周敏', email: 'zhoumin@example.com' } })).toEqual([])
  })

  it('names each field that differs, in a fixed order, with its Chinese label', () => {
    const diff = differingFields(stored, { channel: 'portal', kind: 'suggestion', question: '路灯坏了找谁?', policyDocumentId: 3, asker: { phone: '13812345678' } })
    expect(diff.map((d) => d.field)).toEqual(['channel', 'kind', 'question', 'policyDocumentId', 'asker.name', 'asker.phone', 'asker.email'])
    expect(diff[2]).toEqual({ field: 'question', label: '咨询内容' })
  })
})
