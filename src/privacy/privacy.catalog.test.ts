// Walks EVERY GET route of the route catalogue, as every kind of viewer, over a ledger whose asker
// wrote their phone, ID number, e-mail and name in the awkward forms (full-width, dotted, grouped,
// 15 digits) into the question, and whose unit repeated the phone in its answer and a note. A
// route added later is walked without being listed here. The full details may appear only in a
// record's own view (`"masked": false`), and only to a viewer the rule lets see them in full.
// Every event written to the outbox (what webhooks send and integrations poll) is checked as well,
// whatever its type.
// Through the project's loader, so its reader fixes are in place whichever test file loads exceljs first.
import { exceljs } from '../common/exceljs.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleFor, type JsonSchema } from '../plugins/schema-walk.ts'
import { createKit, type Kit } from '../tickets/tickets.testkit.ts'
import { askerAccess, type Viewer } from './privacy.access.ts'
const ExcelJS = exceljs()

const ASKER = { name: '欧阳春花', phone: '13912345678', email: 'chunhua.oy@example.com' }
const QUESTION = '我叫欧阳春花，手机１３９１２３４５６７８，家里也可打139.1234.5678，身份证500101 19900101 1234，'
  + '旧证500101900101123，邮箱chunhua.oy@example.com，请问灵活就业人员社保怎么交？'
const ANSWER = '欧阳春花您好：请携带身份证到区社保窗口办理，办好后我们会致电 139 1234 5678 告知，证件号500101199001011234请核对。'
const SECRETS = ['13912345678', '500101199001011234', '500101900101123', 'chunhua.oy@example.com', '欧阳春花']
const readable = (text: string) => text.normalize('NFKC').replace(/(\d)[\s.\-()]+(?=\d)/g, '$1')
const leaks = (text: string) => SECRETS.filter((s) => readable(text).includes(s))

interface Seen { route: string; url: string; viewer: string; status: number; text: string }

