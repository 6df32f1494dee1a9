import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { nextOutboxSeq } from './integrations.outbox-writer.ts'
import { outboxCounter, outboxEvents } from './integrations.table.ts'
import { openTicket } from './integrations.testkit.ts'

// The outbox seq is a polling cursor: a poller that has read up to n must never find an event
// numbered below n committed later. So the number comes from a counter row in the writer's own
// transaction, which holds it until commit, rather than from a sequence (which PostgreSQL hands
// out at insert time, in whatever order the writers then commit).

const tick = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('the outbox seq', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() })
  afterAll(async () => { await t.close() })

  it('is taken in commit order: a second writer waits for the first to commit, then takes the next number', async () => {
    const { db } = t.app.services
    const taken: string[] = []
    let commitFirst!: () => void
    const held = new Promise<void>((resolve) => { commitFirst = resolve })
    const first = db.transaction(async (tx) => {
      const seq = await nextOutboxSeq(tx)
      taken.push(`first ${seq}`)
      await held
      return seq
    })
    while (taken.length === 0) await tick()
    const second = db.transaction(async (tx) => {
      const seq = await nextOutboxSeq(tx)
      taken.push(`second ${seq}`)
      return seq
    })
    for (let i = 0; i < 4; i++) await tick()
    // The first has not committed: the second has no number yet.
    expect(taken).toHaveLength(1)
    commitFirst()
    const [a, b] = await Promise.all([first, second])
    expect(b).toBe(a + 1)
    expect(taken).toEqual([`first ${a}`, `second ${b}`])
  })

  it('numbers the events an integration is told of without a gap, and starts after the events already there', async () => {
    const { db } = t.app.services
    const reg = await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '网站公开信箱' } })
    expect(reg.statusCode).toBe(201)
    const tokenId = reg.json().token.id as number
    await openTicket(t.app.services, { registeredBy: tokenId })
    // A database whose events were numbered before the counter existed: the counter starts after them.
    await db.delete(outboxCounter).where(eq(outboxCounter.id, 1))
    await openTicket(t.app.services, { registeredBy: tokenId })
    const seqs = (await db.select({ seq: outboxEvents.seq }).from(outboxEvents).orderBy(asc(outboxEvents.seq))).map((r) => r.seq)
    expect(seqs.length).toBeGreaterThanOrEqual(2)
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i))
  })
})
