import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

describe('GET /tickets/{id}/references', () => {
  let k: Kit
  beforeAll(async () => { k = await createKit(); await k.library() })
  afterAll(async () => { await k.close() })

  const open = async (question: string, unitCode = 'rsj') => {
    const res = await k.submit({ channel: 'phone', question, openTicket: true, unitCode })
    expect(res.status).toBe(201)
    return res.body.ticket.id as number
  }
  const references = async (id: number, token: string) => {
    const res = await k.call({ method: 'GET', url: `/api/v1/tickets/${id}/references`, token })
    return { status: res.statusCode, body: res.json() }
  }

  it('offers the closest entries and the earlier answered tickets that share most of the question\'s words', async () => {
    const closeOne = await open('灵活就业人员养老保险断缴了怎么补缴')
    await k.act(closeOne, 'answer', { answer: '断缴可在社保经办窗口按规定补缴，补缴期间按当期基数计算。' }, k.tokens.rsj)
    const farther = await open('养老保险待遇什么时候发放')
    await k.act(farther, 'answer', { answer: '养老保险待遇每月 15 日前发放。' }, k.tokens.rsj)
    const unanswered = await open('灵活就业人员养老保险断缴以后还能补吗')
    const other = await open('失业保险金怎么领取')
    await k.act(other, 'answer', { answer: '在重庆人社 App 申领。' }, k.tokens.rsj)

    const id = await open('灵活就业人员养老保险断缴半年还能补缴吗')
    const { status, body } = await references(id, k.tokens.rsj)
    expect(status).toBe(200)
    expect(body.entries[0].question).toBe('灵活就业人员怎么缴纳职工养老保险？')
    expect(body.entries.length).toBeLessThanOrEqual(3)
    const ids = body.tickets.map((t: { id: number }) => t.id)
    expect(ids[0]).toBe(closeOne)
    expect(ids).toContain(farther)
    // Only answered tickets are references, and never the ticket itself.
    expect(ids).not.toContain(unanswered)
    expect(ids).not.toContain(id)
    expect(body.tickets[0]).toMatchObject({ answer: '断缴可在社保经办窗口按规定补缴，补缴期间按当期基数计算。', unit: { code: 'rsj' } })
  })

  it('de-identifies an earlier ticket, since its answer may be copied into another asker\'s reply', async () => {
    const res = await k.submit({ channel: 'phone', question: '我叫欧阳春花，电话13912345678，异地就医备案后住院报销怎么算', openTicket: true, unitCode: 'ybj', asker: { name: '欧阳春花', phone: '13912345678' } })
    await k.act(res.body.ticket.id, 'answer', { answer: '欧阳春花您好，备案后按参保地政策报销，可拨打13912345678以外的医保热线咨询。' }, k.tokens.ybj)
    const id = await open('异地就医备案后住院报销比例怎么算', 'ybj')
    const { body } = await references(id, k.tokens.ybj)
    const earlier = body.tickets.find((t: { id: number }) => t.id === res.body.ticket.id)
    expect(earlier).toBeDefined()
    expect(JSON.stringify(earlier)).not.toMatch(/欧阳春花|13912345678/)
  })

  it('leaves the lookup out of the match log', async () => {
    const id = await open('个体工商户创业补贴申请要带什么材料')
    const logged = async () => {
      await k.app.services.search.listMisses()
      return (await k.app.services.db.all<{ n: number }>(sql`select count(*) as n from match_logs`))[0]
    }
    const before = await logged()
    expect((await references(id, k.tokens.rsj)).body.entries.length).toBeGreaterThan(0)
    const after = await logged()
    expect(after.n).toBe(before.n)
  })

  it('shows another unit nothing of a ticket it does not hold', async () => {
    const id = await open('异地就医备案以后报销比例是多少', 'ybj')
    expect((await references(id, k.tokens.rsj)).status).toBe(404)
    expect((await references(id, k.tokens.ybj)).status).toBe(200)
  })
})
