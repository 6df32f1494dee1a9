import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, type Kit } from './tickets.testkit.ts'

describe('ticket lifecycle', () => {
  // One app for the file: every test opens its own tickets and looks only at those.
  let k: Kit
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  /** A question nothing in the library matches: it goes to the dispatcher. */
  const unmatched = async (extra: Record<string, unknown> = {}) => {
    const res = await k.submit({ channel: 'hotline', question: '小区门口的共享单车停放点能不能调整位置？', receivedAt: '2025-09-30T02:00:00Z', ...extra })
    expect(res.status).toBe(201)
    return res.body.ticket as { id: number; number: string; dueAt: string; status: string; unit: { code: string } }
  }

  it('walks registered → assigned → answered → replied → closed, recording who, when and from → to', async () => {
    const ticket = await unmatched()
    expect(ticket).toMatchObject({ status: 'registered', unit: { code: 'zwb' } })

    const assigned = await k.act(ticket.id, 'assign', { unitCode: 'rsj', note: '涉及就业政策' }, k.tokens.zwb)
    expect(assigned.status).toBe(200)
    expect(assigned.body).toMatchObject({ status: 'assigned', unit: { code: 'rsj' } })

    const answered = await k.act(ticket.id, 'answer', { answer: '共享单车停放点由街道统一规划，可向所在街道反映。' }, k.tokens.rsj)
    expect(answered.body).toMatchObject({ status: 'answered', answer: '共享单车停放点由街道统一规划，可向所在街道反映。' })

    const replied = await k.act(ticket.id, 'reply', { method: 'phone', repliedAt: '2025-10-10T03:00:00Z', repliedBy: '王坐席' }, k.tokens.agent)
    expect(replied.body).toMatchObject({ status: 'replied', reply: { method: 'phone', repliedAt: '2025-10-10T03:00:00.000Z', repliedBy: '王坐席' }, overdue: false })

    const closed = await k.act(ticket.id, 'close', {}, k.tokens.agent)
    expect(closed.body.status).toBe('closed')
    expect(closed.body.closedAt).toEqual(expect.any(String))

    const history = closed.body.history.map((h: any) => [h.action, h.fromStatus, h.toStatus, h.toUnit?.code ?? null, h.actor?.name ?? null])
    expect(history).toEqual([
      ['created', null, 'registered', 'zwb', '坐席甲'],
      ['assign', 'registered', 'assigned', 'rsj', '区政府办公室派单员'],
      ['answer', 'assigned', 'answered', null, '人社局政策解读专员'],
      ['reply', 'answered', 'replied', null, '坐席甲'],
      ['close', 'replied', 'closed', null, '坐席甲'],
    ])
    expect(closed.body.history.every((h: any) => typeof h.at === 'string')).toBe(true)
    expect(k.events.filter((e) => e.ticketId === ticket.id).map((e) => e.type))
      .toEqual(['ticket.created', 'ticket.assigned', 'ticket.answered', 'ticket.replied', 'ticket.closed'])
    const answeredEvent = k.events.find((e) => e.type === 'ticket.answered' && e.ticketId === ticket.id)
    expect(answeredEvent?.type === 'ticket.answered' && answeredEvent.payload.answer).toBe('共享单车停放点由街道统一规划，可向所在街道反映。')
  })

  it('reassigns (转办) with a reason, keeping the deadline, and the old unit loses sight of it', async () => {
    const { id, dueAt } = (await k.submit({ channel: 'hotline', question: '灵活就业人员医保怎么缴？', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z' })).body.ticket
    const res = await k.act(id, 'reassign', { unitCode: 'ybj', reason: '医保缴费属医保局职责' }, k.tokens.agent)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ status: 'assigned', unit: { code: 'ybj' }, dueAt, reassignCount: 1 })
    expect(res.body.history.at(-1)).toMatchObject({ action: 'reassign', fromUnit: { code: 'rsj' }, toUnit: { code: 'ybj' }, note: '医保缴费属医保局职责' })
    expect((await k.ticket(id, k.tokens.rsj)).status).toBe(404)
    expect((await k.ticket(id, k.tokens.ybj)).status).toBe(200)
    expect(k.events.at(-1)).toMatchObject({ type: 'ticket.assigned', payload: { reassigned: true, previousUnit: { code: 'rsj' }, ticket: { unit: { code: 'ybj' } }, reason: '医保缴费属医保局职责' } })
  })

  it('refuses to reassign a ticket to the unit already holding it', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    const res = await k.act(id, 'reassign', { unitCode: 'rsj', reason: '重复' }, k.tokens.agent)
    expect(res.status).toBe(409)
    expect(res.body.code).toBe('TICKET_SAME_UNIT')
  })

  it('returns (退回) a misrouted ticket to the dispatcher, who assigns it again without a new deadline', async () => {
    const { id, dueAt } = (await k.submit({ channel: 'hotline', question: '孩子转学需要什么手续？', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z' })).body.ticket
    const returned = await k.act(id, 'return', { reason: '转学属教育部门职责，非我局职责' }, k.tokens.rsj)
    expect(returned.status).toBe(200)
    expect(returned.body).toMatchObject({ status: 'registered', unit: { code: 'zwb' }, returnCount: 1, dueAt })
    expect(returned.body.history.at(-1)).toMatchObject({ action: 'return', fromStatus: 'assigned', toStatus: 'registered', fromUnit: { code: 'rsj' }, toUnit: { code: 'zwb' }, note: '转学属教育部门职责，非我局职责' })

    const again = await k.act(id, 'assign', { unitCode: 'jw' }, k.tokens.zwb)
    expect(again.body).toMatchObject({ status: 'assigned', unit: { code: 'jw' }, dueAt })
  })

  it('refuses a step out of order with 409 TICKET_INVALID_TRANSITION', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    const reply = await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)
    expect(reply.status).toBe(409)
    expect(reply.body.code).toBe('TICKET_INVALID_TRANSITION')
    expect((await k.act(id, 'close', {}, k.tokens.agent)).body.code).toBe('TICKET_INVALID_TRANSITION')
    expect((await k.act(id, 'assign', { unitCode: 'ybj' }, k.tokens.agent)).body.code).toBe('TICKET_INVALID_TRANSITION')
  })

  it('lets the unit correct its answer until the asker is told, logging the revision', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    await k.act(id, 'answer', { answer: '初稿' }, k.tokens.rsj)
    const revised = await k.act(id, 'answer', { answer: '修改后的答复' }, k.tokens.rsj)
    expect(revised.body).toMatchObject({ status: 'answered', answer: '修改后的答复' })
    expect(revised.body.history.at(-1).action).toBe('answer_revised')
    await k.act(id, 'reply', { method: 'sms' }, k.tokens.rsj)
    expect((await k.act(id, 'answer', { answer: '太迟了' }, k.tokens.rsj)).status).toBe(409)
  })

  it('refuses a reply time in the future or before receipt', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z' })).body.ticket
    await k.act(id, 'answer', { answer: '答复' }, k.tokens.rsj)
    const future = await k.act(id, 'reply', { method: 'phone', repliedAt: new Date(Date.now() + 86_400_000).toISOString() }, k.tokens.agent)
    expect(future.status).toBe(400)
    expect(future.body).toMatchObject({ code: 'TICKET_REPLIED_IN_FUTURE', details: [{ field: 'repliedAt' }] })
    expect(future.body.message).toMatch(/^回复时间 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} 晚于当前时间$/)
    const before = await k.act(id, 'reply', { method: 'phone', repliedAt: '2025-09-29T00:00:00Z' }, k.tokens.agent)
    expect(before.body.code).toBe('TICKET_REPLIED_BEFORE_RECEIPT')
    expect(before.body.message).toBe('回复时间 2025年9月29日 08:00 早于受理时间 2025年9月30日 10:00')
  })

  it('marks a reply after the deadline as overdue for good', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z' })).body.ticket
    await k.act(id, 'answer', { answer: '答复' }, k.tokens.rsj)
    const late = await k.act(id, 'reply', { method: 'phone', repliedAt: '2025-10-15T02:00:00Z' }, k.tokens.agent)
    expect(late.body).toMatchObject({ overdue: true, remainingWorkingDays: null })
    expect(k.events.at(-1)).toMatchObject({ type: 'ticket.replied', payload: { late: true } })
  })

  it('lets only the holding unit answer, and only the office reassign or close', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    expect((await k.act(id, 'answer', { answer: '不是我的' }, k.tokens.ybj)).status).toBe(404)
    expect((await k.act(id, 'answer', { answer: '坐席代答' }, k.tokens.agent)).status).toBe(403)
    expect((await k.act(id, 'reassign', { unitCode: 'ybj', reason: '自行转办' }, k.tokens.rsj)).status).toBe(403)
    expect((await k.act(id, 'assign', { unitCode: 'ybj' }, k.tokens.rsj)).status).toBe(403)
    await k.act(id, 'answer', { answer: '答复' }, k.tokens.rsj)
    await k.act(id, 'reply', { method: 'phone' }, k.tokens.rsj)
    expect((await k.act(id, 'close', {}, k.tokens.rsj)).status).toBe(403)
    expect((await k.act(id, 'close', {}, k.tokens.agent)).status).toBe(200)
  })

  it('keeps the dispatcher from assigning tickets it does not hold', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    expect((await k.act(id, 'return', { reason: '退回' }, k.tokens.zwb)).status).toBe(404)
  })

  it('refuses to assign to an unknown or inactive unit', async () => {
    const ticket = await unmatched()
    const unknown = await k.act(ticket.id, 'assign', { unitCode: 'nope' }, k.tokens.agent)
    expect(unknown.status).toBe(404)
    expect(unknown.body).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'unitCode' }] })
    const gone = (await k.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'gone', name: '已撤并单位', active: false } })).json()
    expect(gone.active).toBe(false)
    expect((await k.act(ticket.id, 'assign', { unitCode: 'gone' }, k.tokens.agent)).body.code).toBe('CONSULTATION_UNIT_INACTIVE')
  })

  it('refuses an answer with nothing to read (punctuation only), naming answer, and leaves the ticket with the unit', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    k.events.length = 0
    for (const answer of ['？？？', '……', '。 ！', '😀😀']) {
      const res = await k.act(id, 'answer', { answer }, k.tokens.rsj)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'TICKET_ANSWER_EMPTY', details: [{ field: 'answer' }] })
    }
    expect((await k.ticket(id, k.tokens.rsj)).body).toMatchObject({ status: 'assigned', answer: null })
    expect(k.events).toEqual([])
    expect((await k.act(id, 'answer', { answer: '请到区就业服务中心办理。' }, k.tokens.rsj)).status).toBe(200)
  })

  it('validates action bodies strictly', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    const res = await k.act(id, 'reassign', { unitCode: 'ybj', reason: '   ', extra: 1 }, k.tokens.agent)
    expect(res.status).toBe(400)
    expect(res.body.details.map((d: any) => d.field).sort()).toEqual(['extra', 'reason'])
    expect((await k.act(999, 'close', {}, k.tokens.agent)).body.code).toBe('TICKET_NOT_FOUND')
  })
})

