import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKit, LIBRARY, type Kit } from './tickets.testkit.ts'

// D1 and G1: answered tickets go back into the library, de-identified, through review.

/** The office reads every entry whole (kb.reading.ts). */
const OFFICE = { role: 'admin', tokenId: 0, unitId: null } as const

describe('promoting a ticket into the library', () => {
  let k: Kit
  beforeEach(async () => { k = await createKit() })
  afterEach(async () => { await k.close() })

  const QUESTION = '我叫王小明，身份证号50011219850312123X，手机13912345678，住在龙溪街道金龙路12号3栋2单元，请问个体工商户的一次性创业补贴怎么申请？'
  const ANSWER = '王小明您好：个体工商户可在取得营业执照后一年内，向区就业服务中心申请一次性创业补贴，携带身份证和营业执照。'

  const answeredTicket = async (question = QUESTION) => {
    const res = await k.submit({ channel: 'hotline', question, unitCode: 'rsj', asker: { name: '王小明', phone: '13912345678' } })
    const id = res.body.ticket.id as number
    await k.act(id, 'answer', { answer: ANSWER }, k.tokens.rsj)
    return id
  }
  const promote = async (id: number, payload: Record<string, unknown> = {}, token = k.tokens.rsj) => {
    const res = await k.call({ method: 'POST', url: `/api/v1/tickets/${id}/promote`, payload, token })
    return { status: res.statusCode, body: res.json() }
  }
  // The kb service lists an entry's versions newest first.
  const latestVersion = async (entryId: number) => (await k.app.services.kb.listVersions(entryId, OFFICE)).items[0]

  it('creates a de-identified entry for the unit, linked to the ticket, and sends it into review', async () => {
    const id = await answeredTicket()
    const res = await promote(id)
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ outcome: 'drafted', ticketId: id, entryId: expect.any(Number), offer: null, submitted: true })
    for (const text of [res.body.question, res.body.answer]) {
      expect(text).not.toMatch(/王小明|50011219850312123X|13912345678|金龙路12号/)
    }
    expect(res.body.question).toContain('一次性创业补贴怎么申请')
    expect(res.body.answer).toMatch(/^某某您好/)

    const entry = await k.app.services.kb.getEntry(res.body.entryId, OFFICE)
    expect(entry).toMatchObject({ sourceTicketId: id, unit: { code: 'rsj' } })
    expect(entry.status).toBe('in_review')
    expect(await latestVersion(entry.id)).toMatchObject({ question: res.body.question, answer: res.body.answer, state: 'in_review', reviewStep: 0 })

    const ticket = (await k.ticket(id, k.tokens.rsj)).body
    expect(ticket.promotedEntryId).toBe(res.body.entryId)
    expect(ticket.history.at(-1)).toMatchObject({ action: 'promote', actor: { name: '人社局政策解读专员' } })
  })

  it('de-identifies the unit’s own edit of the wording too, and can leave it a draft', async () => {
    const id = await answeredTicket()
    const res = await promote(id, { mode: 'new', submit: false, question: '王小明问：个体户创业补贴怎么申请？', answer: '可向区就业服务中心申请，咨询电话 023-67891234。' })
    expect(res.body).toMatchObject({ question: '某某问：个体户创业补贴怎么申请？', submitted: false })
    expect(res.body.answer).not.toContain('67891234')
    expect((await latestVersion(res.body.entryId)).state).toBe('draft')
  })

  it('offers an existing entry that already answers the question, then adds it as a similar question', async () => {
    const entryId = (await k.library()).startup
    const asked = '个体工商户一次性创业补贴怎么申请？'
    const id = await answeredTicket(asked)

    const offer = await promote(id)
    expect(offer.status).toBe(200)
    expect(offer.body).toMatchObject({ outcome: 'offered', entryId: null, offer: { entryId, unit: { code: 'rsj' } } })
    expect((await k.ticket(id, k.tokens.rsj)).body.promotedEntryId).toBeNull()

    const added = await promote(id, { mode: 'similar', entryId })
    expect(added.status).toBe(201)
    expect(added.body).toMatchObject({ outcome: 'similar_added', entryId })
    // The published version keeps serving; the question waits in a new version under review.
    expect(await latestVersion(entryId)).toMatchObject({ version: 2, state: 'in_review' })
    expect((await latestVersion(entryId)).similarQuestions).toContain(asked)
    expect((await k.ticket(id, k.tokens.rsj)).body.promotedEntryId).toBe(entryId)
  })

  it('creates a new draft anyway when asked, despite a close entry', async () => {
    await k.library()
    const id = await answeredTicket(LIBRARY.startup.question)
    expect((await promote(id, { mode: 'new' })).body.outcome).toBe('drafted')
  })

  it('leaves the ticket unlinked when the library refuses the question', async () => {
    const id = await answeredTicket()
    const missing = await promote(id, { mode: 'similar', entryId: 9999 })
    expect(missing.status).toBe(404)
    expect(missing.body.code).toBe('KB_ENTRY_NOT_FOUND')
    const ybjEntry = await k.publishEntry({ unitCode: 'ybj', question: '异地就医怎么备案？', answer: '通过国家医保服务平台备案。' })
    expect((await promote(id, { mode: 'similar', entryId: ybjEntry })).body.code).toBe('KB_NOT_YOUR_UNIT')
    const ticket = (await k.ticket(id, k.tokens.rsj)).body
    expect(ticket.promotedEntryId).toBeNull()
    expect(ticket.history.map((h: any) => h.action)).not.toContain('promote')
  })

  it('asks for a shorter wording of a letter longer than an entry’s question may be, and takes it', async () => {
    const letter = `尊敬的领导：${'我在龙溪街道开了一家小面馆，营业执照今年三月才办下来。'.repeat(80)}请问个体工商户的一次性创业补贴怎么申请？`
    expect([...letter].length).toBeGreaterThan(2000)
    const id = await answeredTicket(letter)
    for (const payload of [{}, { mode: 'new' }, { mode: 'similar', entryId: (await k.library()).startup }]) {
      const res = await promote(id, payload)
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'TICKET_PROMOTE_QUESTION_REQUIRED', details: [{ field: 'question' }] })
    }
    expect((await k.ticket(id, k.tokens.rsj)).body.promotedEntryId).toBeNull()
    const res = await promote(id, { mode: 'new', question: '个体工商户的一次性创业补贴怎么申请？' })
    expect(res.status).toBe(201)
    expect((await latestVersion(res.body.entryId)).question).toBe('个体工商户的一次性创业补贴怎么申请？')
  })

  it('needs the entry when adding a similar question', async () => {
    const id = await answeredTicket()
    expect((await promote(id, { mode: 'similar' })).body.code).toBe('TICKET_PROMOTE_ENTRY_REQUIRED')
  })

  it('refuses a ticket without an answer, and a second promotion', async () => {
    const res = await k.submit({ channel: 'hotline', question: '问题', unitCode: 'rsj' })
    expect((await promote(res.body.ticket.id)).body.code).toBe('TICKET_NOT_ANSWERED')
    const id = await answeredTicket()
    expect((await promote(id, { mode: 'new' })).status).toBe(201)
    const again = await promote(id, { mode: 'new' })
    expect(again.status).toBe(409)
    expect(again.body.code).toBe('TICKET_ALREADY_PROMOTED')
  })

  it('is for admins and the holding unit only', async () => {
    const id = await answeredTicket()
    expect((await promote(id, {}, k.tokens.ybj)).status).toBe(404)
    expect((await promote(id, {}, k.tokens.agent)).status).toBe(403)
  })
})
