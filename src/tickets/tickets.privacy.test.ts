import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

// G4: the asker's name, phone and e-mail in full only to the agent who registered the
// consultation, the unit holding its ticket and admins; masked for everyone else.

describe("the asker's contact details", () => {
  let k: Kit
  let ticketId: number
  let consultationId: number
  const asker = { name: '李建国', phone: '13912345678', email: 'ljg@example.com', preferredReply: 'phone' }

  beforeAll(async () => {
    k = await createKit()
    const res = await k.submit({ channel: 'hotline', question: '我身份证号500112198503121234，父亲的养老金怎么领？', unitCode: 'rsj', asker }, k.tokens.agent)
    ticketId = res.body.ticket.id
    consultationId = res.body.consultation.id
  })
  afterAll(async () => { await k.close() })

  const full = { name: '李建国', phone: '13912345678', email: 'ljg@example.com', masked: false }
  const masked = { name: '李**', phone: '139****5678', email: 'l***@example.com', masked: true }

  it.each([
    ['an admin', undefined, full],
    ['the agent who registered it', 'agent', full],
    ['the unit holding the ticket', 'rsj', full],
    ['another agent', 'agent2', masked],
  ] as const)('shows %s the ticket with the right details', async (_who, tokenName, expected) => {
    const res = await k.ticket(ticketId, tokenName ? k.tokens[tokenName] : undefined)
    expect(res.status).toBe(200)
    expect(res.body.asker).toMatchObject(expected)
    if (expected.masked) expect(res.body.question).toContain('500112********1234')
    else expect(res.body.question).toContain('500112198503121234')
  })

  it('hides the ticket from another unit altogether', async () => {
    expect((await k.ticket(ticketId, k.tokens.ybj)).status).toBe(404)
    expect((await k.call({ method: 'GET', url: `/api/v1/consultations/${consultationId}`, token: k.tokens.ybj })).statusCode).toBe(404)
  })

  it('masks the consultation for another agent and shows it to the holding unit', async () => {
    const other = await k.call({ method: 'GET', url: `/api/v1/consultations/${consultationId}`, token: k.tokens.agent2 })
    expect(other.json().consultation.asker).toMatchObject(masked)
    const unit = await k.call({ method: 'GET', url: `/api/v1/consultations/${consultationId}`, token: k.tokens.rsj })
    expect(unit.json().consultation.asker).toMatchObject(full)
    expect(unit.json().ticket.id).toBe(ticketId)
  })

  it('masks them for an integration, even on what it submitted', async () => {
    const res = await k.submit({ channel: 'mailbox', question: '医保异地就医怎么备案？', unitCode: 'ybj', asker, externalId: 'M-9' }, k.tokens.integration)
    expect(res.body.consultation.asker).toMatchObject(masked)
    expect((await k.ticket(res.body.ticket.id, k.tokens.integration)).body.asker).toMatchObject(masked)
  })

  it('masks them in the consultation register for everyone', async () => {
    const res = await k.call({ method: 'GET', url: '/api/v1/consultations', token: k.tokens.agent })
    const row = res.json().items.find((c: any) => c.id === consultationId)
    expect(row.asker).toMatchObject(masked)
  })

  it('no longer shows them to a unit once the ticket has left it', async () => {
    const res = await k.submit({ channel: 'hotline', question: '工伤认定怎么申请？', unitCode: 'rsj', asker }, k.tokens.agent)
    const id = res.body.ticket.id
    const reassigned = await k.act(id, 'reassign', { unitCode: 'ybj', reason: '转医保局' }, k.tokens.agent)
    expect(reassigned.body.asker).toMatchObject(full)
    expect((await k.ticket(id, k.tokens.ybj)).body.asker).toMatchObject(full)
    expect((await k.ticket(id, k.tokens.rsj)).status).toBe(404)
  })

  it('writes each reading of full contact details to the audit log, and not masked readings', async () => {
    // The audit log as the audit service lists it (newest first), turned oldest first.
    const reads = async () => (await k.app.services.audit.list({ action: 'readContactDetails', targetType: 'consultation', targetId: String(consultationId), page: 1, pageSize: 100 })).items.reverse()
    const before = (await reads()).length
    await k.ticket(ticketId, k.tokens.agent2)
    await k.call({ method: 'GET', url: '/api/v1/tickets', token: k.tokens.rsj })
    expect(await reads()).toHaveLength(before)
    await k.ticket(ticketId, k.tokens.rsj)
    await k.call({ method: 'GET', url: `/api/v1/consultations/${consultationId}`, token: k.tokens.agent })
    const after = (await reads()).slice(before)
    expect(after).toHaveLength(2)
    expect(after[0]).toMatchObject({ actor: { role: 'unit' }, details: { ticketId }, requestId: expect.any(String) })
    expect(after[1]).toMatchObject({ actor: { role: 'agent' } })
    expect(JSON.stringify(after)).not.toMatch(/李建国|13912345678/)
  })

  it('never puts contact details into domain events', async () => {
    expect(JSON.stringify(k.events)).not.toMatch(/李建国|13912345678|ljg@example\.com/)
  })
})
