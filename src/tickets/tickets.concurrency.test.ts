import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

// Several people acting on one ticket at the same moment. On SQLite the one writer connection takes
// them in turn; on PostgreSQL (DB_DIALECT=pg) they run side by side, and the ticket's row lock and
// the guarded update (tickets.actions.ts) must give the same outcome: each move happens once.

let k: Kit

async function answered() {
  const res = await k.submit({ channel: 'hotline', question: '失业保险金怎么申领？', unitCode: 'rsj' })
  expect(res.status).toBe(201)
  const id = res.body.ticket.id as number
  expect((await k.act(id, 'answer', { answer: '在重庆人社 App 申领。' }, k.tokens.rsj)).status).toBe(200)
  return id
}

const events = (id: number, type: string) => k.events.filter((e) => e.ticketId === id && e.type === type)

describe('tickets acted on by several people at once', () => {
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  it('records one reply when two agents reply at the same moment; the other is told the ticket moved on', async () => {
    const id = await answered()
    const results = await Promise.all([
      k.act(id, 'reply', { method: 'phone', note: '甲' }, k.tokens.agent),
      k.act(id, 'reply', { method: 'sms', note: '乙' }, k.tokens.agent2),
    ])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect(results.find((r) => r.status === 409)!.body.code).toBe('TICKET_INVALID_TRANSITION')
    const ticket = (await k.ticket(id)).body
    expect(ticket.history.filter((h: { action: string }) => h.action === 'reply')).toHaveLength(1)
    expect(events(id, 'ticket.replied')).toHaveLength(1)
  })

  it('closes once', async () => {
    const id = await answered()
    expect((await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)).status).toBe(200)
    const results = await Promise.all([k.act(id, 'close', {}, k.tokens.agent), k.act(id, 'close', {}, k.tokens.agent2)])
    expect(results.map((r) => r.status).sort()).toEqual([200, 409])
    expect(events(id, 'ticket.closed')).toHaveLength(1)
  })

  it('counts every transfer when two are made at once: they happen one after the other', async () => {
    const res = await k.submit({ channel: 'hotline', question: '异地就医怎么备案？', unitCode: 'rsj' })
    const id = res.body.ticket.id as number
    const results = await Promise.all([
      k.act(id, 'reassign', { unitCode: 'ybj', reason: '属医保局职责' }, k.tokens.agent),
      k.act(id, 'reassign', { unitCode: 'jw', reason: '属教委职责' }, k.tokens.agent2),
    ])
    // The second sees the first's unit: both move the ticket on (a same-unit transfer would be refused).
    expect(results.map((r) => r.status)).toEqual([200, 200])
    const ticket = (await k.ticket(id)).body
    expect(ticket.reassignCount).toBe(2)
    const moves = ticket.history.filter((h: { action: string }) => h.action === 'reassign')
    expect(moves).toHaveLength(2)
    // A chain: the second transfer starts from where the first ended.
    expect(moves[1].fromUnit.code).toBe(moves[0].toUnit.code)
    expect(ticket.unit.code).toBe(moves[1].toUnit.code)
  })
})
