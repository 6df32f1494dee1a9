import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { parseCsv } from './csv.ts'
import { STATS_FIXTURE_CONFIG, loadStatsFixture, type Fixture } from './stats.testkit.ts'

describe('publishing representative replies (H1)', () => {
  let t: TestApp
  let fx: Fixture
  beforeEach(async () => {
    t = await createTestApp(STATS_FIXTURE_CONFIG)
    fx = await loadStatsFixture(t)
  })
  afterEach(async () => { await t.close() })

  const select = (month: string, ticketIds: number[], token?: string) =>
    t.call({ method: 'POST', url: `/api/v1/publications/${month}`, payload: { ticketIds }, ...(token ? { token } : {}) })

  it('stores the chosen tickets de-identified, with the dates and the answering unit', async () => {
    const res = await select('2025-10', [fx.ticketIds.R4, fx.ticketIds.R1])
    expect(res.statusCode).toBe(200)
    const { items } = res.json()
    expect(items.map((i: { summary: string; receivedOn: string; repliedOn: string; unitName: string; answer: string }) => [i.summary, i.receivedOn, i.repliedOn, i.unitName, i.answer])).toEqual([
      ['社保卡怎么补办？', '2025-10-13', '2025-10-15', '区人力社保局', '某某您好，关于您咨询的问题答复如下。'],
      ['我叫某某，灵活就业人员社保怎么缴纳？电话[电话]', '2025-10-14', '2025-10-14', '区人力社保局', '某某您好，关于您咨询的问题答复如下。'],
    ])
    // Choosing again changes nothing.
    expect((await select('2025-10', [fx.ticketIds.R1])).json().items).toHaveLength(2)
  })

  it("de-identifies the default summary of a letter full of the asker's details (trial 2, M1.2)", async () => {
    const question = '娃儿明年读小学。联系一三九零八零八一二三四，微信号zhoumin_88，护照E12345678，车牌渝A12345。老人李秀英75岁，住在渝兴区龙溪街道花园路12号3单元502'
    const made = await t.call({ method: 'POST', url: '/api/v1/consultations', payload: { channel: 'hotline', question, receivedAt: '2025-10-20T02:00:00.000Z' } })
    expect(made.statusCode).toBe(201)
    const id = made.json().ticket.id
    const act = async (action: string, payload: object) => expect((await t.call({ method: 'POST', url: `/api/v1/tickets/${id}/${action}`, payload })).statusCode).toBe(200)
    if (made.json().ticket.status === 'registered') await act('assign', { unitCode: 'rsj' })
    await act('answer', { answer: '可以就近入学。' })
    await act('reply', { method: 'phone', repliedAt: '2025-10-22T02:00:00.000Z' })
    const [item] = (await select('2025-10', [id])).json().items.filter((i: { ticketId: number }) => i.ticketId === id)
    expect(item.summary).toContain('娃儿明年读小学')
    expect(item.summary).not.toMatch(/一三九零八零八一二三四|zhoumin_88|E12345678|渝A12345|李秀英|花园路|502/)
  })

  it('refuses a ticket whose asker has not been told, an unknown ticket and one on another month', async () => {
    const unanswered = await select('2025-10', [fx.ticketIds.R13])
    expect(unanswered.statusCode).toBe(409)
    const r13 = unanswered.json().details?.[0]?.number
    expect(unanswered.json()).toMatchObject({
      code: 'PUBLICATION_TICKET_UNANSWERED', message: expect.stringContaining(`工单 ${r13} 尚未答复咨询人`),
      details: [{ field: 'ticketIds', ticketId: fx.ticketIds.R13, number: expect.stringMatching(/^ZX\d{8}-\d{4}$/), message: expect.stringContaining('尚未答复咨询人') }],
    })
    expect((await select('2025-10', [999_999])).json()).toMatchObject({ code: 'PUBLICATION_TICKET_NOT_FOUND', details: [{ field: 'ticketIds', ticketId: 999_999 }] })
    const r1 = (await select('2025-10', [fx.ticketIds.R1])).json().items[0]
    const taken = await select('2025-11', [fx.ticketIds.R1])
    expect(taken.statusCode).toBe(409)
    // Named by its ledger number, as a person knows it, not by the internal id.
    const number = taken.json().details?.[0]?.number
    expect(number).toMatch(/^ZX\d{8}-\d{4}$/)
    expect(taken.json()).toMatchObject({
      code: 'PUBLICATION_TICKET_TAKEN', message: `工单 ${number} 已选入2025年10月的答复公开`,
      details: [{ field: 'ticketIds', ticketId: fx.ticketIds.R1, number, month: '2025-10', itemId: r1.id }],
    })
  })

  it('refuses tickets received in a later month, naming each of them under ticketIds (D6)', async () => {
    // R7 was received on 30 September; R1 and R4 in October: R1 cannot go on September's list.
    const res = await select('2025-09', [fx.ticketIds.R1, fx.ticketIds.R7])
    expect(res.statusCode).toBe(409)
    const r1 = res.json().details[0].number
    expect(res.json()).toMatchObject({ code: 'PUBLICATION_TICKET_WRONG_MONTH', message: expect.stringContaining(`${r1} 是2025年9月之后受理的`) })
    expect(res.json().details).toEqual([{
      field: 'ticketIds', ticketId: fx.ticketIds.R1, number: r1, receivedOn: expect.stringMatching(/^2025-10-/), message: expect.stringMatching(/^工单 .+ 受理于 2025年10月\d+日，晚于2025年9月$/),
    }])
    const both = await select('2025-09', [fx.ticketIds.R1, fx.ticketIds.R4])
    expect(both.json().details.map((d: { ticketId: number; field: string }) => [d.field, d.ticketId])).toEqual([['ticketIds', fx.ticketIds.R1], ['ticketIds', fx.ticketIds.R4]])
    expect(both.json().message).toContain('ZX20251013-0001、ZX20251014-0001')
    expect((await t.call({ method: 'GET', url: '/api/v1/publications/2025-09' })).json().items).toEqual([])
    expect((await select('2025-09', [fx.ticketIds.R7])).json().items).toMatchObject([{ receivedOn: '2025-09-30' }])
  })

  it('adds nothing when one of the chosen tickets is refused', async () => {
    await select('2025-10', [fx.ticketIds.R1, fx.ticketIds.R6])
    expect((await t.call({ method: 'GET', url: '/api/v1/publications/2025-10' })).json().items).toEqual([])
  })

  it('exports the month as CSV with the five published columns', async () => {
    await select('2025-10', [fx.ticketIds.R4, fx.ticketIds.R1])
    const res = await t.call({ method: 'GET', url: '/api/v1/publications/2025-10/csv' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect([...res.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    expect(parseCsv(res.rawPayload.toString('utf8'))).toEqual([
      ['序号', '留言摘要', '受理日期', '答复日期', '答复部门', '答复内容'],
      ['1', '社保卡怎么补办？', '2025-10-13', '2025-10-15', '区人力社保局', '某某您好，关于您咨询的问题答复如下。'],
      ['2', '我叫某某，灵活就业人员社保怎么缴纳？电话[电话]', '2025-10-14', '2025-10-14', '区人力社保局', '某某您好，关于您咨询的问题答复如下。'],
    ])
  })

  it('lets the office edit or remove an item', async () => {
    const [first] = (await select('2025-10', [fx.ticketIds.R1, fx.ticketIds.R4])).json().items
    const edited = await t.call({ method: 'PATCH', url: `/api/v1/publications/items/${first.id}`, payload: { summary: '咨询社保卡补办方式' } })
    expect(edited.json()).toMatchObject({ id: first.id, summary: '咨询社保卡补办方式' })
    expect((await t.call({ method: 'DELETE', url: `/api/v1/publications/items/${first.id}` })).statusCode).toBe(204)
    expect((await t.call({ method: 'GET', url: '/api/v1/publications/2025-10' })).json().items).toHaveLength(1)
    expect((await t.call({ method: 'DELETE', url: `/api/v1/publications/items/${first.id}` })).json().code).toBe('PUBLICATION_ITEM_NOT_FOUND')
  })

  it('drops a ticket sent back for redoing from a list not yet public, and leaves a public list as published (L6)', async () => {
    // This month's list is not public until the month is over; October 2025's has been since November.
    const current = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date())
    await select(current, [fx.ticketIds.R1])
    await select('2025-10', [fx.ticketIds.R4])
    const before = (await t.call({ method: 'GET', url: '/api/v1/publications/2025-10' })).json().items
    const redo = (id: number) => t.call({ method: 'POST', url: `/api/v1/tickets/${id}/redo`, payload: { reason: '咨询人反映答复不完整' } })
    expect((await redo(fx.ticketIds.R1)).statusCode).toBe(200)
    expect((await redo(fx.ticketIds.R4)).statusCode).toBe(200)
    // The old round's answer no longer stands: off the list, and it cannot come back until the asker is told again.
    expect((await t.call({ method: 'GET', url: `/api/v1/publications/${current}` })).json().items).toEqual([])
    expect((await select(current, [fx.ticketIds.R1])).json().code).toBe('PUBLICATION_TICKET_UNANSWERED')
    // What was made public stays as it was made public: the office corrects it by hand if need be.
    expect((await t.call({ method: 'GET', url: '/api/v1/publications/2025-10' })).json().items).toEqual(before)
    // The ticket's history says what happened to its place on the list.
    const history = (await t.call({ method: 'GET', url: `/api/v1/tickets/${fx.ticketIds.R1}` })).json().history
    expect(history.at(-1)).toMatchObject({ action: 'redo', note: expect.stringContaining(`已从${Number(current.slice(0, 4))}年${Number(current.slice(5))}月的答复公开名单中移除`) })
    const publicOne = (await t.call({ method: 'GET', url: `/api/v1/tickets/${fx.ticketIds.R4}` })).json().history
    expect(publicOne.at(-1)).toMatchObject({ action: 'redo', note: expect.stringContaining('2025年10月的答复公开已公开，公开内容未改动') })
  })

  it('lets staff read the list but only admins choose, and checks the month', async () => {
    const unit = await t.token('unit', { unitCode: 'rsj' })
    expect((await select('2025-10', [fx.ticketIds.R1], unit)).statusCode).toBe(403)
    expect((await t.call({ method: 'GET', url: '/api/v1/publications/2025-10', token: await t.token('agent') })).statusCode).toBe(200)
    const bad = await select('2025-13', [fx.ticketIds.R1])
    expect(bad.statusCode).toBe(400)
    expect(bad.json().details[0].field).toBe('month')
  })
})
