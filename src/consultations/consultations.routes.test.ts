import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { entryHitCount } from '../kb/kb.queries.ts'
import { consultations } from './consultations.table.ts'
import { ADMIN_TOKEN } from '../../test/app.testkit.ts'
import { createKit, LIBRARY, type Kit } from '../tickets/tickets.testkit.ts'

const PENSION = LIBRARY.pension

describe('consultation intake', () => {
  // One app and one library for the file; each test looks only at what it submitted.
  let k: Kit
  let lib: Awaited<ReturnType<Kit['library']>>
  beforeAll(async () => {
    k = await createKit()
    lib = await k.library()
    await k.publishEntry({ unitCode: 'ybj', question: '新冠疫苗接种费用由谁承担？', answer: '按原规定由医保基金和财政共同负担。', repealed: true })
  })
  afterAll(async () => { await k.close() })
  beforeEach(() => { k.events.length = 0 })

  const hits = async (entryId: number) => (await entryHitCount(k.app.services.db, entryId))!
  const count = async () => ({
    consultations: (await k.app.services.db.select().from(consultations)).length,
    tickets: (await k.app.services.tickets.list({ pageSize: 1 }, k.admin)).total,
  })

  it('records a consultation the agent answered from an entry, and counts the hit', async () => {
    const entryId = lib.pension
    const before = await hits(entryId)
    const res = await k.submit({ channel: 'hotline', question: '灵活就业怎么交养老保险', answeredEntryId: entryId, asker: { name: '张三', phone: '13812345678' } })
    expect(res.status).toBe(201)
    expect(res.body.consultation).toMatchObject({ outcome: 'answered', answeredEntryId: entryId, answeredAutomatically: false, channel: 'hotline', kind: 'question' })
    expect(res.body.entry).toMatchObject({ id: entryId, question: PENSION.question, answer: PENSION.answer, unit: { code: 'rsj', name: '区人力社保局' }, inForce: true })
    expect(res.body.ticket).toBeUndefined()
    expect(await hits(entryId)).toBe(before + 1)
    expect(k.events).toEqual([expect.objectContaining({ type: 'consultation.answered', consultationId: res.body.consultation.id, payload: expect.objectContaining({ automatically: false }) })])
  })

  describe('one use, one hit: a consultation answered from a match and feedback on that match', () => {
    const match = async (question: string, token = k.tokens.agent) =>
      (await k.call({ method: 'POST', url: '/api/v1/match', payload: { question }, token })).json() as { matchId: string }
    const feedback = async (matchId: string, entryId: number, token = k.tokens.agent) =>
      (await k.call({ method: 'POST', url: `/api/v1/match/${matchId}/feedback`, payload: { entryId }, token })).statusCode
    const questionHits = async (entryId: number) => (await k.app.services.search.questionHits(entryId)).reduce((n, q) => n + q.hits, 0)

    it('counts the hit once when the client answers with an entry and then gives feedback naming it', async () => {
      const before = { hits: await hits(lib.pension), questions: await questionHits(lib.pension) }
      const m = await match('灵活就业怎么交养老保险')
      const res = await k.submit({ channel: 'hotline', question: '灵活就业怎么交养老保险', answeredEntryId: lib.pension, matchId: m.matchId })
      expect(res.body.consultation).toMatchObject({ outcome: 'answered', matchId: m.matchId })
      expect(await feedback(m.matchId, lib.pension)).toBe(200)
      expect(await hits(lib.pension)).toBe(before.hits + 1)
      expect(await questionHits(lib.pension)).toBe(before.questions + 1)
    })

    it('counts the hit once when the feedback comes first', async () => {
      const before = await hits(lib.pension)
      const m = await match('灵活就业的养老保险怎么交')
      expect(await feedback(m.matchId, lib.pension)).toBe(200)
      expect(await hits(lib.pension)).toBe(before + 1)
      await k.submit({ channel: 'hotline', question: '灵活就业的养老保险怎么交', answeredEntryId: lib.pension, matchId: m.matchId })
      expect(await hits(lib.pension)).toBe(before + 1)
    })

    it('moves the hit to the entry the consultation was answered with when earlier feedback named another', async () => {
      const before = { pension: await hits(lib.pension), unemployment: await hits(lib.unemployment), unemploymentQuestions: await questionHits(lib.unemployment) }
      const m = await match('失业了养老保险还能交吗')
      expect(await feedback(m.matchId, lib.unemployment)).toBe(200)
      await k.submit({ channel: 'hotline', question: '失业了养老保险还能交吗', answeredEntryId: lib.pension, matchId: m.matchId })
      expect(await hits(lib.pension)).toBe(before.pension + 1)
      expect(await hits(lib.unemployment)).toBe(before.unemployment)
      expect(await questionHits(lib.unemployment)).toBe(before.unemploymentQuestions)
    })

    it('counts an automatic answer once when the integration also gives feedback on its match', async () => {
      const before = await hits(lib.pension)
      const res = await k.submit({ channel: 'mailbox', question: PENSION.question, externalId: 'XF-HIT-1' }, k.tokens.integration)
      expect(res.body.consultation).toMatchObject({ outcome: 'answered', answeredEntryId: lib.pension, matchId: expect.any(String) })
      expect(await feedback(res.body.consultation.matchId, lib.pension, k.tokens.integration)).toBe(200)
      expect(await hits(lib.pension)).toBe(before + 1)
    })

    it('counts each consultation answered from the same match, and feedback alone once', async () => {
      const before = await hits(lib.startup)
      const m = await match('个体户创业补贴怎么申请')
      for (const question of ['个体户创业补贴怎么申请', '个体户创业补贴去哪申请']) {
        await k.submit({ channel: 'hotline', question, answeredEntryId: lib.startup, matchId: m.matchId })
      }
      expect(await hits(lib.startup)).toBe(before + 2)
      expect(await feedback((await match('个体户创业补贴要什么材料')).matchId, lib.startup)).toBe(200)
      expect(await hits(lib.startup)).toBe(before + 3)
    })
  })

  it('answers automatically on a mailbox channel when the matcher is confident, keeping its confidence', async () => {
    const before = await hits(lib.pension)
    const res = await k.submit({ channel: 'mailbox', question: PENSION.question, externalId: 'XF-001' }, k.tokens.integration)
    expect(res.status).toBe(201)
    expect(res.body.consultation).toMatchObject({ outcome: 'answered', answeredEntryId: lib.pension, answeredAutomatically: true, matchId: expect.any(String) })
    expect(res.body.consultation.confidence).toBeGreaterThanOrEqual(k.app.services.search.calibration().thresholds.automatic)
    expect(res.body.entry.answer).toBe(PENSION.answer)
    expect(await hits(lib.pension)).toBe(before + 1)
    expect(k.events.at(-1)).toMatchObject({ type: 'consultation.answered', payload: { automatically: true, entry: { id: lib.pension }, answer: PENSION.answer } })
  })

  it('never answers automatically from an entry whose policy has been repealed', async () => {
    const res = await k.submit({ channel: 'portal', question: '新冠疫苗接种费用由谁承担？' }, k.tokens.integration)
    expect(res.body.consultation.outcome).toBe('ticketed')
    expect(res.body.ticket.unit.code).toBe('ybj')
  })

  it('registers a long mailbox letter whole, up to 10,000 characters, and refuses a longer one naming question', async () => {
    // A citizen's letter runs long: the greeting, the story, then the question (the matcher reads its first 900 characters).
    const letter = `尊敬的领导：您好！${'我家小孩今年要上小学，户口和房产不在同一个地方。'.repeat(110)}请问灵活就业怎么交养老保险？`
    expect([...letter].length).toBeGreaterThan(2500)
    const res = await k.submit({ channel: 'mailbox', question: letter, externalId: 'MB-LONG-1', openTicket: true }, k.tokens.integration)
    expect(res.status).toBe(201)
    expect(res.body.consultation.question).toBe(letter)
    const before = await count()
    const over = await k.submit({ channel: 'mailbox', question: '长'.repeat(10_001), externalId: 'MB-LONG-2' }, k.tokens.integration)
    expect(over.status).toBe(400)
    expect(over.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'question', message: 'question 不能超过 10000 个字符' }] })
    expect(await count()).toEqual(before)
  })

  it("opens a ticket for the matched entry's unit when the channel does not answer automatically", async () => {
    const res = await k.submit({ channel: 'hotline', question: '灵活就业怎么交养老保险' })
    expect(res.body.consultation).toMatchObject({ outcome: 'ticketed', answeredEntryId: null })
    expect(res.body.ticket).toMatchObject({ status: 'assigned', unit: { code: 'rsj', name: '区人力社保局' } })
    expect((await k.ticket(res.body.ticket.id)).body.routing).toBe('candidates')
  })

  it('opens a ticket although a match exists when the agent cannot answer at once', async () => {
    const res = await k.submit({ channel: 'mailbox', question: PENSION.question, openTicket: true }, k.tokens.integration)
    expect(res.body.consultation.outcome).toBe('ticketed')
    expect(res.body.ticket.unit.code).toBe('rsj')
  })

  it('does not answer automatically when the client already ran the matcher and chose not to', async () => {
    const { matchId } = (await k.call({ method: 'POST', url: '/api/v1/match', payload: { question: PENSION.question }, token: k.tokens.integration })).json()
    const res = await k.submit({ channel: 'mailbox', question: PENSION.question, matchId }, k.tokens.integration)
    expect(res.body.consultation).toMatchObject({ outcome: 'ticketed', matchId })
  })

  it('sends the ticket to the unit the agent chose', async () => {
    const res = await k.submit({ channel: 'hotline', question: PENSION.question, unitCode: 'jw' })
    expect(res.body.ticket).toMatchObject({ status: 'assigned', unit: { code: 'jw' } })
  })

  it("sends the ticket to the topic's default unit when nothing matches", async () => {
    const res = await k.submit({ channel: 'hotline', question: '门诊慢特病待遇如何认定？', topicCode: 'medical' })
    expect(res.body.ticket).toMatchObject({ status: 'assigned', unit: { code: 'ybj' } })
    expect(res.body.consultation.topic).toEqual({ code: 'medical', name: '医疗' })
  })

  it('leaves the ticket with the dispatcher when the inferred unit has been deactivated', async () => {
    const old = (await k.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'fgj', name: '区房管局（已撤并）' } })).json()
    await k.call({ method: 'POST', url: '/api/v1/topics', payload: { code: 'housing', name: '住房', defaultUnitCode: 'fgj' } })
    await k.call({ method: 'PATCH', url: `/api/v1/units/${old.id}`, payload: { active: false } })
    const res = await k.submit({ channel: 'hotline', question: '公租房怎么申请？', topicCode: 'housing' })
    expect(res.status).toBe(201)
    expect(res.body.ticket).toMatchObject({ status: 'registered', unit: { code: 'zwb' } })
  })

  it('leaves the ticket with the dispatcher when no unit can be inferred', async () => {
    const res = await k.submit({ channel: 'hotline', question: '小区门口的路灯坏了找谁？' })
    expect(res.status).toBe(201)
    expect(res.body.ticket).toMatchObject({ status: 'registered', unit: { code: 'zwb', name: '区政府办公室' } })
    expect(k.events.map((e) => e.type)).toEqual(['ticket.created'])
  })

  it('numbers tickets per day of receipt: ZX<yyyymmdd>-0001, -0002, then -0001 again the next day', async () => {
    const a = await k.submit({ channel: 'hotline', question: '问题一', unitCode: 'rsj', receivedAt: '2025-10-09T01:00:00Z' })
    const b = await k.submit({ channel: 'hotline', question: '问题二', unitCode: 'rsj', receivedAt: '2025-10-09T09:00:00Z' })
    const c = await k.submit({ channel: 'hotline', question: '问题三', unitCode: 'rsj', receivedAt: '2025-10-10T01:00:00Z' })
    expect([a, b, c].map((r) => r.body.ticket.number)).toEqual(['ZX20251009-0001', 'ZX20251009-0002', 'ZX20251010-0001'])
  })

  it('returns the due date, its provisional flag and the time of receipt in the reply', async () => {
    const res = await k.submit({ channel: 'hotline', question: '问题', unitCode: 'rsj', receivedAt: '2025-09-30T10:00:00+08:00' })
    expect(res.body.ticket).toMatchObject({ receivedAt: '2025-09-30T02:00:00.000Z', dueAt: '2025-10-14T15:59:59.000Z', dueAtProvisional: false })
    expect(res.body.consultation.receivedAt).toBe('2025-09-30T02:00:00.000Z')
  })

  it('defaults the time of receipt to now', async () => {
    const before = Date.now()
    const res = await k.submit({ channel: 'window', question: '问题', unitCode: 'rsj' })
    expect(Date.parse(res.body.consultation.receivedAt)).toBeGreaterThanOrEqual(before - 1000)
  })

  it('refuses a time of receipt in the future', async () => {
    const before = await count()
    const res = await k.submit({ channel: 'hotline', question: '问题', receivedAt: new Date(Date.now() + 3600_000).toISOString() })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'CONSULTATION_RECEIVED_IN_FUTURE', details: [{ field: 'receivedAt' }] })
    expect(res.body.message).toMatch(/^受理时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 晚于当前时间$/)
    expect(await count()).toEqual(before)
  })

  it('refuses an impossible date', async () => {
    const res = await k.submit({ channel: 'hotline', question: '问题', receivedAt: '2025-02-30T10:00:00Z' })
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'receivedAt' }] })
  })

  it('returns the original consultation with 200 when an integration retries the same externalId', async () => {
    const payload = { channel: 'mailbox', question: '小区门口的路灯坏了找谁？', externalId: 'XF-2025-0042' }
    const before = await count()
    const first = await k.submit(payload, k.tokens.integration)
    const retry = await k.submit(payload, k.tokens.integration)
    expect(first.status).toBe(201)
    expect(retry.status).toBe(200)
    expect(retry.body.consultation.id).toBe(first.body.consultation.id)
    expect(retry.body.ticket.number).toBe(first.body.ticket.number)
    expect(await count()).toEqual({ consultations: before.consultations + 1, tickets: before.tickets + 1 })

    // externalId is unique per submitting token, not across integrations.
    const other = await k.submit(payload, k.tokens.integration2)
    expect(other.status).toBe(201)
    expect(other.body.consultation.id).not.toBe(first.body.consultation.id)
  })

  it('honours Idempotency-Key: a retry creates nothing, the same key with another body is refused', async () => {
    const send = (question: string) => k.call({
      method: 'POST', url: '/api/v1/consultations', token: k.tokens.agent,
      headers: { 'idempotency-key': 'call-2025-0001' }, payload: { channel: 'hotline', question, unitCode: 'rsj' },
    })
    const before = await count()
    const first = await send('失业金怎么领？')
    const retry = await send('失业金怎么领？')
    expect(first.statusCode).toBe(201)
    expect(retry.statusCode).toBe(201)
    expect(retry.json().ticket.number).toBe(first.json().ticket.number)
    expect(await count()).toEqual({ consultations: before.consultations + 1, tickets: before.tickets + 1 })
    expect((await send('另一个问题')).statusCode).toBe(409)
  })

  it('refuses to answer from an entry that is not published', async () => {
    const draft = await k.app.services.kb.createEntry({ unitCode: 'rsj', question: '草稿中的问题', answer: '尚未审核的答复' }, k.admin)
    const res = await k.submit({ channel: 'hotline', question: '问题', answeredEntryId: draft.id }, ADMIN_TOKEN)
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('CONSULTATION_ENTRY_NOT_PUBLISHED')
    // To an agent a draft is no entry at all.
    expect((await k.submit({ channel: 'hotline', question: '问题', answeredEntryId: draft.id })).body.code).toBe('CONSULTATION_ENTRY_NOT_FOUND')
    expect((await k.submit({ channel: 'hotline', question: '问题', answeredEntryId: 9999 })).body.code).toBe('CONSULTATION_ENTRY_NOT_FOUND')
  })

  it('refuses answeredEntryId together with openTicket', async () => {
    const res = await k.submit({ channel: 'hotline', question: '问题', answeredEntryId: 1, openTicket: true })
    expect(res.body.code).toBe('CONSULTATION_CONFLICTING_INTENT')
  })

  it('refuses an unknown unit or topic, naming the field', async () => {
    expect((await k.submit({ channel: 'hotline', question: '问题', unitCode: 'nope' })).body).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unitCode' }] })
    expect((await k.submit({ channel: 'hotline', question: '问题', topicCode: 'nope' })).body).toMatchObject({ code: 'TOPIC_NOT_FOUND', details: [{ field: 'topicCode' }] })
  })

  it('validates the body strictly', async () => {
    const res = await k.submit({ channel: 'fax', question: '   ', asker: { phone: 'call me' }, color: 'red' })
    expect(res.status).toBe(400)
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['asker.phone', 'channel', 'color', 'question'])
    // The expected format in words, not as a regular expression.
    expect(res.body.details.find((d: any) => d.field === 'asker.phone').message).toBe('asker.phone 格式不正确，应为电话号码：数字，可含 +、-、括号和空格，3 到 20 个字符')
  })

  it('takes a landline written with its area code in brackets', async () => {
    const res = await k.submit({ channel: 'hotline', question: '公租房怎么申请', openTicket: true, asker: { name: '王五', phone: '(023)68123456' } })
    expect(res.status).toBe(201)
  })

  it('lets only admins, agents and integrations register consultations', async () => {
    expect((await k.submit({ channel: 'hotline', question: '问题' }, k.tokens.rsj)).status).toBe(403)
    expect((await k.submit({ channel: 'hotline', question: '问题' }, await k.token('reviewer', { reviewStep: 0 }))).status).toBe(403)
  })

  it('shows an integration only the consultations it submitted', async () => {
    const mine = await k.submit({ channel: 'mailbox', question: '路灯坏了', externalId: 'A-1' }, k.tokens.integration)
    const url = `/api/v1/consultations/${mine.body.consultation.id}`
    const stranger = await k.token('integration', { name: '未提交过的接入系统' })
    expect((await k.call({ method: 'GET', url, token: k.tokens.integration })).statusCode).toBe(200)
    expect((await k.call({ method: 'GET', url, token: stranger })).statusCode).toBe(404)
    expect((await k.call({ method: 'GET', url: '/api/v1/consultations', token: stranger })).json().total).toBe(0)
    const own = (await k.call({ method: 'GET', url: '/api/v1/consultations?channel=mailbox', token: k.tokens.integration })).json()
    expect(own.items.map((c: any) => c.id)).toContain(mine.body.consultation.id)
  })
})

