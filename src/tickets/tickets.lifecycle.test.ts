import { describe, expect, it } from 'vitest'
import type { Actor } from '../auth/auth.service.ts'
import { canAct, canSee, isOverdue, nextStatus, type TicketAction } from './tickets.lifecycle.ts'
import { formatTicketNumber } from './tickets.numbering.ts'
import { shanghaiDate, startOfShanghaiDay } from '../common/time.ts'

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ tokenId: 1, role, name: role, unitId: null, reviewStep: null, ...extra })

describe('the ticket state machine', () => {
  it('lets the office answer a ticket it holds at dispatch, so a complaint with no drafting unit can be closed out', () => {
    expect(nextStatus('registered', 'answer')).toBe('answered')
    expect(nextStatus('registered', 'reply')).toBeNull()
    expect(nextStatus('registered', 'close')).toBeNull()
  })

  it('walks registered → assigned → answered → replied → closed', () => {
    expect(nextStatus('registered', 'assign')).toBe('assigned')
    expect(nextStatus('assigned', 'answer')).toBe('answered')
    expect(nextStatus('answered', 'reply')).toBe('replied')
    expect(nextStatus('replied', 'close')).toBe('closed')
  })

  it('reassigns and returns only a ticket that is with a unit', () => {
    expect(nextStatus('assigned', 'reassign')).toBe('assigned')
    expect(nextStatus('assigned', 'return')).toBe('registered')
    expect(nextStatus('registered', 'reassign')).toBeNull()
    expect(nextStatus('answered', 'return')).toBeNull()
  })

  it('lets the unit correct its answer until the asker has been told', () => {
    expect(nextStatus('answered', 'answer')).toBe('answered')
    expect(nextStatus('replied', 'answer')).toBeNull()
  })

  it('refuses to skip a step or to reopen a closed ticket', () => {
    expect(nextStatus('assigned', 'reply')).toBeNull()
    expect(nextStatus('answered', 'close')).toBeNull()
    const actions: TicketAction[] = ['assign', 'reassign', 'return', 'answer', 'reply', 'close']
    for (const a of actions) expect(nextStatus('closed', a)).toBeNull()
  })
})

describe('who may see and move a ticket', () => {
  const ticket = { unitId: 7, registeredBy: 40, dispatchUnitId: 1 }

  it('shows a unit only the tickets it holds', () => {
    expect(canSee(actor('unit', { unitId: 7 }), ticket)).toBe(true)
    expect(canSee(actor('unit', { unitId: 8 }), ticket)).toBe(false)
  })

  it('shows an integration only what it submitted', () => {
    expect(canSee(actor('integration', { tokenId: 40 }), ticket)).toBe(true)
    expect(canSee(actor('integration', { tokenId: 41 }), ticket)).toBe(false)
  })

  it('hides tickets from reviewers', () => expect(canSee(actor('reviewer'), ticket)).toBe(false))

  it('lets the holding unit answer and return, but not reassign or close', () => {
    const unit = actor('unit', { unitId: 7 })
    expect(canAct(unit, 'answer', ticket)).toBe(true)
    expect(canAct(unit, 'return', ticket)).toBe(true)
    expect(canAct(unit, 'reassign', ticket)).toBe(false)
    expect(canAct(unit, 'close', ticket)).toBe(false)
    expect(canAct(unit, 'assign', ticket)).toBe(false)
  })

  it('lets the dispatcher unit assign the tickets it holds', () => {
    expect(canAct(actor('unit', { unitId: 1 }), 'assign', { ...ticket, unitId: 1 })).toBe(true)
  })

  it('keeps agents from answering for a unit', () => expect(canAct(actor('agent'), 'answer', ticket)).toBe(false))
})

describe('overdue', () => {
  const dueAt = '2025-10-14T15:59:59.000Z'
  it('is an open ticket past its deadline', () => {
    expect(isOverdue({ status: 'assigned', dueAt, repliedAt: null }, '2025-10-14T16:00:00.000Z')).toBe(true)
    expect(isOverdue({ status: 'assigned', dueAt, repliedAt: null }, '2025-10-14T15:00:00.000Z')).toBe(false)
  })
  it('is a reply that came after the deadline, forever', () => {
    expect(isOverdue({ status: 'closed', dueAt, repliedAt: '2025-10-15T01:00:00.000Z' }, '2026-01-01T00:00:00.000Z')).toBe(true)
    expect(isOverdue({ status: 'closed', dueAt, repliedAt: '2025-10-13T01:00:00.000Z' }, '2026-01-01T00:00:00.000Z')).toBe(false)
  })
})

describe('ticket numbers', () => {
  it('reads ZX, the day of receipt and a four-digit sequence', () => expect(formatTicketNumber('2025-10-09', 1)).toBe('ZX20251009-0001'))
  it('grows past 9,999 rather than wrapping', () => expect(formatTicketNumber('2025-10-09', 12345)).toBe('ZX20251009-12345'))
  it('takes the day in Asia/Shanghai, not UTC', () => {
    expect(shanghaiDate('2025-10-08T16:30:00Z')).toBe('2025-10-09')
    expect(shanghaiDate('2025-10-08T15:59:59Z')).toBe('2025-10-08')
  })
  it('starts a Shanghai day at 16:00 UTC the day before', () => expect(startOfShanghaiDay('2025-10-01')).toBe('2025-09-30T16:00:00.000Z'))
})