describe('suggestions on policy documents (F1)', () => {
  let k: Kit
  beforeAll(async () => { k = await createKit() })
  afterAll(async () => { await k.close() })

  it('caps the default public summary of a long suggestion at the field limit, at a sentence end, so the console can send it back (review 21, L2)', async () => {
    const docId = await k.policyDocument('ybj', '区长期护理保险试点办法')
    const sentence = '建议把长期护理保险的失能评估周期从半年缩短到三个月，并公开评估标准。'
    const question = sentence.repeat(Math.ceil(2600 / sentence.length))
    expect(question.length).toBeGreaterThan(2000)
    const res = await k.submit({ channel: 'mailbox', kind: 'suggestion', question, policyDocumentId: docId }, k.tokens.integration)
    expect(res.status).toBe(201)
    const id = res.body.ticket.id
    const before = (await k.ticket(id, k.tokens.ybj)).body.suggestion
    expect(before.publicSummaryConfirmed).toBe(false)
    expect(before.publicSummary.length).toBeLessThanOrEqual(2000)
    expect(before.publicSummary.length).toBeGreaterThan(1900)
    expect(before.publicSummary.endsWith('。')).toBe(true)
    // What the console sends: the prefilled summary as it is.
    const answered = await k.act(id, 'answer', { answer: '感谢建议。', decision: 'not_adopted', decisionReason: '另行研究。', publicSummary: before.publicSummary }, k.tokens.ybj)
    expect(answered.status).toBe(200)
    expect(answered.body.suggestion).toMatchObject({ publicSummary: before.publicSummary, publicSummaryConfirmed: true })
    // Without publicSummary the stored default is capped the same way.
    const other = await k.submit({ channel: 'mailbox', kind: 'suggestion', question, policyDocumentId: docId }, k.tokens.integration)
    const stored = await k.act(other.body.ticket.id, 'answer', { answer: '感谢建议。', decision: 'adopted', decisionReason: '已采纳。' }, k.tokens.ybj)
    expect(stored.body.suggestion.publicSummary).toBe(before.publicSummary)
    // After a redo the decision is gone: the summary is no longer the one published with a decision.
    expect((await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)).status).toBe(200)
    const redone = await k.call({ method: 'POST', url: `/api/v1/tickets/${id}/redo`, payload: { reason: '重新研究' }, token: k.tokens.agent })
    expect(redone.statusCode).toBe(200)
    expect(redone.json().suggestion).toMatchObject({ decision: null, publicSummaryConfirmed: false })
  })

  it('opens a ticket for the unit that owns the document, which records 采纳 with a reason', async () => {
    const docId = await k.policyDocument('ybj', '区城乡居民医疗保险实施办法')
    const res = await k.submit({ channel: 'mailbox', kind: 'suggestion', question: '建议把门诊报销比例再提高一些。', policyDocumentId: docId }, k.tokens.integration)
    expect(res.status).toBe(201)
    expect(res.body.consultation).toMatchObject({ kind: 'suggestion', outcome: 'ticketed', policyDocumentId: docId })
    expect(res.body.ticket).toMatchObject({ status: 'assigned', unit: { code: 'ybj' } })
    const id = res.body.ticket.id

    const missing = await k.act(id, 'answer', { answer: '感谢建议。' }, k.tokens.ybj)
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ code: 'TICKET_DECISION_REQUIRED' })
    expect(missing.body.details.map((d: any) => d.field)).toEqual(['decision', 'decisionReason'])
    const wrong = await k.act(id, 'answer', { answer: '感谢建议。', decision: 'maybe', decisionReason: '理由' }, k.tokens.ybj)
    expect(wrong.body.details).toEqual([{ field: 'decision', message: 'decision 取值不在允许范围内，应为以下之一：adopted 采纳；partially_adopted 部分采纳；not_adopted 不采纳' }])
    // The reason is published on the document's page: punctuation alone is no reason.
    const noReason = await k.act(id, 'answer', { answer: '感谢建议。', decision: 'not_adopted', decisionReason: '。。。' }, k.tokens.ybj)
    expect(noReason.status).toBe(400)
    expect(noReason.body).toMatchObject({ code: 'TICKET_ANSWER_EMPTY', details: [{ field: 'decisionReason' }] })

    const decided = await k.act(id, 'answer', { answer: '感谢建议，已在修订中提高门诊报销比例。', decision: 'partially_adopted', decisionReason: '基金可承受范围内提高 5 个百分点' }, k.tokens.ybj)
    expect(decided.status).toBe(200)
    expect(decided.body).toMatchObject({
      routing: 'policy',
      suggestion: { policyDocument: { id: docId, title: '区城乡居民医疗保险实施办法' }, decision: 'partially_adopted', decisionReason: '基金可承受范围内提高 5 个百分点' },
    })
    expect(decided.body.history.at(-1).note).toBe('部分采纳：基金可承受范围内提高 5 个百分点')
    expect(k.events.at(-1)).toMatchObject({ type: 'ticket.answered', payload: { suggestionDecision: 'partially_adopted' } })
  })

  it('uses the configured working days for suggestions', async () => {
    // Another configuration needs its own app; it is closed even when an expectation fails.
    const own = await createKit({ dueWorkingDays: { question: 5, suggestion: 10 } })
    try {
      const docId = await own.policyDocument('rsj', '区稳岗补贴办法')
      const res = await own.submit({ channel: 'window', kind: 'suggestion', question: '建议简化稳岗补贴申报材料。', policyDocumentId: docId, receivedAt: '2025-06-08T02:00:00Z' })
      // Sunday 8 June 2025: ten working days are 9–13 and 16–20 June.
      expect(res.body.ticket.dueAt).toBe('2025-06-20T15:59:59.000Z')
      expect((await own.ticket(res.body.ticket.id)).body.workingDays).toBe(10)
    } finally {
      await own.close()
    }
  })

  it('refuses a decision on a question, and an immediate answer to a suggestion', async () => {
    const { id } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj' })).body.ticket
    const decided = await k.act(id, 'answer', { answer: '答复', decision: 'adopted', decisionReason: '理由' }, k.tokens.rsj)
    expect(decided.status).toBe(400)
    expect(decided.body).toMatchObject({ code: 'TICKET_DECISION_NOT_APPLICABLE', details: [
      { field: 'decision', message: '咨询类台账不填写采纳情况，请删去此项' }, { field: 'decisionReason', message: '咨询类台账不填写采纳理由，请删去此项' }] })
    const summarised = await k.act(id, 'answer', { answer: '答复', publicSummary: '摘要' }, k.tokens.rsj)
    expect(summarised.status).toBe(400)
    expect(summarised.body).toMatchObject({ code: 'TICKET_DECISION_NOT_APPLICABLE', message: expect.stringContaining('公开摘要'),
      details: [{ field: 'publicSummary', message: '咨询类台账没有公开摘要，请删去此项' }] })
    expect(summarised.body.details).toHaveLength(1)
    const res = await k.submit({ channel: 'hotline', kind: 'suggestion', question: '建议延长办理时间', answeredEntryId: 1 })
    expect(res.body.code).toBe('CONSULTATION_SUGGESTION_NEEDS_TICKET')
  })

  it('refuses an unknown policy document', async () => {
    const res = await k.submit({ channel: 'hotline', kind: 'suggestion', question: '建议延长办理时间', policyDocumentId: 999 })
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 'CONSULTATION_POLICY_DOCUMENT_NOT_FOUND', details: [{ field: 'policyDocumentId' }] })
  })
})
