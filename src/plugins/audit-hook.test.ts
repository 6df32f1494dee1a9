import { describe, expect, it } from 'vitest'
import type { RouteOptions } from 'fastify'
import { describeWrite, requireAuditDeclaration } from './audit-hook.ts'
import { pathId, resultId, type AuditRequest } from './route-config.ts'

const req = (params: unknown, body: unknown): AuditRequest => ({ params, body, actor: undefined as never })

describe('describing a write for the audit log', () => {
  it('records what the route declares: its target, and ids from the path', () => {
    const d = describeWrite({
      spec: { target: 'ticket', id: pathId() }, method: 'POST', routeUrl: '/api/v1/tickets/:id/answer', operationId: 'answerTicket', statusCode: 200,
      req: req({ id: 12 }, { answer: '张三的电话是 13812345678' }), result: { id: 12, consultationId: 4, askerName: '张三' },
    })
    expect(d).toEqual({
      action: 'answerTicket', targetType: 'ticket', targetIds: [12],
      details: { method: 'POST', route: '/api/v1/tickets/:id/answer', statusCode: 200, fields: ['answer'] },
    })
  })

  it('takes ids from the answer where the route says, and keeps related ids and other path ids in details', () => {
    const d = describeWrite({
      spec: { target: 'consultation', id: resultId('consultation', 'id'), related: (r, result) => ({ ticketId: resultId('ticket', 'id')(r, result) }) },
      method: 'POST', routeUrl: '/api/v1/consultations', operationId: 'createConsultation', statusCode: 201, req: req({}, { question: 'x' }),
      result: { consultation: { id: 31, question: 'x' }, ticket: { id: 9, number: 'ZX20250303-0001' } },
    })
    expect(d).toMatchObject({ targetType: 'consultation', targetIds: [31], details: { ids: { ticketId: 9 } } })
    const nested = describeWrite({
      spec: { target: 'policy-document', id: pathId() }, method: 'DELETE', routeUrl: '/api/v1/policy-documents/:id/interpretations/:interpretationId',
      operationId: 'deleteInterpretation', statusCode: 204, req: req({ id: 3, interpretationId: 8 }, undefined), result: undefined,
    })
    expect(nested).toMatchObject({ targetIds: [3], details: { ids: { interpretationId: 8 } } })
  })

  it('guesses nothing: no declared id, no target ids, whatever the answer holds', () => {
    const d = describeWrite({
      spec: { target: 'session' }, method: 'DELETE', routeUrl: '/api/v1/session', operationId: 'signOut', statusCode: 204,
      req: req({}, undefined), result: { id: 5, ticketId: 7 },
    })
    expect(d).toMatchObject({ targetType: 'session', targetIds: [] })
    expect(d.details).not.toHaveProperty('ids')
  })

  it('lists many ids from an answer, and ignores what is not an id', () => {
    const ids = resultId('entryIds')
    expect(ids(req({}, {}), { entryIds: [1, 2, 3] })).toEqual([1, 2, 3])
    expect(ids(req({}, {}), { entryIds: [{ id: 1 }] })).toBeUndefined()
    expect(resultId('id')(req({}, {}), 'not an object')).toBeUndefined()
  })

  it('falls back to method and route for the action when a route has no operationId', () => {
    const d = describeWrite({ spec: { target: 'thing', id: pathId() }, method: 'DELETE', routeUrl: '/api/v1/things/:id', operationId: undefined, statusCode: 204, req: req({ id: 3 }, undefined), result: undefined })
    expect(d).toMatchObject({ action: 'DELETE /api/v1/things/:id', targetType: 'thing', targetIds: [3] })
  })

  it('refuses a write route that declares neither an audit target nor audit: false', () => {
    const route = (method: string, config?: object) => ({ method, url: '/api/v1/things', config, handler: () => undefined }) as unknown as RouteOptions
    expect(() => requireAuditDeclaration(route('POST'))).toThrow('must declare config.audit')
    expect(() => requireAuditDeclaration(route('GET'))).not.toThrow()
    expect(() => requireAuditDeclaration(route('POST', { audit: false }))).not.toThrow()
    expect(() => requireAuditDeclaration(route('DELETE', { audit: { target: 'thing' } }))).not.toThrow()
  })
})
