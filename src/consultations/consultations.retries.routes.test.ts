import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { and, eq } from 'drizzle-orm'
import { consultations } from './consultations.table.ts'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'

// A machine client's retry names its letter by externalId: the same letter again gets the original
// consultation (200); another letter under a number already used is a conflict (409), never a
// silent loss of its text.
describe('consultation intake: a retry with the same externalId', () => {
  let k: Kit
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  const rows = async (externalId: string) => k.app.services.db.select().from(consultations).where(and(eq(consultations.externalId, externalId)))
  const letter = (externalId: string) => ({
    channel: 'mailbox', question: '小区门口的路灯坏了，请问找哪个部门？', externalId,
    asker: { name: '周敏', phone: '13812345678', email: 'zhoumin@example.com', preferredReply: 'email' },
  })

  it('refuses a different question with 409, naming the fields, and keeps the original text', async () => {
    const first = await k.submit(letter('MB-R-1'), k.tokens.integration)
    expect(first.status).toBe(201)
    const res = await k.submit({ ...letter('MB-R-1'), question: '路灯修好了，但楼道灯也坏了。' }, k.tokens.integration)
    expect(res.status).toBe(409)
    expect(res.body).toMatchObject({ code: 'CONSULTATION_EXTERNAL_ID_REUSED', details: [{ field: 'externalId' }, { field: 'question' }] })
    expect((await rows('MB-R-1')).map((c) => c.question)).toEqual([letter('MB-R-1').question])
  })

  it('gives the original back to a retry of a letter registered before a rule that would refuse it now', async () => {
    expect((await k.submit(letter('MB-R-OLD'), k.tokens.integration)).status).toBe(201)
    // As registered before integrations were kept to mailbox and portal: a letter filed as a hotline call.
    await k.app.services.db.update(consultations).set({ channel: 'hotline' }).where(eq(consultations.externalId, 'MB-R-OLD'))
    const retry = await k.submit({ ...letter('MB-R-OLD'), channel: 'hotline' }, k.tokens.integration)
    expect(retry.status).toBe(200)
    expect(await rows('MB-R-OLD')).toHaveLength(1)
  })

  it('refuses another asker, channel or kind in the same way', async () => {
    const base = letter('MB-R-2')
    expect((await k.submit(base, k.tokens.integration)).status).toBe(201)
    const cases: [Record<string, unknown>, string[]][] = [
      [{ asker: { ...base.asker, phone: '13900000000' } }, ['asker.phone']],
      [{ asker: { name: '周敏' } }, ['asker.phone', 'asker.email', 'asker.preferredReply']],
      [{ asker: undefined }, ['asker.name', 'asker.phone', 'asker.email', 'asker.preferredReply']],
      [{ channel: 'portal' }, ['channel']],
      [{ kind: 'suggestion' }, ['kind']],
    ]
    for (const [change, fields] of cases) {
      const res = await k.submit({ ...base, ...change }, k.tokens.integration)
      expect(res.status).toBe(409)
      expect(res.body.code).toBe('CONSULTATION_EXTERNAL_ID_REUSED')
      expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['externalId', ...fields])
    }
    expect(await rows('MB-R-2')).toHaveLength(1)
  })

  it('returns the original for the same letter, whatever the time of receipt or the handling hints', async () => {
    const first = await k.submit({ ...letter('MB-R-3'), receivedAt: '2025-10-09T10:00:00+08:00' }, k.tokens.integration)
    for (const retry of [letter('MB-R-3'), { ...letter('MB-R-3'), openTicket: true, unitCode: 'jw' }]) {
      const res = await k.submit(retry, k.tokens.integration)
      expect(res.status).toBe(200)
      expect(res.body.consultation.id).toBe(first.body.consultation.id)
      expect(res.body.ticket.number).toBe(first.body.ticket.number)
    }
  })

  it('refuses a different letter sent with another Idempotency-Key under a used externalId', async () => {
    const send = (key: string, question: string) => k.call({
      method: 'POST', url: '/api/v1/consultations', token: k.tokens.integration, headers: { 'idempotency-key': key },
      payload: { ...letter('MB-R-4'), question },
    })
    expect((await send('r4-a', '第一封来信的内容。')).statusCode).toBe(201)
    const res = await send('r4-b', '第二封来信的内容。')
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('CONSULTATION_EXTERNAL_ID_REUSED')
  })

  it('gives concurrent copies of one letter one consultation, and refuses a concurrent different one', async () => {
    const same = await Promise.all(Array.from({ length: 4 }, () => k.submit(letter('MB-R-5'), k.tokens.integration)))
    expect(same.map((r) => r.status).sort()).toEqual([200, 200, 200, 201])
    expect(new Set(same.map((r) => r.body.consultation.id)).size).toBe(1)

    const [a, b] = await Promise.all([
      k.submit(letter('MB-R-6'), k.tokens.integration),
      k.submit({ ...letter('MB-R-6'), question: '同一编号的另一封来信。' }, k.tokens.integration),
    ])
    expect([a.status, b.status].sort()).toEqual([201, 409])
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('CONSULTATION_EXTERNAL_ID_REUSED')
    expect(await rows('MB-R-6')).toHaveLength(1)
  })
})
