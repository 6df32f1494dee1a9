import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN as ADMIN_TOKEN_FOR_ROLES, createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { ROLES, type Role } from '../auth/auth.types.ts'

type Call = { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: Record<string, unknown> }

/**
 * What each role may do, written out by hand (not read from the routes' config) so that a route
 * opened to the wrong role fails here. Extend as modules land.
 */
const MATRIX: { name: string; call: (ids: Ids) => Call; allowed: Role[] }[] = [
  { name: 'see who it is', call: () => ({ method: 'GET', url: '/api/v1/me' }), allowed: ['admin', 'agent', 'unit', 'reviewer', 'integration'] },
  { name: 'read the labels of the codes', call: () => ({ method: 'GET', url: '/api/v1/meta/labels' }), allowed: ['admin', 'agent', 'unit', 'reviewer', 'integration'] },
  { name: 'list tokens', call: () => ({ method: 'GET', url: '/api/v1/tokens' }), allowed: ['admin'] },
  { name: 'issue a token', call: () => ({ method: 'POST', url: '/api/v1/tokens', payload: { name: '新坐席', role: 'agent' } }), allowed: ['admin'] },
  { name: 'revoke a token', call: (ids) => ({ method: 'DELETE', url: `/api/v1/tokens/${ids.spareToken}` }), allowed: ['admin'] },
  { name: 'list units', call: () => ({ method: 'GET', url: '/api/v1/units' }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'see a unit', call: (ids) => ({ method: 'GET', url: `/api/v1/units/${ids.unit}` }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'create a unit', call: () => ({ method: 'POST', url: '/api/v1/units', payload: { code: `u${Math.random().toString(36).slice(2, 8)}`, name: '新单位' } }), allowed: ['admin'] },
  { name: 'change a unit', call: (ids) => ({ method: 'PATCH', url: `/api/v1/units/${ids.unit}`, payload: { contactName: '王五' } }), allowed: ['admin'] },
  { name: 'list topics', call: () => ({ method: 'GET', url: '/api/v1/topics' }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'create a topic', call: () => ({ method: 'POST', url: '/api/v1/topics', payload: { code: `t${Math.random().toString(36).slice(2, 8)}`, name: '新领域' } }), allowed: ['admin'] },
  { name: 'read the audit log', call: () => ({ method: 'GET', url: '/api/v1/audit' }), allowed: ['admin'] },
  { name: 'compute a due date', call: () => ({ method: 'GET', url: '/api/v1/calendar/due?days=5' }), allowed: ['admin', 'agent', 'unit', 'reviewer', 'integration'] },
  { name: 'see the calendar', call: () => ({ method: 'GET', url: '/api/v1/calendar' }), allowed: ['admin', 'agent', 'unit', 'reviewer', 'integration'] },
  {
    name: 'set a year\'s holidays',
    call: () => ({ method: 'PUT', url: '/api/v1/calendar/2031', payload: { holidays: [{ date: '2031-10-01', name: '国庆节' }], workdays: [], sourceUrl: 'https://www.gov.cn/zhengce/2031.htm' } }),
    allowed: ['admin'],
  },
  { name: 'read the per-unit statistics', call: () => ({ method: 'GET', url: '/api/v1/stats/units' }), allowed: ['admin', 'unit'] },
  { name: 'read the consultation statistics', call: () => ({ method: 'GET', url: '/api/v1/stats/consultations' }), allowed: ['admin', 'unit'] },
  { name: 'read the ledger', call: () => ({ method: 'GET', url: '/api/v1/ledger' }), allowed: ['admin', 'unit'] },
  { name: 'export the ledger', call: () => ({ method: 'GET', url: '/api/v1/ledger/export' }), allowed: ['admin', 'unit'] },
  { name: 'read a month\'s published replies', call: () => ({ method: 'GET', url: '/api/v1/publications/2025-03' }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'register an integration', call: () => ({ method: 'POST', url: '/api/v1/integrations', payload: { name: '另一个系统' } }), allowed: ['admin'] },
  { name: 'list integrations', call: () => ({ method: 'GET', url: '/api/v1/integrations' }), allowed: ['admin'] },
  { name: 'see delivery attempts', call: () => ({ method: 'GET', url: '/api/v1/integration-events' }), allowed: ['admin'] },
  { name: 'poll its events', call: () => ({ method: 'GET', url: '/api/v1/events' }), allowed: ['integration'] },
  { name: 'list entries', call: () => ({ method: 'GET', url: '/api/v1/entries' }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'draft an entry', call: () => ({ method: 'POST', url: '/api/v1/entries', payload: { question: '灵活就业人员如何参保？', answer: '可在户籍地或居住地参保。', unitCode: 'rsj' } }), allowed: ['admin', 'unit'] },
  { name: 'list policy documents', call: () => ({ method: 'GET', url: '/api/v1/policy-documents' }), allowed: ['admin', 'agent', 'unit', 'reviewer'] },
  { name: 'see the review queue', call: () => ({ method: 'GET', url: '/api/v1/reviews' }), allowed: ['admin', 'reviewer'] },
  { name: 'approve an entry', call: () => ({ method: 'POST', url: '/api/v1/entries/999999/approve', payload: {} }), allowed: ['admin', 'reviewer'] },
  { name: 'match a question', call: () => ({ method: 'POST', url: '/api/v1/match', payload: { question: '灵活就业人员怎么交社保？' } }), allowed: ['admin', 'agent', 'unit', 'reviewer', 'integration'] },
  { name: 'edit synonyms', call: () => ({ method: 'POST', url: '/api/v1/synonyms', payload: { term: `词${Math.random().toString(36).slice(2, 6)}`, canonical: '社会保险' } }), allowed: ['admin'] },
  {
    name: 'register a consultation',
    call: () => ({ method: 'POST', url: '/api/v1/consultations', payload: { channel: 'mailbox', question: '失业保险金如何申领？', unitCode: 'rsj' } }),
    allowed: ['admin', 'agent', 'integration'],
  },
  { name: 'list consultations', call: () => ({ method: 'GET', url: '/api/v1/consultations' }), allowed: ['admin', 'agent', 'integration'] },
  { name: 'list tickets', call: () => ({ method: 'GET', url: '/api/v1/tickets' }), allowed: ['admin', 'agent', 'unit', 'integration'] },
  { name: 'answer a ticket', call: () => ({ method: 'POST', url: '/api/v1/tickets/999999/answer', payload: { answer: '已按规定办理。' } }), allowed: ['admin', 'unit'] },
  { name: 'reassign a ticket', call: () => ({ method: 'POST', url: '/api/v1/tickets/999999/reassign', payload: { unitCode: 'wjw', note: '属卫健委职责' } }), allowed: ['admin', 'agent'] },
  { name: 'close a ticket', call: () => ({ method: 'POST', url: '/api/v1/tickets/999999/close', payload: {} }), allowed: ['admin', 'agent'] },
  { name: 'choose the replies to publish', call: () => ({ method: 'POST', url: '/api/v1/publications/2025-03', payload: { ticketIds: [1] } }), allowed: ['admin'] },
]

interface Ids { unit: number; spareToken: number }

describe('roles', () => {
  let t: TestApp
  let tokens: Record<Role, string>
  let ids: Ids
  beforeAll(async () => {
    t = await createTestApp()
    ids = { unit: (await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })).json().id, spareToken: 0 }
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'wjw', name: '区卫生健康委' } })
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'zwb', name: '区政府办公室' } })
    tokens = {
      admin: await t.token('admin', { name: '另一位管理员' }),
      agent: await t.token('agent'),
      unit: await t.token('unit', { unitCode: 'rsj' }),
      reviewer: await t.token('reviewer', { reviewStep: 1 }),
      // A registered mailbox: registration issues its integration token.
      integration: (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '网站公开信箱' } })).json().credentials.token,
    }
  })
  afterAll(async () => { await t.close() })

  describe.each(ROLES)('a %s token', (role) => {
    it.each(MATRIX.filter((m) => m.allowed.includes(role)).map((m) => [m.name, m] as const))('may %s', async (_name, m) => {
      ids.spareToken = (await t.call({ method: 'POST', url: '/api/v1/tokens', payload: { name: '备用', role: 'agent' } })).json().id
      const res = await t.call({ ...m.call(ids), token: tokens[role] })
      // Past the role gate; what happens next (e.g. 404 for a ticket that does not exist) is the module's business.
      expect([401, 403], res.body).not.toContain(res.statusCode)
      expect(res.statusCode, res.body).toBeLessThan(500)
    })

    it.each(MATRIX.filter((m) => !m.allowed.includes(role)).map((m) => [m.name, m] as const))('may not %s', async (_name, m) => {
      ids.spareToken = (await t.call({ method: 'POST', url: '/api/v1/tokens', payload: { name: '备用', role: 'agent' } })).json().id
      const res = await t.call({ ...m.call(ids), token: tokens[role] })
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('FORBIDDEN')
    })
  })

  it('knows whom each token stands for: the unit and the review step', async () => {
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token: tokens.unit })).json()).toMatchObject({ role: 'unit', unit: { code: 'rsj' } })
    expect((await t.call({ method: 'GET', url: '/api/v1/me', token: tokens.reviewer })).json()).toMatchObject({ role: 'reviewer', reviewStep: 1, reviewStepName: '复审' })
  })

  it('keeps a unit token to its own unit: another unit\'s figures are refused', async () => {
    const own = await t.call({ method: 'GET', url: '/api/v1/stats/units?unit=rsj', token: tokens.unit })
    expect(own.statusCode).toBe(200)
    const other = await t.call({ method: 'GET', url: '/api/v1/stats/units?unit=wjw', token: tokens.unit })
    expect(other.statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: '/api/v1/ledger?unit=wjw', token: tokens.unit })).statusCode).toBe(403)
  })

  it('lets a unit edit only its own entries', async () => {
    const draft = { question: '新生儿如何办理医保？', answer: '出生后可在线办理参保登记。' }
    const others = (await t.call({ method: 'POST', url: '/api/v1/entries', payload: { ...draft, unitCode: 'wjw' } })).json()
    const patch = await t.call({ method: 'PATCH', url: `/api/v1/entries/${others.id}`, token: tokens.unit, payload: { answer: '改写他人的答复口径' } })
    expect([403, 404]).toContain(patch.statusCode)
    expect((await t.call({ method: 'POST', url: '/api/v1/entries', token: tokens.unit, payload: { ...draft, unitCode: 'wjw' } })).statusCode).toBe(403)
    const own = await t.call({ method: 'POST', url: '/api/v1/entries', token: tokens.unit, payload: { ...draft, unitCode: 'rsj' } })
    expect(own.statusCode).toBe(201)
    expect((await t.call({ method: 'PATCH', url: `/api/v1/entries/${own.json().id}`, token: tokens.unit, payload: { answer: '出生后 90 日内可在线办理参保登记。' } })).statusCode).toBe(200)
  })

  it('lets a reviewer act only at its own review step', async () => {
    const entry = (await t.call({ method: 'POST', url: '/api/v1/entries', token: tokens.unit, payload: { question: '失业金怎么领？', answer: '可在线申领。', unitCode: 'rsj' } })).json()
    expect((await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/submit`, token: tokens.unit, payload: {} })).statusCode).toBe(200)
    // The entry waits at 初审; this reviewer is 复审.
    const res = await t.call({ method: 'POST', url: `/api/v1/entries/${entry.id}/approve`, token: tokens.reviewer, payload: {} })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('KB_REVIEW_WRONG_STEP')
  })

  describe('consultations and tickets', () => {
    const asker = { name: '李建国', phone: '13912345678' }
    const submit = async (token: string, payload: Record<string, unknown>) => {
      const res = await t.call({ method: 'POST', url: '/api/v1/consultations', token, payload: { question: '父亲的养老金怎么领取？', unitCode: 'rsj', asker, ...payload } })
      expect(res.statusCode, res.body).toBe(201)
      return res.json() as { consultation: { id: number }; ticket: { id: number } }
    }
    const get = (url: string, token: string) => t.call({ method: 'GET', url, token })

    it('lets an integration see only what it submitted', async () => {
      const other = (await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '另一个信箱' } })).json().credentials.token
      const mine = await submit(tokens.integration, { channel: 'mailbox', externalId: 'M-1' })
      const theirs = await submit(other, { channel: 'mailbox', externalId: 'M-1' })
      expect((await get(`/api/v1/consultations/${mine.consultation.id}`, tokens.integration)).statusCode).toBe(200)
      expect((await get(`/api/v1/consultations/${theirs.consultation.id}`, tokens.integration)).statusCode).toBe(404)
      expect((await get(`/api/v1/tickets/${theirs.ticket.id}`, tokens.integration)).statusCode).toBe(404)
      const listed = (await get('/api/v1/consultations?pageSize=100', tokens.integration)).json().items.map((c: { id: number }) => c.id)
      expect(listed).toContain(mine.consultation.id)
      expect(listed).not.toContain(theirs.consultation.id)
    })

    it('lets a unit see and answer only its own tickets', async () => {
      const wjw = await t.token('unit', { unitCode: 'wjw' })
      const { ticket } = await submit(tokens.agent, { channel: 'hotline' })
      expect((await get(`/api/v1/tickets/${ticket.id}`, tokens.unit)).statusCode).toBe(200)
      expect((await get(`/api/v1/tickets/${ticket.id}`, wjw)).statusCode).toBe(404)
      expect((await get('/api/v1/tickets?pageSize=100', wjw)).json().items.map((i: { id: number }) => i.id)).not.toContain(ticket.id)
      const refused = await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/answer`, token: wjw, payload: { answer: '越权答复' } })
      expect([403, 404]).toContain(refused.statusCode)
      const answered = await t.call({ method: 'POST', url: `/api/v1/tickets/${ticket.id}/answer`, token: tokens.unit, payload: { answer: '请携带身份证到社保窗口办理。' } })
      expect(answered.statusCode, answered.body).toBe(200)
    })

    it('shows the asker in full only to admins, the registering agent and the assigned unit, and audits those reads', async () => {
      const { consultation } = await submit(tokens.agent, { channel: 'hotline' })
      const otherAgent = await t.token('agent', { name: '另一位坐席' })
      const seen = async (token: string) => (await get(`/api/v1/consultations/${consultation.id}`, token)).json().consultation.asker
      expect(await seen(ADMIN_TOKEN_FOR_ROLES)).toMatchObject({ phone: '13912345678', masked: false })
      expect(await seen(tokens.agent)).toMatchObject({ phone: '13912345678', masked: false })
      expect(await seen(tokens.unit)).toMatchObject({ phone: '13912345678', masked: false })
      expect(await seen(otherAgent)).toMatchObject({ phone: '139****5678', name: '李**', masked: true })
      const reads = (await t.call({ method: 'GET', url: `/api/v1/audit?action=readContactDetails&targetId=${consultation.id}` })).json()
      expect(reads.items.map((i: { actor: { role: string } }) => i.actor.role).sort()).toEqual(['admin', 'agent', 'unit'])
      expect(JSON.stringify(reads.items)).not.toContain('13912345678')
    })
  })

  it('answers 401 without a token, with a malformed header, an unknown or a revoked token', async () => {
    const revoked = await t.token('agent')
    const id = (await t.call({ method: 'GET', url: '/api/v1/me', token: revoked })).json().id
    await t.call({ method: 'DELETE', url: `/api/v1/tokens/${id}` })
    const cases: [Record<string, string>, string][] = [
      [{}, 'AUTH_REQUIRED'],
      [{ authorization: 'Basic YWRtaW46YWRtaW4=' }, 'AUTH_REQUIRED'],
      [{ authorization: 'Bearer' }, 'AUTH_REQUIRED'],
      [{ authorization: 'Bearer not-a-token' }, 'AUTH_INVALID_TOKEN'],
      [{ authorization: `Bearer ${revoked}` }, 'AUTH_INVALID_TOKEN'],
    ]
    for (const [headers, code] of cases) {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/units', headers })
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe(code)
    }
  })

  it('refuses every route to the roles it does not name, and every API route to a caller without a token', async () => {
    const fill = (url: string) => url.replace(/:\w+/g, '1')
    const wrong: string[] = []
    for (const route of t.app.routeCatalog) {
      if (route.roles === 'public') continue
      const method = route.method as Call['method']
      const anonymous = await t.app.inject({ method, url: fill(route.url) })
      if (anonymous.statusCode !== 401) wrong.push(`${route.method} ${route.url} without a token: ${anonymous.statusCode}`)
      for (const role of ROLES.filter((r) => !(route.roles as readonly Role[]).includes(r))) {
        const res = await t.call({ method, url: fill(route.url), token: tokens[role] })
        if (res.statusCode !== 403 && res.statusCode !== 404) wrong.push(`${route.method} ${route.url} as ${role}: ${res.statusCode}`)
      }
    }
    expect(wrong).toEqual([])
  })
})