describe('consultation intake: all or nothing', () => {
  it('saves nothing when the ticket cannot be opened because the dispatcher unit is missing', async () => {
    const k = await createKit({}, { withDispatcher: false })
    const res = await k.submit({ channel: 'hotline', question: '小区门口的路灯坏了找谁？' })
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('TICKET_DISPATCH_UNIT_MISSING')
    expect(await k.app.services.db.select().from(consultations)).toEqual([])
    await k.close()
  })

  it('rolls the consultation, its ticket and the day counter back when a listener of the domain events fails', async () => {
    const k = await createKit()
    let fail = true
    k.app.services.events.on((_tx, e) => {
      if (fail && e.type === 'ticket.assigned') { fail = false; throw new Error('outbox unavailable') }
    })
    const payload = { channel: 'hotline', question: '问题', unitCode: 'rsj', receivedAt: '2025-10-09T01:00:00Z' }
    expect((await k.submit(payload)).status).toBe(500)
    expect(await k.app.services.db.select().from(consultations)).toEqual([])
    expect((await k.app.services.tickets.list({}, k.admin)).total).toBe(0)
    const next = await k.submit(payload)
    expect(next.status).toBe(201)
    expect(next.body.ticket.number).toBe('ZX20251009-0001')
    await k.close()
  })
})
