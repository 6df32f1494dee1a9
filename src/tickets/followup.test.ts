import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'
import { isPromiseOverdue, mayChangeRating } from './tickets.lifecycle.ts'
import { promiseOverdueSql } from './followup.repository.ts'
import { ticketPromises } from './followup.table.ts'

// After the reply (issue 21): rating, redoing (重办) and promises, through the real routes.
// 2025 国庆: 1–8 October off, Sunday 28 September and Saturday 11 October worked (调休).

let k: Kit
const at = (iso: string) => vi.setSystemTime(new Date(iso))
const post = async (url: string, payload: Record<string, unknown>, token?: string, headers: Record<string, string> = {}) => {
  const res = await k.call({ method: 'POST', url: `/api/v1${url}`, payload, token: token ?? undefined, headers })
  return { status: res.statusCode, body: res.json(), headers: res.headers }
}
const get = async (url: string, token?: string) => {
  const res = await k.call({ method: 'GET', url: `/api/v1${url}`, token: token ?? undefined })
  return { status: res.statusCode, body: res.json() }
}

/** A ticket of the 人社局 answered and replied, as of the fake clock. */
async function replied(extra: Record<string, unknown> = {}, answer: Record<string, unknown> = {}, submitter?: string) {
  const res = await k.submit({ channel: 'hotline', question: '灵活就业人员社保补贴怎么申请？', unitCode: 'rsj', asker: { name: '张三', phone: '13812345678' }, ...extra }, submitter)
  expect(res.status).toBe(201)
  const id = res.body.ticket.id as number
  expect((await k.act(id, 'answer', { answer: '向区就业服务中心申请。', ...answer }, k.tokens.rsj)).status).toBe(200)
  expect((await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)).status).toBe(200)
  return { id, number: res.body.ticket.number as string, lookupCode: res.body.ticket.lookupCode as string }
}

