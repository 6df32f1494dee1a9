import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { TICKETS, at10, STATS_FIXTURE_CONFIG, loadStatsFixture, type Fixture } from './stats.testkit.ts'

// Every expected figure below was worked out by hand from the fixture (stats.testkit.ts).
const OCTOBER = 'from=2025-10-01&to=2025-10-31'

describe('supervision statistics on a fixture with known answers', () => {
  let t: TestApp
  let fx: Fixture
  let rsjToken: string
  const get = (url: string, token?: string) => t.call({ method: 'GET', url, ...(token ? { token } : {}) })

  beforeAll(async () => {
    t = await createTestApp(STATS_FIXTURE_CONFIG)
    fx = await loadStatsFixture(t)
    rsjToken = await t.token('unit', { unitCode: 'rsj' })
  })
  afterAll(async () => { await t.close() })

  it('uses the deadlines the calendar gives (the fixture is consistent)', () => {
    for (const s of TICKETS) expect(t.app.services.calendar.dueAt(at10(s.received), 5).dueAt, s.key).toBe(`${s.due}T15:59:59.000Z`)
  })

  it('counts consultations by channel and kind, with the share answered at once', async () => {
    const body = (await get(`/api/v1/stats/consultations?${OCTOBER}`)).json()
    // 14 tickets and 5 answered at once in October; R7 and one answered consultation are in September.
    expect(body).toMatchObject({ period: { from: '2025-10-01', to: '2025-10-31' }, total: 19, answeredAtOnce: 5, answeredAutomatically: 1, ticketed: 14, answeredAtOnceShare: 0.2632, ticketedShare: 0.7368 })
    const byChannel = Object.fromEntries(body.byChannel.map((c: { channel: string; total: number; answeredAtOnce: number; ticketed: number }) => [c.channel, [c.total, c.answeredAtOnce, c.ticketed]]))
    expect(byChannel).toEqual({ hotline: [10, 3, 7], mailbox: [4, 1, 3], phone: [2, 0, 2], window: [2, 1, 1], portal: [1, 0, 1] })
    expect(body.byChannel[0].label).toBe('12345热线')
    expect(body.byKind.map((k: { kind: string; total: number }) => [k.kind, k.total])).toEqual([['question', 18], ['suggestion', 1]])
  })

  it('counts for a unit only its tickets and the consultations answered with its entries', async () => {
    const body = (await get(`/api/v1/stats/consultations?${OCTOBER}`, rsjToken)).json()
    expect(body).toMatchObject({ total: 16, answeredAtOnce: 4, ticketed: 12 })
  })

  it('gives per-unit deadlines kept, overdue counts and working days to reply', async () => {
    const body = (await get(`/api/v1/stats/units?${OCTOBER}`)).json()
    const byCode = Object.fromEntries(body.items.map((i: { unit: { code: string } }) => [i.unit.code, i]))
    expect(Object.keys(byCode)).toEqual(['rsj', 'wjw', 'zwb']) // the inactive unit with nothing to show is left out
    // rsj replied to 10 tickets in 0,1,2,2,3,3,4,5,6,7 working days: mean 33/10 = 3.3; nearest rank ⌈0.9·10⌉ = 9th → 6.
    // On time 8 of 10 replied (R3, R5 late); R6 and R13 are still open past their deadline.
    expect(byCode.rsj).toEqual({
      unit: { code: 'rsj', name: '区人力社保局' },
      received: 12, answered: 11, replied: 10, repliedOnTime: 8, onTimeRate: 0.6667,
      overdueNow: 2, overdueEver: 4, avgWorkingDays: 3.3, p90WorkingDays: 6, reassigned: 0, returned: 0,
    })
    expect(byCode.wjw).toMatchObject({ received: 1, replied: 1, repliedOnTime: 1, onTimeRate: 1, overdueNow: 0, avgWorkingDays: 1, p90WorkingDays: 1, reassigned: 1, returned: 1 })
    expect(byCode.zwb).toMatchObject({ received: 1, replied: 0, onTimeRate: 0, overdueNow: 1, overdueEver: 1, avgWorkingDays: null, p90WorkingDays: null })
  })

  it('counts the 国庆 holiday out of the working days to reply', async () => {
    // R7: received Tuesday 30 September, replied Thursday 9 October; 1–8 October are off → 1 working day.
    const body = (await get('/api/v1/stats/units?from=2025-09-01&to=2025-09-30&unit=rsj')).json()
    expect(body.items).toEqual([expect.objectContaining({ received: 1, replied: 1, repliedOnTime: 1, avgWorkingDays: 1, p90WorkingDays: 1 })])
  })

  it('shows a unit token only its own row and refuses another unit', async () => {
    const own = (await get(`/api/v1/stats/units?${OCTOBER}`, rsjToken)).json()
    expect(own.items.map((i: { unit: { code: string } }) => i.unit.code)).toEqual(['rsj'])
    const other = await get(`/api/v1/stats/units?${OCTOBER}&unit=wjw`, rsjToken)
    expect(other.statusCode).toBe(403)
    expect(other.json().code).toBe('STATS_UNIT_FORBIDDEN')
    // The query parameter is `unit`: the refusal names it as sent.
    expect((await get('/api/v1/stats/units?unit=nope')).json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unit' }] })
  })

  it('refuses agents and reviewers, and a reversed period', async () => {
    for (const role of ['agent', 'reviewer'] as const) {
      expect((await get('/api/v1/stats/units', await t.token(role, role === 'reviewer' ? { reviewStep: 0 } : {}))).statusCode).toBe(403)
    }
    const res = await get('/api/v1/stats/units?from=2025-10-31&to=2025-10-01')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'STATS_PERIOD_INVALID', details: [{ field: 'to' }] })
    expect((await get('/api/v1/stats/units?from=2025-02-30')).json()).toMatchObject({ details: [{ field: 'from' }] })
  })

  it('groups unmatched questions with their near-duplicates, most asked first', async () => {
    const body = (await get(`/api/v1/stats/unmatched?${OCTOBER}`)).json()
    // 13 ticketed questions (R13 is a suggestion) + 1 none-fitted match that never became a ticket.
    expect(body.totalAsked).toBe(14)
    expect(body.groups[0]).toEqual({
      question: '社保卡怎么补办？', count: 4, lastAskedAt: at10('2025-10-16'),
      variants: [{ question: '社保卡怎么补办？', count: 2 }, { question: '社保卡补办需要什么材料', count: 1 }, { question: '请问社保卡如何补办', count: 1 }],
    })
    // De-identified before grouping: the name and phone number are gone.
    expect(body.groups[1]).toMatchObject({ question: '我叫某某，灵活就业人员社保怎么缴纳？电话[电话]', count: 2 })
    expect(body.groups.slice(2).map((g: { question: string }) => g.question)).toEqual([
      '技能培训补贴申领', '宅基地审批流程', '退休年龄怎么计算', '职称评审申报时间', '失业保险金领取条件', '新生儿医保办理', '高校毕业生就业补贴标准', '创业担保贷款申请流程',
    ])
  })

  it('shows a unit the unmatched questions of its own tickets only', async () => {
    const body = (await get(`/api/v1/stats/unmatched?${OCTOBER}&limit=2`, rsjToken)).json()
    expect(body.totalAsked).toBe(11)
    expect(body.groups.map((g: { count: number }) => g.count)).toEqual([3, 2])
  })

  it('lists the entries hit most in the period and the published entries never hit', async () => {
    const body = (await get(`/api/v1/stats/entries?${OCTOBER}`)).json()
    expect(body.mostHit.map((h: { entry: { externalId: string }; periodHits: number; hitCount: number }) => [h.entry.externalId, h.periodHits, h.hitCount]))
      .toEqual([['E1', 3, 5], ['E2', 1, 2], ['E3', 1, 1]])
    expect(body.mostHit[0].entry).toMatchObject({ question: 'E1 的标准问', unit: { code: 'rsj' } })
    expect(body.neverHit.total).toBe(3)
    expect(body.neverHit.items.map((i: { entry: { externalId: string } }) => i.entry.externalId)).toEqual(['E4', 'E5', 'E8'])
    const own = (await get(`/api/v1/stats/entries?${OCTOBER}`, rsjToken)).json()
    expect(own.mostHit.map((h: { entry: { externalId: string } }) => h.entry.externalId)).toEqual(['E1', 'E3'])
    expect(own.neverHit.items.map((i: { entry: { externalId: string } }) => i.entry.externalId)).toEqual(['E4'])
  })

  it('shows coverage per area and flags required areas without an entry in force', async () => {
    const body = (await get('/api/v1/stats/coverage')).json()
    expect(body.topics.map((x: { topic: { code: string }; published: number; inForce: number; uncovered: boolean }) => [x.topic.code, x.published, x.inForce, x.uncovered])).toEqual([
      ['employment', 2, 1, false], // E1 in force, E3 rests only on an expired document
      ['medical', 1, 1, false],
      ['pension', 1, 1, false],
      ['birth', 0, 0, true], // E6 is only a draft
      ['relief', 1, 0, true], // E8 rests only on a repealed document
      ['tourism', 0, 0, false], // not required
    ])
    expect(body).toMatchObject({ requiredAreas: 5, requiredCovered: 3, uncoveredAreas: [{ code: 'birth', name: '生育' }, { code: 'relief', name: '社会救助' }], withoutTopic: { published: 1, inForce: 1 } })
  })

  it('lists entries resting on expired policies and entries not reviewed for N months', async () => {
    const body = (await get('/api/v1/stats/maintenance')).json()
    expect(body.expiredPolicies.items.map((i: { entry: { externalId: string }; inForce: boolean; documents: { docNumber: string }[] }) => [i.entry.externalId, i.inForce, i.documents.map((d) => d.docNumber)])).toEqual([
      ['E3', false, ['渝北府发〔2019〕2号']],
      ['E4', true, ['渝北府发〔2022〕4号']], // still marked in force, but its expiry date has passed
      ['E5', true, ['渝北府发〔2019〕2号']], // also rests on a document in force
      ['E8', false, ['渝北府发〔2018〕3号']],
    ])
    expect(body.stale).toMatchObject({ months: 12, total: 2 })
    expect(body.stale.items.map((i: { entry: { externalId: string } }) => i.entry.externalId)).toEqual(['E4', 'E2'])
    const longer = (await get('/api/v1/stats/maintenance?months=18')).json()
    expect(longer.stale.items.map((i: { entry: { externalId: string } }) => i.entry.externalId)).toEqual(['E4'])
  })
})

describe('statistics for the current month', () => {
  it('counts a ticket received today, not yet overdue', async () => {
    const t = await createTestApp(STATS_FIXTURE_CONFIG)
    try {
      await loadStatsFixture(t)
      const agent = await t.app.services.auth.authenticate(ADMIN_TOKEN)
      const receivedAt = new Date(Date.now() - 60_000).toISOString()
      await t.app.services.consultations.submit({ channel: 'hotline', question: '今天的问题', receivedAt, openTicket: true, unitCode: 'rsj' }, agent)
      const body = (await t.call({ method: 'GET', url: '/api/v1/stats/units?unit=rsj' })).json()
      expect(body.items).toEqual([expect.objectContaining({ received: 1, replied: 0, overdueNow: 0, overdueEver: 0, onTimeRate: null })])
    } finally {
      await t.close()
    }
  })
})