describe('no GET route shows the asker in full to a viewer who may not see them', () => {
  let k: Kit
  const seen: Seen[] = []
  const viewers: { name: string; token: string | undefined; who: Viewer }[] = []
  let registeredBy: { agent: number; integration: number }
  let holdingUnitId: number
  let consultationIds: number[]

  beforeAll(async () => {
    k = await createKit({ integrationRateLimit: 1_000_000 })
    const { auth, units } = k.app.services
    const me = async (token: string | undefined) => (await k.call({ method: 'GET', url: '/api/v1/me', token })).json()
    const integration = (await k.call({ method: 'POST', url: '/api/v1/integrations', payload: { name: '网站公开信箱' } })).json().credentials.token
    const tokens: Record<string, string | undefined> = {
      admin: undefined, agent: k.tokens.agent, otherAgent: k.tokens.agent2, holdingUnit: k.tokens.rsj, otherUnit: k.tokens.ybj,
      reviewer: (await auth.createToken({ role: 'reviewer', name: '初审', reviewStep: 0 })).token, integration, otherIntegration: k.tokens.integration2,
    }
    for (const [name, token] of Object.entries(tokens)) {
      const m = await me(token)
      viewers.push({ name, token, who: { role: m.role, tokenId: m.id, unitId: m.unit ? (await units.requireUnit(m.unit.code)).id : null } })
    }
    holdingUnitId = (await units.requireUnit('rsj')).id
    registeredBy = { agent: viewers.find((v) => v.name === 'agent')!.who.tokenId, integration: viewers.find((v) => v.name === 'integration')!.who.tokenId }

    // An agent's call: to the dispatcher, assigned with a note that repeats the number, answered, promoted.
    const call = await k.submit({ channel: 'hotline', question: QUESTION, asker: ASKER }, k.tokens.agent)
    expect(call.status, JSON.stringify(call.body)).toBe(201)
    const a = call.body.ticket.id
    expect((await k.act(a, 'assign', { unitCode: 'rsj', note: '已电话联系 139-1234-5678，属人社局' })).status).toBe(200)
    expect((await k.act(a, 'answer', { answer: ANSWER }, k.tokens.rsj)).status).toBe(200)
    expect((await k.call({ method: 'POST', url: `/api/v1/tickets/${a}/promote`, payload: { mode: 'new', submit: false }, token: k.tokens.rsj })).statusCode).toBe(201)
    // A letter through the mailbox: answered, replied, closed and published, so every event type fires.
    const letter = await k.submit({ channel: 'mailbox', question: QUESTION, unitCode: 'rsj', asker: ASKER, externalId: 'MB-7' }, integration)
    expect(letter.status, JSON.stringify(letter.body)).toBe(201)
    const b = letter.body.ticket.id
    expect((await k.act(b, 'answer', { answer: ANSWER }, k.tokens.rsj)).status).toBe(200)
    expect((await k.act(b, 'reply', { method: 'email', note: '已回复 chunhua.oy@example.com' })).status).toBe(200)
    expect((await k.act(b, 'close', { note: '办结，联系电话13912345678' })).status).toBe(200)
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7)
    expect((await k.call({ method: 'POST', url: `/api/v1/publications/${month}`, payload: { ticketIds: [b] } })).statusCode).toBe(200)
    // What an agent typed into the matcher, kept in the match log.
    expect((await k.call({ method: 'POST', url: '/api/v1/match', payload: { question: QUESTION }, token: k.tokens.agent2 })).statusCode).toBe(200)
    await k.app.services.search.stop()
    consultationIds = [call.body.consultation.id, letter.body.consultation.id]

    // Every id that exists is a candidate for every :id; every event id for :eventId; months for :month.
    const ids = [...new Set([a, b, ...consultationIds, 1, 2, 3, 4, 5])]
    const eventIds = (await k.app.services.integrations.listEvents({ page: 1, pageSize: 1000 })).items.map((r) => r.id)
    const candidates: Record<string, string[]> = { id: ids.map(String), eventId: eventIds, month: [month] }

    for (const route of k.app.routeCatalog.filter((r) => r.method === 'GET')) {
      const params = Object.keys(((route.schema?.params as JsonSchema | undefined)?.properties) ?? {})
      let urls = [route.url]
      for (const p of params) {
        const values = candidates[p] ?? [String(sampleFor((route.schema!.params as JsonSchema).properties![p]))]
        urls = urls.flatMap((u) => values.map((v) => u.replace(`:${p}`, encodeURIComponent(v))))
      }
      const query = route.schema?.querystring as JsonSchema | undefined
      const base = new URLSearchParams(Object.entries((sampleFor(query) ?? {}) as Record<string, unknown>).map(([key, v]) => [key, String(v)]))
      if (query?.properties?.pageSize) base.set('pageSize', '100')
      const variants = query?.properties?.format?.enum ? (query.properties.format.enum as string[]).map((f) => { const q = new URLSearchParams(base); q.set('format', f); return q }) : [base]
      for (const url of urls) {
        for (const q of variants) {
          const full = q.size ? `${url}?${q}` : url
          for (const v of viewers) {
            const res = await k.call({ method: 'GET', url: full, token: v.token })
            const text = String(res.headers['content-type']).includes('spreadsheetml') ? await sheetText(res.rawPayload) : res.body
            seen.push({ route: route.url, url: full, viewer: v.name, status: res.statusCode, text })
          }
        }
      }
    }
  }, 120_000)
  afterAll(async () => { await k.close() })

  it('walks every GET route of the catalogue as every viewer', () => {
    const routes = new Set(seen.map((s) => s.route))
    expect(routes.size).toBe(k.app.routeCatalog.filter((r) => r.method === 'GET').length)
    for (const must of ['/api/v1/tickets/:id', '/api/v1/consultations/:id', '/api/v1/ledger/export', '/api/v1/events', '/api/v1/match-misses']) expect(routes).toContain(must)
    // The walk reached the data: the record views answered with the seeded asker.
    expect(seen.filter((s) => s.status === 200 && s.text.includes('"masked":false')).length).toBeGreaterThan(0)
  })

  /** Whether the rule lets this viewer see either seeded asker in full, in that record's own view. */
  const mayEverSee = (viewer: Viewer) => [registeredBy.agent, registeredBy.integration]
    .some((by) => askerAccess(viewer, { registeredBy: by, holdingUnitId }, 'record') === 'full')

  it('shows the full details only in a record view, to the viewers the rule names', () => {
    const wrong: string[] = []
    for (const s of seen) {
      const found = leaks(s.text)
      if (found.length === 0) continue
      const viewer = viewers.find((v) => v.name === s.viewer)!.who
      const recordInFull = s.status === 200 && s.text.includes('"masked":false')
      if (!recordInFull || !mayEverSee(viewer)) wrong.push(`${s.viewer} GET ${s.url} (${s.status}): ${found.join(', ')}`)
    }
    expect(wrong).toEqual([])
  })

  it('shows a record in full only on a single-record route, and never to a viewer the rule masks', () => {
    const wrong = seen.filter((s) => s.text.includes('"masked":false'))
      .filter((s) => !s.route.includes('/:') || !mayEverSee(viewers.find((v) => v.name === s.viewer)!.who))
      .map((s) => `${s.viewer} GET ${s.url}`)
    expect(wrong).toEqual([])
    expect(new Set(seen.filter((s) => s.text.includes('"masked":false')).map((s) => s.viewer))).toEqual(new Set(['admin', 'agent', 'holdingUnit']))
  })

  it('keeps the asker out of every event in the outbox, whatever its type', async () => {
    // Every event as the integrations service shows it to the office, with what it sends.
    const { integrations } = k.app.services
    const rows: { type: string; payload: unknown }[] = []
    for (const e of (await integrations.listEvents({ page: 1, pageSize: 1000 })).items) rows.push({ type: e.type, payload: (await integrations.getEvent(e.id)).data })
    const types = new Set(rows.map((r) => r.type))
    for (const t of ['ticket.created', 'ticket.assigned', 'ticket.answered', 'ticket.replied', 'ticket.closed']) expect(types).toContain(t)
    const wrong = rows.filter((r) => leaks(JSON.stringify(r.payload)).length > 0).map((r) => `${r.type}: ${leaks(JSON.stringify(r.payload)).join(', ')}`)
    expect(wrong).toEqual([])
    // What the answer said reached the receiver, masked.
    expect(JSON.stringify(rows.find((r) => r.type === 'ticket.answered')!.payload)).toContain('139****5678')
  })
})

async function sheetText(payload: Buffer): Promise<string> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(payload as unknown as ArrayBuffer)
  const cells: string[] = []
  for (const ws of wb.worksheets) ws.eachRow((row) => row.eachCell((c) => { cells.push(String(c.value)) }))
  return cells.join('\n')
}