describe('after the reply', () => {
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })
  afterEach(() => { vi.useRealTimers() })

  it('refuses to rate a ticket the asker has not been told about yet', async () => {
    const res = await k.submit({ channel: 'hotline', question: '医保断缴怎么补？', unitCode: 'ybj' })
    const rated = await post(`/tickets/${res.body.ticket.id}/rating`, { rating: 'satisfied' }, k.tokens.agent)
    expect(rated.status).toBe(409)
    expect(rated.body.code).toBe('RATING_NOT_REPLIED')
    expect(rated.body.details[0].field).toBe('rating')
  })

  it('records one rating per round, changeable within the window, and never twice for a retry', async () => {
    vi.useFakeTimers({ now: new Date('2025-09-22T02:00:00Z'), toFake: ['Date'] })
    const t = await replied()
    const first = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent)
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ round: 1, rating: 'satisfied', ratingName: '满意', source: 'callback', redone: false, changeableUntil: '2025-09-29T02:00:00.000Z' })
    const events = k.events.filter((e) => e.type === 'ticket.rated' && e.ticketId === t.id).length
    expect((await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent)).status).toBe(200)
    expect(k.events.filter((e) => e.type === 'ticket.rated' && e.ticketId === t.id)).toHaveLength(events)

    at('2025-09-28T02:00:00Z')
    const changed = await post(`/tickets/${t.id}/rating`, { rating: 'basically_satisfied', comment: '办理有点慢' }, k.tokens.agent)
    expect(changed.body).toMatchObject({ rating: 'basically_satisfied', changedAt: '2025-09-28T02:00:00.000Z' })
    at('2025-09-29T02:00:01Z')
    const late = await post(`/tickets/${t.id}/rating`, { rating: 'unsatisfied' }, k.tokens.agent)
    expect(late.status).toBe(409)
    expect(late.body.code).toBe('RATING_WINDOW_CLOSED')
    expect(late.body.message).toContain('该答复已于 2025年9月22日 10:00 评价')
    const detail = (await k.ticket(t.id)).body
    expect(detail.rating).toMatchObject({ round: 1, rating: 'basically_satisfied', ratingName: '基本满意', comment: '办理有点慢' })
    expect(detail.history.map((h: { action: string }) => h.action)).toEqual(['created', 'assign', 'answer', 'reply', 'rate', 'rate_changed'])
  })

  it('replays a rating retried with the same Idempotency-Key', async () => {
    const t = await replied()
    const headers = { 'idempotency-key': `rate-${t.id}` }
    const a = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent, headers)
    const b = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent, headers)
    expect(b.headers['idempotent-replayed']).toBe('true')
    expect(b.body).toEqual(a.body)
    expect(k.events.filter((e) => e.type === 'ticket.rated' && e.ticketId === t.id)).toHaveLength(1)
  })

  it('lets only the agent, the office or the submitting integration rate', async () => {
    const t = await replied({ channel: 'mailbox', externalId: 'MB-R-1' }, {}, k.tokens.integration)
    const unit = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.rsj)
    expect(unit.status).toBe(403)
    expect(unit.body.code).toBe('FORBIDDEN')
    const other = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.integration2)
    expect(other.status).toBe(404)
    expect(other.body.code).toBe('TICKET_NOT_FOUND')
    const own = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.integration)
    expect(own.body).toMatchObject({ source: 'integration', rating: 'satisfied' })
  })

  it('rates with the ticket number and lookup code, and says the same for a wrong number or code', async () => {
    const t = await replied()
    expect(t.lookupCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    const wrongCode = `${t.lookupCode.slice(0, 8)}${t.lookupCode.endsWith('A') ? 'C' : 'A'}`
    const bad = await post('/ratings/by-lookup', { number: t.number, lookupCode: wrongCode, rating: 'satisfied' })
    const unknown = await post('/ratings/by-lookup', { number: 'ZX20000101-9999', lookupCode: t.lookupCode, rating: 'satisfied' })
    expect([bad.status, bad.body.code, unknown.status, unknown.body.code]).toEqual([404, 'RATING_LOOKUP_FAILED', 404, 'RATING_LOOKUP_FAILED'])
    const notACode = await post('/ratings/by-lookup', { number: t.number, lookupCode: 'OOOO-1111', rating: 'satisfied' })
    expect([notACode.status, notACode.body.code]).toEqual([404, 'RATING_LOOKUP_FAILED'])
    // As the asker may type it: any case, without the hyphen.
    const ok = await post('/ratings/by-lookup', { number: t.number, lookupCode: t.lookupCode.replace('-', '').toLowerCase(), rating: 'basically_satisfied' })
    expect(ok.body).toMatchObject({ source: 'public', rating: 'basically_satisfied', ticketId: t.id })
    // The lookup code is for the asker: the unit handling the ticket does not see it.
    expect((await k.ticket(t.id, k.tokens.rsj)).body.lookupCode).toBeNull()
    expect((await k.ticket(t.id, k.tokens.agent)).body.lookupCode).toBe(t.lookupCode)
  })

  it('reopens an unsatisfactory reply to the same unit, due 5 working days later across the 调休 Sunday, keeping both rounds', async () => {
    vi.useFakeTimers({ now: new Date('2025-09-22T02:00:00Z'), toFake: ['Date'] })
    const t = await replied()
    // Friday 26 September: the 5 working days are Sun 28 (调休), Mon 29, Tue 30, then Thu 9 and Fri 10 October.
    at('2025-09-26T02:00:00Z')
    const rated = await post(`/tickets/${t.id}/rating`, { rating: 'unsatisfied', comment: '补贴标准没有说清楚，电话13812345678' }, k.tokens.agent)
    expect(rated.body).toMatchObject({ redone: true, round: 1, comment: '补贴标准没有说清楚，电话138****5678' })
    const after = (await k.ticket(t.id, k.tokens.agent)).body
    expect(after).toMatchObject({
      status: 'assigned', round: 2, reopenedAt: '2025-09-26T02:00:00.000Z', unit: { code: 'rsj' },
      dueAt: '2025-10-10T15:59:59.000Z', workingDays: 5, answer: null, reply: null, rating: null,
    })
    expect(after.rounds).toHaveLength(1)
    expect(after.rounds[0]).toMatchObject({ round: 1, answer: '向区就业服务中心申请。', redoTrigger: 'rating', rating: { rating: 'unsatisfied' } })
    expect(after.history.at(-1)).toMatchObject({ action: 'redo', fromStatus: 'replied', toStatus: 'assigned' })
    expect(after.history.at(-1).note).toContain('新的办理时限 2025年10月10日 23:59')
    expect(k.events.filter((e) => e.ticketId === t.id).map((e) => e.type).slice(-2)).toEqual(['ticket.rated', 'ticket.redone'])

    // The second round is answered, replied and rated like the first.
    expect((await k.act(t.id, 'answer', { answer: '补贴标准为每人每月 300 元。' }, k.tokens.rsj)).status).toBe(200)
    expect((await k.act(t.id, 'reply', { method: 'phone' }, k.tokens.agent)).status).toBe(200)
    const second = await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent)
    expect(second.body).toMatchObject({ round: 2, redone: false })
    const ledger = (await get(`/ledger?pageSize=100`)).body.items.find((r: { id: number }) => r.id === t.id)
    expect(ledger).toMatchObject({ redone: true, rating: 'satisfied', ratingLabel: '满意', round: 2 })
  })

  it('recomputes a redone ticket\'s deadline from its reopening when the calendar changes', async () => {
    vi.useFakeTimers({ now: new Date('2025-09-22T02:00:00Z'), toFake: ['Date'] })
    const t = await replied()
    at('2025-09-26T02:00:00Z')
    await post(`/tickets/${t.id}/redo`, { reason: '答复不完整' }, k.tokens.agent)
    const result = await k.app.services.tickets.recomputeDeadlines()
    expect(result.checked).toBeGreaterThan(0)
    expect((await k.ticket(t.id)).body.dueAt).toBe('2025-10-10T15:59:59.000Z')
  })

  it('lets the office redo a closed ticket with another unit, once: a concurrent second redo is refused', async () => {
    const t = await replied()
    expect((await k.act(t.id, 'close', {}, k.tokens.agent)).status).toBe(200)
    const [a, b] = await Promise.all([
      post(`/tickets/${t.id}/redo`, { unitCode: 'ybj', reason: '涉及医保待遇，改由医保局答复' }, k.tokens.agent),
      post(`/tickets/${t.id}/redo`, { unitCode: 'ybj', reason: '涉及医保待遇，改由医保局答复' }, k.tokens.agent),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    expect((a.status === 409 ? a : b).body.code).toBe('TICKET_INVALID_TRANSITION')
    const done = (a.status === 200 ? a : b).body
    expect(done).toMatchObject({ status: 'assigned', round: 2, unit: { code: 'ybj' }, closedAt: null })
    expect(done.rounds[0]).toMatchObject({ unit: { code: 'rsj' }, redoTrigger: 'office' })
    expect(done.history.at(-1)).toMatchObject({ action: 'redo', fromStatus: 'closed', fromUnit: { code: 'rsj' }, toUnit: { code: 'ybj' } })
    // The unit that held it no longer sees it; the new one does.
    expect((await k.ticket(t.id, k.tokens.rsj)).status).toBe(404)
    expect((await k.ticket(t.id, k.tokens.ybj)).status).toBe(200)
    const unitRedo = await post(`/tickets/${t.id}/redo`, { reason: 'x' }, k.tokens.ybj)
    expect(unitRedo.status).toBe(403)
  })

  it('stops reopening by rating after REDO_AUTO_LIMIT rounds and lists the rating for the office', async () => {
    const t = await replied()
    for (let round = 1; round <= 2; round++) {
      expect((await post(`/tickets/${t.id}/rating`, { rating: 'unsatisfied' }, k.tokens.agent)).body.redone).toBe(true)
      await k.act(t.id, 'answer', { answer: `第 ${round + 1} 次答复` }, k.tokens.rsj)
      await k.act(t.id, 'reply', { method: 'phone' }, k.tokens.agent)
    }
    const third = await post(`/tickets/${t.id}/rating`, { rating: 'unsatisfied', comment: '仍不满意' }, k.tokens.agent)
    expect(third.body).toMatchObject({ round: 3, redone: false })
    const pending = (await get('/ratings?pending=true&pageSize=100')).body.items
    expect(pending.map((r: { ticketId: number }) => r.ticketId)).toContain(t.id)
    expect(pending.find((r: { ticketId: number }) => r.ticketId === t.id)).toMatchObject({ round: 3, currentRound: 3, unit: { code: 'rsj' } })
    // Earlier rounds' unsatisfied ratings were redone: they are not pending.
    expect(pending.filter((r: { ticketId: number }) => r.ticketId === t.id)).toHaveLength(1)
  })

  it('lists replied tickets awaiting a call-back until they are rated', async () => {
    const t = await replied()
    const before = (await get('/callbacks?pageSize=100', k.tokens.agent)).body.items.map((r: { id: number }) => r.id)
    expect(before).toContain(t.id)
    await post(`/tickets/${t.id}/rating`, { rating: 'satisfied' }, k.tokens.agent)
    const after = (await get('/callbacks?pageSize=100', k.tokens.agent)).body.items.map((r: { id: number }) => r.id)
    expect(after).not.toContain(t.id)
    expect((await get('/callbacks', k.tokens.rsj)).status).toBe(403)
  })
})

