import { describe, expect, it } from 'vitest'
import { beijingDateTime, byConfidence, channelLabel, doneMessage, mediaText, statusLabel } from './format'
import { setLabels } from './labels'
import { labelSets } from '../../meta.routes.ts'
import { CHANNEL_LABELS } from '../../consultations/consultations.labels.ts'
import { TICKET_STATUS_LABELS } from '../../tickets/tickets.labels.ts'

describe('console labels', () => {
  it('says what was done once: 已登记回复, not 已已回复', () => {
    expect(doneMessage('reply', 'ZX20261206-0001')).toBe('已登记回复：ZX20261206-0001')
    expect(doneMessage('answer', 'ZX1')).toBe('已提交答复：ZX1')
    for (const a of ['answer', 'reply', 'return', 'reassign', 'assign', 'close']) expect(doneMessage(a, 'X')).not.toMatch(/已已/)
  })

  it('names a media link\'s kind once', () => {
    expect(mediaText('image', '图解：灵活就业参保')).toBe('图解：灵活就业参保')
    expect(mediaText('video', '三分钟看懂育儿补贴')).toBe('短视频·三分钟看懂育儿补贴')
  })

  it('names codes with the words the service serves, the same as the exports', () => {
    setLabels(labelSets())
    for (const [code, label] of Object.entries(CHANNEL_LABELS)) expect(channelLabel(code)).toBe(label)
    for (const [code, label] of Object.entries(TICKET_STATUS_LABELS)) expect(statusLabel(code)).toBe(label)
    expect(statusLabel(null)).toBe('—')
  })

  it('orders candidates by the confidence they show, keeping the ranker\'s order on ties', () => {
    const c = [{ id: 1, confidence: 0.4 }, { id: 2, confidence: 0.22 }, { id: 3, confidence: 0.25 }, { id: 4, confidence: 0.25 }]
    expect(byConfidence(c).map((x) => x.id)).toEqual([1, 3, 4, 2])
  })
})

describe('Beijing time in the console', () => {
  it('writes an instant as Beijing wall-clock time with +08:00', () => {
    expect(beijingDateTime(new Date('2025-09-30T17:05:09Z'))).toBe('2025-10-01T01:05:09+08:00')
  })
})
