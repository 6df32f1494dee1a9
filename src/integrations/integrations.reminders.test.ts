import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import type { DomainEvent } from '../common/events.ts'
import { reminderCandidates } from '../tickets/tickets.queries.ts'
import { outboxEvents } from './integrations.table.ts'
import { reminderFor } from '../tickets/tickets.reminders.ts'
import { openTicket } from './integrations.testkit.ts'

/** 10:00 in Beijing on a date. */
const at = (date: string) => new Date(`${date}T02:00:00.000Z`)
/** The deadline as the calendar writes it: 23:59:59 in Beijing on the due date. */
const dueOn = (date: string) => new Date(Date.parse(`${date}T23:59:59.000+08:00`)).toISOString()

describe('reminderFor', () => {
  const t = { dueAt: dueOn('2025-10-16'), dueSoonNotifiedAt: null, overdueNotifiedAt: null }
  it('is overdue once the deadline has passed, whatever was sent before', () => {
    expect(reminderFor(t, at('2025-10-17').toISOString(), () => 99)).toBe('overdue')
    expect(reminderFor({ ...t, dueSoonNotifiedAt: 'x' }, at('2025-10-17').toISOString(), () => 99)).toBe('overdue')
    expect(reminderFor({ ...t, overdueNotifiedAt: 'x' }, at('2025-10-17').toISOString(), () => 99)).toBeNull()
  })
  it('is due soon within one working day, and only once', () => {
    expect(reminderFor(t, at('2025-10-15').toISOString(), () => 1)).toBe('due_soon')
    expect(reminderFor(t, at('2025-10-16').toISOString(), () => 0)).toBe('due_soon')
    expect(reminderFor(t, at('2025-10-14').toISOString(), () => 2)).toBeNull()
    expect(reminderFor({ ...t, dueSoonNotifiedAt: 'x' }, at('2025-10-15').toISOString(), () => 1)).toBeNull()
  })
})

describe('ticket reminders', () => {
  let t: TestApp
  let seen: DomainEvent[]
  let integrationToken: number
  beforeEach(async () => {
    t = await createTestApp()
    seen = []
    t.app.services.events.on((_tx, e) => { if (e.type === 'ticket.due_soon' || e.type === 'ticket.overdue') seen.push(e) })
    const res = await t.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '公开信箱' } })
    integrationToken = res.json().token.id
  })
  afterEach(async () => { await t.close() })

  const run = (date: string) => t.app.services.integrations.runReminders(at(date))
  // The reminders a ticket was sent, as the tickets module lists the tickets still owed one.
  const row = async (id: number) => (await reminderCandidates(t.app.services.db, '9999-12-31')).find((r) => r.id === id)!

  it('evaluates nothing on a weekend or a public holiday', async () => {
    const { ticket } = await openTicket(t.app.services, { registeredBy: integrationToken, dueAt: dueOn('2025-09-30') })
    expect(await run('2025-10-12')).toEqual({ workingDay: false, dueSoon: 0, overdue: 0 }) // Sunday
    expect(await run('2025-10-03')).toEqual({ workingDay: false, dueSoon: 0, overdue: 0 }) // National Day
    expect(seen).toHaveLength(0)
    expect((await row(ticket.id)).overdueNotifiedAt).toBeNull()
    expect(await run('2025-10-09')).toMatchObject({ workingDay: true, overdue: 1 })
  })

  it('sends ticket.due_soon one working day before the deadline, once', async () => {
    const { ticket } = await openTicket(t.app.services, { registeredBy: integrationToken, dueAt: dueOn('2025-10-16') })
    expect(await run('2025-10-14')).toMatchObject({ dueSoon: 0 }) // two working days left
    expect(await run('2025-10-15')).toMatchObject({ dueSoon: 1 })
    expect(await run('2025-10-15')).toMatchObject({ dueSoon: 0 })
    expect(await run('2025-10-16')).toMatchObject({ dueSoon: 0 })
    expect(seen).toMatchObject([{ type: 'ticket.due_soon', ticketId: ticket.id, payload: { remainingWorkingDays: 1, ticket: { number: ticket.number } } }])
    expect((await row(ticket.id)).dueSoonNotifiedAt).toBe(at('2025-10-15').toISOString())
  })

  it('sends ticket.overdue after the deadline, once, and the integration receives it', async () => {
    const { ticket } = await openTicket(t.app.services, { registeredBy: integrationToken, dueAt: dueOn('2025-10-16') })
    expect(await run('2025-10-17')).toMatchObject({ overdue: 1, dueSoon: 0 })
    expect(await run('2025-10-17')).toMatchObject({ overdue: 0 })
    expect(await run('2025-10-20')).toMatchObject({ overdue: 0, dueSoon: 0 })
    expect(seen.map((e) => e.type)).toEqual(['ticket.overdue'])
    const outbox = await t.app.services.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'ticket.overdue'))
    expect(outbox).toHaveLength(1)
    expect(outbox[0].payload).toMatchObject({ overdueWorkingDays: 1, ticket: { number: ticket.number, dueAt: dueOn('2025-10-16'), unit: { code: 'zwb' } } })
  })

  it('counts a make-up working day (调休) as a working day', async () => {
    // Saturday 11 October 2025 was worked in exchange for the National Day holiday.
    await openTicket(t.app.services, { registeredBy: integrationToken, dueAt: dueOn('2025-10-13') })
    expect(await run('2025-10-11')).toMatchObject({ workingDay: true, dueSoon: 1 })
  })

  it('reminds about every open ticket, but leaves replied ones alone', async () => {
    await openTicket(t.app.services, { registeredBy: null, dueAt: dueOn('2025-10-16'), status: 'assigned' })
    await openTicket(t.app.services, { registeredBy: null, dueAt: dueOn('2025-10-16'), status: 'replied' })
    expect(await run('2025-10-17')).toMatchObject({ overdue: 1 })
    // Not submitted by an integration: on the bus (for the console), not in any outbox.
    expect(seen).toHaveLength(1)
    expect(await t.app.services.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'ticket.overdue'))).toHaveLength(0)
  })
})
