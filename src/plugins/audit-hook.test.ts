import { describe, expect, it } from 'vitest'
import { collectIds, describeWrite, targetTypeOf } from './audit-hook.ts'

describe('describing a write for the audit log', () => {
  it('names the resource of a route in the singular', () => {
    expect(targetTypeOf('/api/v1/entries/:id/versions')).toBe('entry')
    expect(targetTypeOf('/api/v1/consultations')).toBe('consultation')
    expect(targetTypeOf('/api/v1/policies/:id')).toBe('policy')
    expect(targetTypeOf('/api/v1/search/match')).toBe('search')
    expect(targetTypeOf('/api/v1/calendar/years/:year')).toBe('calendar')
  })

  it('collects ids at the top and one level down, and ignores other values', () => {
    expect(collectIds({ id: 5, question: '13812345678', ticket: { id: 7, unitId: 3, answer: 'x' }, entryIds: [1, 2], valid: true, deep: { a: { id: 9 } } }))
      .toEqual({ id: 5, ticketId: 7, unitId: 3, entryIds: [1, 2] })
  })

  it('keeps field names and ids, never field values', () => {
    const d = describeWrite({
      method: 'POST', routeUrl: '/api/v1/tickets/:id/answer', operationId: 'answerTicket', statusCode: 200,
      params: { id: 12 }, body: { answer: '张三的电话是 13812345678' },
      responsePayload: JSON.stringify({ id: 12, consultationId: 4, askerName: '张三' }),
    })
    expect(d).toEqual({
      action: 'answerTicket', targetType: 'ticket', targetIds: [12],
      details: { method: 'POST', route: '/api/v1/tickets/:id/answer', statusCode: 200, ids: { consultationId: 4 }, fields: ['answer'] },
    })
  })

  it('takes the resource id from a nested object when the response has none at its top', () => {
    const d = describeWrite({
      method: 'POST', routeUrl: '/api/v1/consultations', operationId: 'createConsultation', statusCode: 201, params: {}, body: { question: 'x' },
      responsePayload: JSON.stringify({ consultation: { id: 31, question: 'x' }, ticket: { id: 9, number: 'ZX20250303-0001' } }),
    })
    expect(d).toMatchObject({ targetType: 'consultation', targetIds: [31], details: { ids: { consultationId: 31, ticketId: 9 } } })
  })

  it('falls back to method and route when a route has no operationId, and survives a body that is not JSON', () => {
    const d = describeWrite({ method: 'DELETE', routeUrl: '/api/v1/things/:id', operationId: undefined, statusCode: 204, params: { id: 3 }, body: undefined, responsePayload: 'not json' })
    expect(d).toMatchObject({ action: 'DELETE /api/v1/things/:id', targetType: 'thing', targetIds: [3] })
  })
})