describe('promises', () => {
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })
  afterEach(() => { vi.useRealTimers() })

  it('records promises with the answer: a date, or working days across the 调休 Sunday', async () => {
    // Friday 26 September: 3 working days are Sun 28 (调休), Mon 29 and Tue 30 September.
    vi.useFakeTimers({ now: new Date('2025-09-26T02:00:00Z'), toFake: ['Date'] })
    const t = await replied({}, { promises: [
      { content: '三个工作日内上门核实', workingDays: 3 },
      { content: '10 月 20 日前完成路灯维修', dueOn: '2025-10-20' },
    ] })
    const detail = (await k.ticket(t.id)).body
    expect(detail.promises.map((p: { dueAt: string }) => p.dueAt)).toEqual(['2025-09-30T15:59:59.000Z', '2025-10-20T15:59:59.000Z'])
    expect(detail.promises[0]).toMatchObject({ state: 'open', stateName: '进行中', remainingWorkingDays: 3, overdue: false, unit: { code: 'rsj' } })
    expect(detail.history.filter((h: { action: string }) => h.action === 'promise')).toHaveLength(2)
  })

  it('refuses a promise without a due date, or with a date in the past, naming the field', async () => {
    vi.useFakeTimers({ now: new Date('2025-09-26T02:00:00Z'), toFake: ['Date'] })
    const t = await replied()
    const none = await post(`/tickets/${t.id}/promises`, { promises: [{ content: '尽快处理' }] }, k.tokens.rsj)
    expect([none.status, none.body.code, none.body.details[0].field]).toEqual([400, 'PROMISE_DUE_REQUIRED', 'promises.0.dueOn'])
    const past = await post(`/tickets/${t.id}/promises`, { promises: [{ content: '处理', dueOn: '2025-09-25' }] }, k.tokens.rsj)
    expect([past.status, past.body.code]).toEqual([400, 'PROMISE_DUE_PAST'])
    const both = await post(`/tickets/${t.id}/promises`, { promises: [{ content: '处理', dueOn: '2025-10-25', workingDays: 2 }] }, k.tokens.rsj)
    expect(both.body.code).toBe('PROMISE_DUE_REQUIRED')
  })

  it('turns overdue, reminds on working days only, and closes only with a note', async () => {
    vi.useFakeTimers({ now: new Date('2025-09-26T02:00:00Z'), toFake: ['Date'] })
    const t = await replied()
    const made = await post(`/tickets/${t.id}/promises`, { promises: [{ content: '两周内修复路灯', workingDays: 3 }] }, k.tokens.rsj)
    expect(made.status).toBe(201)
    const id = made.body[0].id as number
    const { promises } = k.app.services
    // Tuesday 30 September is the due day: due soon. 1 October is a holiday: no reminders at all.
    // (Other tests' promises in this app are due the same day, so the counts are at least one.)
    expect((await promises.runReminders(new Date('2025-09-30T01:00:00Z'))).dueSoon).toBeGreaterThanOrEqual(1)
    expect(await promises.runReminders(new Date('2025-10-01T01:00:00Z'))).toMatchObject({ workingDay: false, dueSoon: 0, overdue: 0 })
    expect((await promises.runReminders(new Date('2025-10-09T01:00:00Z'))).overdue).toBeGreaterThanOrEqual(1)
    expect(await promises.runReminders(new Date('2025-10-10T01:00:00Z'))).toMatchObject({ workingDay: true, dueSoon: 0, overdue: 0 })
    expect(k.events.filter((e) => 'promise' in e.payload && e.payload.promise.id === id).map((e) => e.type))
      .toEqual(['promise.made', 'promise.due_soon', 'promise.overdue'])

    at('2025-10-09T02:00:00Z')
    const overdue = (await get('/promises?state=overdue&pageSize=100')).body.items
    expect(overdue.find((p: { id: number }) => p.id === id)).toMatchObject({ overdue: true, stateName: '已逾期', remainingWorkingDays: -1 })
    const noNote = await post(`/promises/${id}/fulfil`, {}, k.tokens.rsj)
    expect([noNote.status, noNote.body.code]).toEqual([400, 'VALIDATION_FAILED'])
    expect((await post(`/promises/${id}/fulfil`, { note: '已修复' }, k.tokens.ybj)).status).toBe(404)
    const done = await post(`/promises/${id}/fulfil`, { note: '10 月 9 日已更换灯具' }, k.tokens.rsj)
    expect(done.body).toMatchObject({ state: 'fulfilled', stateName: '逾期办结', keptOnTime: false, fulfilmentNote: '10 月 9 日已更换灯具' })
    const twice = await post(`/promises/${id}/fulfil`, { note: '再次' }, k.tokens.rsj)
    expect([twice.status, twice.body.code]).toEqual([409, 'PROMISE_ALREADY_FULFILLED'])
    expect(twice.body.message).toBe(`承诺事项 ${id} 已于 2025年10月9日 10:00 办结`)
    // A unit lists only its own promises; naming another unit is refused.
    expect((await get('/promises?unit=ybj', k.tokens.rsj)).status).toBe(403)
    const own = (await get('/promises?pageSize=100', k.tokens.ybj)).body.items
    expect(own.every((p: { unit: { code: string } }) => p.unit.code === 'ybj')).toBe(true)
  })

  it('shows the office and the unit the promise as the unit wrote it, staff phone included; events and other viewers masked (trial 2, L7)', async () => {
    const content = '12月20日前由招生办王老师（电话13512345678）电话告知周敏积分结果'
    const res = await k.submit({ channel: 'hotline', question: '积分入学结果什么时候出？', unitCode: 'rsj', asker: { name: '周敏', phone: '13900001234' } })
    const id = res.body.ticket.id as number
    const answered = await k.act(id, 'answer', { answer: '结果将电话告知。', promises: [{ content, workingDays: 5 }] }, k.tokens.rsj)
    expect(answered.body.promises[0].content).toBe(content)
    expect((await k.ticket(id, k.tokens.rsj)).body.promises[0].content).toBe(content)
    expect((await k.ticket(id)).body.promises[0].content).toBe(content)
    const listed = (token?: string) => get('/promises?pageSize=100', token).then((r) => r.body.items.find((p: { ticket: { id: number } }) => p.ticket.id === id))
    expect((await listed()).content).toBe(content)
    expect((await listed(k.tokens.rsj)).content).toBe(content)
    const made = k.events.filter((e) => e.type === 'promise.made' && 'promise' in e.payload && e.payload.promise.content.includes('积分结果')).at(-1)!
    expect('promise' in made.payload && made.payload.promise.content).toBe('12月20日前由招生办王老师（电话135****5678）电话告知周*积分结果')
    // An agent who did not register the consultation sees it masked, as the rest of the ticket.
    const other = await k.ticket(id, k.tokens.agent2)
    expect(other.status).toBe(200)
    expect(other.body.promises[0].content).toContain('135****5678')
    expect(other.body.promises[0].content).not.toContain('13512345678')
  })

  it('agrees with its SQL twin on what is overdue', async () => {
    const now = '2025-10-09T02:00:00.000Z'
    const cases = [
      { state: 'open' as const, dueAt: '2025-10-08T15:59:59.000Z', fulfilledAt: null },
      { state: 'open' as const, dueAt: '2025-10-10T15:59:59.000Z', fulfilledAt: null },
      { state: 'fulfilled' as const, dueAt: '2025-10-08T15:59:59.000Z', fulfilledAt: '2025-10-09T01:00:00.000Z' },
      { state: 'fulfilled' as const, dueAt: '2025-10-10T15:59:59.000Z', fulfilledAt: '2025-10-09T01:00:00.000Z' },
    ]
    const { db } = k.app.services
    const [t] = await db.all<{ id: number }>(sql`SELECT id FROM tickets LIMIT 1`)
    for (const c of cases) {
      const [row] = await db.insert(ticketPromises).values({ ticketId: t.id, round: 1, unitId: 1, content: '测试', ...c }).returning()
      const sqlSays = (await db.select({ overdue: promiseOverdueSql(now) }).from(ticketPromises)).find((_r, i, all) => all.length && i === all.length - 1)!.overdue
      expect(Boolean(sqlSays), JSON.stringify(c)).toBe(isPromiseOverdue(row, now))
    }
    expect(cases.map((c) => isPromiseOverdue(c, now))).toEqual([true, false, true, false])
  })

  it('lets a rating be changed up to the stated number of days', () => {
    expect(mayChangeRating('2025-10-01T00:00:00.000Z', '2025-10-08T00:00:00.000Z', 7)).toBe(true)
    expect(mayChangeRating('2025-10-01T00:00:00.000Z', '2025-10-08T00:00:00.001Z', 7)).toBe(false)
  })
})
