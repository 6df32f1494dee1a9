// The privacy holes an attacker's review found (issue 15), one test each: every one failed before
// the privacy module and passes now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loggedQuestion } from '../search/search.queries.ts'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'

const ASKER = { name: '张三', phone: '13812345678', email: 'zhangsan@example.com' }
// The awkward forms: full-width digits, dotted groups, an ID number in groups, a 15-digit ID number.
const QUESTION = '我叫张三，手机１３８１２３４５６７８，也可打138.1234.5678，身份证500101 19900101 1234，旧证500101900101123，邮箱zhangsan@example.com，请问灵活就业社保怎么交？'
const SECRETS = ['13812345678', '500101199001011234', '500101900101123', 'zhangsan@example.com', '张三']
const HOTLINE = '023-68552000'
/** Full digits as they would be read, whatever the separators or the width. */
const ANSWER = `张三您好：请携带身份证到区社保窗口办理，办好后我们会致电 138 1234 5678 告知。如有疑问请咨询 ${HOTLINE}。`
const readable = (text: string) => text.normalize('NFKC').replace(/(\d)[\s.\-()]+(?=\d)/g, '$1')
const leaks = (text: string) => SECRETS.filter((s) => readable(text).includes(s))

describe('issue 15: the asker\'s privacy', () => {
  let k: Kit
  let ticketId: number
  let integrationToken: string

  beforeAll(async () => {
    k = await createKit()
    await k.app.services.units.updateUnit((await k.app.services.units.requireUnit('rsj')).id, { contactPhone: HOTLINE })
    const res = await k.submit({ channel: 'hotline', question: QUESTION, unitCode: 'rsj', asker: ASKER }, k.tokens.agent)
    ticketId = res.body.ticket.id
    expect((await k.act(ticketId, 'answer', { answer: ANSWER }, k.tokens.rsj)).status).toBe(200)

    integrationToken = (await k.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '网站公开信箱' } })).json().credentials.token
    const mailed = await k.submit({ channel: 'mailbox', question: QUESTION, unitCode: 'rsj', asker: ASKER, externalId: 'MB-1' }, integrationToken)
    expect((await k.act(mailed.body.ticket.id, 'answer', { answer: ANSWER }, k.tokens.rsj)).status).toBe(200)
  })
  afterAll(async () => { await k.close() })

  // The audit log as the audit service lists it (newest first), turned oldest first.
  const audited = async (action: string) => (await k.app.services.audit.list({ action, page: 1, pageSize: 1000 })).items.reverse()
  const searches = () => audited('searchContactDetails')
  const list = async (q: string, token?: string) => {
    const res = await k.call({ method: 'GET', url: `/api/v1/tickets?pageSize=100&q=${encodeURIComponent(q)}`, token })
    expect(res.statusCode, res.body).toBe(200)
    return res.json().items.map((i: { id: number }) => i.id) as number[]
  }

  describe('searching the ledger', () => {
    it('does not let an agent who sees 138****5678 recover the phone or ID number by searching digits', async () => {
      expect(await list('5678', k.tokens.agent2)).toContain(ticketId) // what the agent can see
      for (const probe of ['1381', '13812', '1381234', '13812345678', '19900101', '500101199001', '张三', 'zhangsan']) {
        expect(await list(probe, k.tokens.agent2), probe).not.toContain(ticketId)
      }
    })

    it('lets the agent who registered the consultation find it by the number as written, and audits the search', async () => {
      const before = (await searches()).length
      expect(await list('138.1234.5678', k.tokens.agent)).toContain(ticketId)
      const rows = (await searches()).slice(before)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ actor: { role: 'agent' }, targetType: 'ticket', details: { fields: ['q'] } })
      expect(rows[0].targetIds).toContain(ticketId)
      expect(JSON.stringify(rows)).not.toContain('1234')
    })

    it('does not audit the searches of an integration, which reads masked text only', async () => {
      const before = (await searches()).length
      expect(await list('13812345678', integrationToken)).toEqual([])
      expect(await searches()).toHaveLength(before)
    })

    it('takes % and _ in q literally, not as wildcards', async () => {
      const percent = (await k.submit({ channel: 'hotline', question: '补贴比例是否为100%？', unitCode: 'rsj' })).body.ticket.id
      expect(await list('%')).toEqual([percent])
      expect(await list('_')).toEqual([])
      expect(await list('100%')).toEqual([percent])
    })
  })

  describe('masking the same everywhere', () => {
    it('masks full-width, dotted and grouped numbers, 15-digit IDs, e-mails and 我叫张三 in /tickets, /consultations and /ledger alike', async () => {
      const tickets = (await k.call({ method: 'GET', url: '/api/v1/tickets?pageSize=100', token: k.tokens.agent2 })).json().items.find((i: { id: number }) => i.id === ticketId)
      const consultations = (await k.call({ method: 'GET', url: '/api/v1/consultations?pageSize=100', token: k.tokens.agent })).json().items
      const consultation = consultations.find((c: { question: string; channel: string }) => c.channel === 'hotline' && c.question.includes('灵活就业'))
      const ledger = (await k.call({ method: 'GET', url: '/api/v1/ledger?pageSize=100' })).json().items.find((i: { id: number }) => i.id === ticketId)
      expect(leaks(tickets.question)).toEqual([])
      expect(tickets.question).toBe(consultation.question)
      expect(tickets.question).toBe(ledger.question)
      expect(tickets.question).toContain('我叫张*，手机138****5678，也可打138****5678，身份证500101********1234，旧证500101*****1123，邮箱z***@example.com')
    })

    it('masks the question identically in /tickets, /ledger and the CSV export, and the answer in the export too', async () => {
      const shown = (await k.call({ method: 'GET', url: '/api/v1/tickets?pageSize=100' })).json().items.find((i: { id: number }) => i.id === ticketId).question
      const csv = (await k.call({ method: 'GET', url: '/api/v1/ledger/export?format=csv' })).body
      expect(csv).toContain(shown)
      expect(leaks(csv)).toEqual([])
      expect(csv).toContain(HOTLINE)
    })

    it('masks the question and answer in the xlsx export', async () => {
      const res = await k.call({ method: 'GET', url: '/api/v1/ledger/export?format=xlsx' })
      expect(res.statusCode).toBe(200)
      const ExcelJS = (await import('exceljs')).default
      const wb = new ExcelJS.Workbook()
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
      const cells: string[] = []
      wb.worksheets[0].eachRow((row) => row.eachCell((c) => { cells.push(String(c.value)) }))
      expect(cells.join('\n')).toContain('138****5678')
      expect(leaks(cells.join('\n'))).toEqual([])
    })

    it('keeps the full-width phone and the 15-digit ID out of the match log', async () => {
      const res = await k.call({ method: 'POST', url: '/api/v1/match', payload: { question: QUESTION }, token: k.tokens.agent })
      expect(res.statusCode).toBe(200)
      await k.app.services.search.stop() // writes the pending match logs
      const logged = (await loggedQuestion(k.app.services.db, res.json().matchId))!
      expect(leaks(logged)).toEqual([])
      expect(logged).toContain('138****5678')
    })
  })

  describe("the asker's phone inside the unit's answer", () => {
    it('is masked in GET /tickets/:id for another agent, and shown to the holding unit', async () => {
      const other = (await k.ticket(ticketId, k.tokens.agent2)).body
      expect(other.answer).toContain('138****5678')
      expect(other.answer).toContain(HOTLINE)
      expect(leaks(JSON.stringify(other))).toEqual([])
      expect((await k.ticket(ticketId, k.tokens.rsj)).body.answer).toContain('138 1234 5678')
    })

    it('is masked in the polled event and in the stored webhook payload', async () => {
      const polled = (await k.call({ method: 'GET', url: '/api/v1/events?limit=100', token: integrationToken })).json().items
      const answered = polled.find((e: { type: string }) => e.type === 'ticket.answered')
      expect(answered.data.answer).toContain('138****5678')
      expect(answered.data.answer).toContain(HOTLINE)
      expect(leaks(JSON.stringify(polled))).toEqual([])
      const { integrations } = k.app.services
      const stored: unknown[] = []
      for (const e of (await integrations.listEvents({ type: 'ticket.answered', page: 1, pageSize: 100 })).items) stored.push((await integrations.getEvent(e.id)).data)
      expect(stored.length).toBeGreaterThan(0)
      expect(leaks(JSON.stringify(stored))).toEqual([])
    })
  })

  describe('reading the asker in full in the reply to an action', () => {
    it('writes a readContactDetails row when answer returns the ticket with full details', async () => {
      const reads = async () => (await audited('readContactDetails')).length
      const before = await reads()
      // The same answer again (a revision), so the tests after this one see the ticket as it was.
      const res = await k.act(ticketId, 'answer', { answer: ANSWER }, k.tokens.rsj)
      expect(res.body.asker).toMatchObject({ masked: false })
      expect(await reads()).toBe(before + 1)
    })
  })

  describe('promoting the ticket into the library', () => {
    it("removes the asker's awkward numbers and keeps the unit's own public hotline", async () => {
      const res = await k.call({ method: 'POST', url: `/api/v1/tickets/${ticketId}/promote`, payload: { mode: 'new', submit: false }, token: k.tokens.rsj })
      expect(res.statusCode, res.body).toBe(201)
      const { question, answer } = res.json()
      expect(leaks(question + answer)).toEqual([])
      expect(answer).toContain(`如有疑问请咨询 ${HOTLINE}`)
      expect(question).toContain('[电话]')
      expect(question).toContain('[身份证号]')
    })
  })
})
