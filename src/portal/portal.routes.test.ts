import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKit, LIBRARY, type Kit } from '../tickets/tickets.testkit.ts'
import { consultationById } from '../consultations/consultations.queries.ts'
import { entryHitCount } from '../kb/kb.queries.ts'
import { shanghaiDate } from '../common/time.ts'

const HTML = { accept: 'text/html,application/xhtml+xml' }
const form = (fields: Record<string, string>) => ({
  payload: new URLSearchParams(fields).toString(),
  headers: { ...HTML, 'content-type': 'application/x-www-form-urlencoded' },
})
const between = (body: string, a: string, b: string) => body.slice(body.indexOf(a), body.indexOf(b, body.indexOf(a)))

describe('public pages', () => {
  let k: Kit
  let ids: Awaited<ReturnType<Kit['library']>>
  beforeAll(async () => {
    // A pinned threshold: the five-entry library is too small to calibrate the automatic level on.
    k = await createKit({ matchThreshold: 0.5 })
    ids = await k.library()
  })
  afterAll(async () => { await k.close() })
  const get = (url: string, headers: Record<string, string> = HTML) => k.app.inject({ method: 'GET', url, headers })
  const post = (url: string, payload: object) => k.app.inject({ method: 'POST', url, payload })
  const hits = async (entryId: number) => (await entryHitCount(k.app.services.db, entryId))!
  const consultationCount = async () => (await k.app.services.consultations.list({ pageSize: 1 }, k.admin)).total

  it('serves search without a token and puts a confident answer on top, with the question, the unit and the feedback buttons', async () => {
    const res = await get(`/search?q=${encodeURIComponent(LIBRARY.pension.question)}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/html')
    expect(res.headers['set-cookie']).toBeUndefined()
    const top = between(res.body, 'class="answer-top"', '</section>')
    expect(top).toContain(LIBRARY.pension.answer)
    expect(top).toContain('区人力社保局')
    expect(top).toContain('这是否解答了您的问题？')
    expect(top).toContain(`name="entryId" value="${ids.pension}"`)
  })

  it('lists candidates without an answer on top when the match is not confident, and offers to ask', async () => {
    const res = await get(`/search?q=${encodeURIComponent('社保和养老的事情')}`)
    expect(res.body).not.toContain('class="answer-top"')
    expect(res.body).toContain('/ask?q=')
    const none = await get(`/search?q=${encodeURIComponent('？？？')}`)
    expect(none.body).toContain('没有找到相关的问答')
  })

  it('records "yes" for the matcher (query, entry, verdict), counts a use, and keeps only the first verdict', async () => {
    const page = await get(`/search?q=${encodeURIComponent(LIBRARY.unemployment.question)}`)
    const matchId = /name="matchId" value="([^"]+)"/.exec(page.body)![1]!
    const before = await hits(ids.unemployment)
    const yes = await k.app.inject({ method: 'POST', url: '/feedback', ...form({ matchId, entryId: String(ids.unemployment), verdict: 'helpful' }) })
    expect(yes.statusCode).toBe(200)
    expect(yes.body).toContain('感谢您的反馈')
    const rows = (await k.app.services.answerFeedback.list({ entryId: ids.unemployment, page: 1, pageSize: 100 })).items.filter((r) => r.matchId === matchId)
    expect(rows).toMatchObject([{ entryId: ids.unemployment, verdict: 'helpful', channel: 'portal', query: LIBRARY.unemployment.question }])
    expect(rows[0]!.probability).toBeGreaterThanOrEqual(0.5)
    expect(await hits(ids.unemployment)).toBe(before + 1)
    const again = await post('/feedback', { matchId, entryId: String(ids.unemployment), verdict: 'not_helpful' })
    expect(again.json()).toEqual({ recorded: false, verdict: 'not_helpful' })
    const listed = await k.call({ method: 'GET', url: `/api/v1/answer-feedback?entryId=${ids.unemployment}` })
    expect(listed.json()).toMatchObject({ total: 1, summary: { helpful: 1, notHelpful: 0 } })
  })

  it('records "no" as a miss for the library and offers the ask form with the question', async () => {
    const page = await get(`/search?q=${encodeURIComponent(LIBRARY.remote.question)}`)
    const matchId = /name="matchId" value="([^"]+)"/.exec(page.body)![1]!
    const no = await k.app.inject({ method: 'POST', url: '/feedback', ...form({ matchId, entryId: String(ids.remote), verdict: 'not_helpful' }) })
    expect(no.body).toContain(`/ask?person=1&amp;q=${encodeURIComponent(LIBRARY.remote.question)}`)
    expect((await k.app.services.search.listMisses()).items.map((m: { question: string }) => m.question)).toContain(LIBRARY.remote.question)
  })

  it('refuses feedback on an answer it never showed', async () => {
    const res = await post('/feedback', { matchId: 'not-shown', entryId: String(ids.pension), verdict: 'helpful' })
    expect(res.statusCode).toBe(410)
    expect(res.json().code).toBe('PORTAL_FEEDBACK_EXPIRED')
  })

  it('suggests questions of entries in force as one types', async () => {
    const res = await get(`/suggest?q=${encodeURIComponent('失业保险')}`, {})
    expect(res.json().items).toContainEqual({ entryId: ids.unemployment, question: LIBRARY.unemployment.question })
  })

  it('takes a question through the intake as a portal consultation: a ticket number and a lookup code, the status, then the unit\'s answer', async () => {
    const res = await post('/ask', { question: '我在外地交过三年社保，回本区创业能拿补贴吗？', name: '张三', phone: '13812345678', preferredReply: 'sms' })
    expect(res.statusCode).toBe(201)
    const { ticket } = res.json()
    expect(ticket.number).toMatch(/^ZX\d{8}-\d{4}$/)
    expect(ticket.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
    const c = (await consultationById(k.app.services.db, (await k.app.services.consultations.list({ pageSize: 1 }, k.admin)).items[0].id))!
    expect(c).toMatchObject({ channel: 'portal', kind: 'question', askerPhone: '13812345678', preferredReply: 'sms', outcome: 'ticketed' })

    const pending = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number.toLowerCase(), code: ticket.code.replace('-', ' ') }) })
    expect(pending.statusCode).toBe(200)
    expect(pending.headers['cache-control']).toBe('no-store')
    expect(pending.body).toContain('承办单位答复后')
    expect(pending.body).not.toContain('13812345678')

    const ticketId = (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${ticket.number}` })).json().items[0].id
    const held = (await k.ticket(ticketId)).body
    if (held.status === 'registered') expect((await k.act(ticketId, 'assign', { unitCode: 'rsj' })).status).toBe(200)
    else if (held.unit.code !== 'rsj') expect((await k.act(ticketId, 'reassign', { unitCode: 'rsj', reason: '人社业务' })).status).toBe(200)
    const answered = await k.act(ticketId, 'answer', { answer: '张三您好，可以申请。请持营业执照到区就业服务中心办理，有疑问请拨打 13812345678 联系我们。' }, k.tokens.rsj)
    expect(answered.status).toBe(200)
    const replied = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number, code: ticket.code }) })
    const answer = between(replied.body, 'id="ans-h"', '</section>')
    expect(answer).toContain('请持营业执照到区就业服务中心办理')
    expect(replied.body).not.toContain('13812345678')
    expect(replied.body).not.toContain('张三')
    expect(replied.body).toContain('data-slot="rating"')
    // Answered but not yet delivered: nothing to rate yet.
    expect(replied.body).not.toContain('action="/follow/rating"')
    const early = await post('/follow/rating', { number: ticket.number, code: ticket.code, rating: 'satisfied' })
    expect(early.json().code).toBe('RATING_NOT_REPLIED')

    // Delivered: the page offers the rating, and an unsatisfied one sends the ticket back to be redone.
    expect((await k.act(ticketId, 'reply', { method: 'sms' }, k.tokens.agent)).status).toBe(200)
    const delivered = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number, code: ticket.code }) })
    expect(delivered.body).toContain('action="/follow/rating"')
    const wrongCode = await post('/follow/rating', { number: ticket.number, code: 'AAAA-AAAA', rating: 'satisfied' })
    expect(wrongCode.json().code).toBe('PORTAL_LOOKUP_FAILED')
    const rated = await k.app.inject({ method: 'POST', url: '/follow/rating', ...form({ number: ticket.number, code: ticket.code, rating: 'unsatisfied', comment: '材料清单不清楚' }) })
    expect(rated.statusCode, rated.body.slice(rated.body.indexOf('<main'), rated.body.indexOf('<main') + 1500)).toBe(200)
    expect(rated.body).toContain('已记录您的评价：<strong>不满意</strong>')
    const after = (await k.ticket(ticketId)).body
    expect(after).toMatchObject({ status: 'assigned', round: 2 })

    const wrong = await post('/follow', { number: ticket.number, code: 'AAAA-AAAA' })
    expect(wrong.statusCode).toBe(404)
    expect(wrong.json().code).toBe('PORTAL_LOOKUP_FAILED')
    const unknown = await post('/follow', { number: 'ZX20200101-0001', code: ticket.code })
    expect(unknown.json().code).toBe('PORTAL_LOOKUP_FAILED')
  })

  it('shows the code on the page once, and the same page again when the same form is sent twice', async () => {
    const askPage = await get('/ask?q=' + encodeURIComponent('预填的问题'))
    expect(askPage.headers['cache-control']).toBe('no-store')
    expect(askPage.body).toContain('>预填的问题</textarea>')
    const nonce = /name="nonce" value="([^"]+)"/.exec(askPage.body)![1]!
    const fields = { nonce, question: '残疾人就业有哪些扶持政策，去哪里咨询？', preferredReply: 'mailbox' }
    const first = await k.app.inject({ method: 'POST', url: '/ask', ...form(fields) })
    expect(first.statusCode).toBe(201)
    const code = /class="code-value">([^<]+)</.exec(first.body)![1]
    const count = await consultationCount()
    const second = await k.app.inject({ method: 'POST', url: '/ask', ...form(fields) })
    expect(/class="code-value">([^<]+)</.exec(second.body)![1]).toBe(code)
    expect(await consultationCount()).toBe(count)
    // The same question again from the same address, in a new form: a duplicate, named by its number.
    const dup = await post('/ask', { question: '残疾人就业有哪些扶持政策，去哪里咨询？' })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'PORTAL_DUPLICATE', details: [{ field: 'question', number: expect.stringMatching(/^ZX\d{8}-\d{4}$/) }] })
    expect(dup.json().message).toMatch(/ZX\d{8}-\d{4}/)
    // A browser gets the form again, the question marked and the earlier number said beside it.
    const page = await k.app.inject({ method: 'POST', url: '/ask', ...form({ question: '残疾人就业有哪些扶持政策，去哪里咨询？' }) })
    expect(page.statusCode).toBe(409)
    expect(page.body).toMatch(/问题：您在 24 小时内已提交过相同的问题（编号 ZX\d{8}-\d{4}）/)
    expect(page.body).toContain('id="question-error"')
  })

  it('follows and rates a ticket opened by an agent or by the mailbox with the code the asker was told', async () => {
    const hotline = await k.submit({ channel: 'hotline', question: '灵活就业人员社保补贴在哪里申请？', unitCode: 'rsj', openTicket: true })
    const mailbox = await k.submit({ channel: 'mailbox', question: '外地户籍孩子入学需要什么材料？', unitCode: 'jw', externalId: 'MB-FOLLOW-1', openTicket: true }, k.tokens.integration)
    expect([hotline.status, mailbox.status]).toEqual([201, 201])
    for (const { ticket } of [hotline.body, mailbox.body]) {
      // One code for the phone, the mailbox's letter and the page: eight symbols, in two groups of four.
      expect(ticket.lookupCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/)
      const followed = await post('/follow', { number: ticket.number, code: ticket.lookupCode })
      expect(followed.statusCode, followed.body).toBe(200)
      expect(followed.json()).toMatchObject({ number: ticket.number, statusName: expect.any(String) })
      const page = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number, code: ticket.lookupCode.toLowerCase().replace('-', '') }) })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('办理进度')
      expect((await post('/follow', { number: ticket.number, code: 'AAAA-AAAA' })).json().code).toBe('PORTAL_LOOKUP_FAILED')
    }
    const id = hotline.body.ticket.id as number
    expect((await k.act(id, 'answer', { answer: '向区就业服务中心申请。' }, k.tokens.rsj)).status).toBe(200)
    expect((await k.act(id, 'reply', { method: 'phone' }, k.tokens.agent)).status).toBe(200)
    const rated = await post('/follow/rating', { number: hotline.body.ticket.number, code: hotline.body.ticket.lookupCode, rating: 'satisfied' })
    expect(rated.statusCode, rated.body).toBe(200)
    expect((await k.ticket(id)).body.rating).toMatchObject({ rating: 'satisfied', source: 'public' })
  })

  it('shows the deadline as the end of its day, as the console does', async () => {
    // Received Tuesday 30 September 2025: the 5th working day after it is Tuesday 14 October (国庆), due 23:59:59 that day.
    const { ticket } = (await k.submit({ channel: 'hotline', question: '失业金怎么领？', unitCode: 'rsj', receivedAt: '2025-09-30T02:00:00Z' })).body
    expect(ticket.dueAt).toBe('2025-10-14T15:59:59.000Z')
    const page = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number, code: ticket.lookupCode }) })
    expect(page.body).toContain('<dt>答复期限</dt><dd>2025年10月14日 23:59 截止</dd>')
    expect(page.body).not.toContain('10月14日前')
  })

  it('rates a ticket asked on the pages through the rating API with the code the page showed', async () => {
    const res = await post('/ask', { question: '个体户的营业执照丢了，创业补贴还能申请吗？', preferredReply: 'mailbox', person: '1' })
    expect(res.statusCode, res.body).toBe(201)
    const { ticket } = res.json()
    const id = (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${ticket.number}` })).json().items[0].id as number
    const held = (await k.ticket(id)).body
    if (held.status === 'registered') expect((await k.act(id, 'assign', { unitCode: 'rsj' })).status).toBe(200)
    else if (held.unit.code !== 'rsj') expect((await k.act(id, 'reassign', { unitCode: 'rsj', reason: '人社业务' })).status).toBe(200)
    expect((await k.act(id, 'answer', { answer: '可以申请，先补办营业执照。' }, k.tokens.rsj)).status).toBe(200)
    expect((await k.act(id, 'reply', { method: 'mailbox' }, k.tokens.agent)).status).toBe(200)
    const rated = await k.call({ method: 'POST', url: '/api/v1/ratings/by-lookup', payload: { number: ticket.number, lookupCode: ticket.code, rating: 'basically_satisfied' } })
    expect(rated.statusCode, rated.body).toBe(200)
    expect(rated.json()).toMatchObject({ ticketId: id, source: 'public', rating: 'basically_satisfied' })
    // Staff never see a code that only the asker holds.
    expect((await k.ticket(id, k.tokens.agent)).body.lookupCode).toBeNull()
  })

  it('answers a browser asking for a page that does not exist with a page, and scripts and API paths with JSON', async () => {
    const page = await get('/no-such-page?x=1')
    expect(page.statusCode).toBe(404)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.headers['x-error-code']).toBe('ROUTE_NOT_FOUND')
    expect(page.headers['cache-control']).toBe('no-store')
    expect(page.body).toContain('<h1>没有找到</h1>')
    expect(page.body).toContain('/assets/portal.css')
    expect(page.body).toContain('<meta name="robots" content="noindex')
    // A form's address opened by hand: a page too, still saying which method it takes.
    const form = await get('/follow/rating')
    expect([form.statusCode, form.headers['content-type'], form.headers['x-error-code'], form.headers.allow]).toEqual([405, 'text/html; charset=utf-8', 'METHOD_NOT_ALLOWED', 'POST'])
    const script = await get('/no-such-page', {})
    expect([script.statusCode, script.json().code]).toEqual([404, 'ROUTE_NOT_FOUND'])
    for (const url of ['/api/v1/no-such-thing', '/api/no-such-thing']) {
      const api = await get(url)
      expect([api.statusCode, api.headers['content-type'], api.json().code]).toEqual([404, 'application/json; charset=utf-8', 'ROUTE_NOT_FOUND'])
    }
  })

  it('says in plain Chinese what is wrong with a page address that cannot be read, never a field name', async () => {
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(new Date())
    const cases = [
      ['/qa/abc', '没有这条问答'], ['/documents/abc', '没有这份政策文件'], ['/topics/ABC!', '没有这个政策领域'],
      ['/replies/2026-13', `月份应为 ${month} 这样的年月`], ['/topics/employment?page=x', '页码应为从 1 开始的数字'],
    ] as const
    for (const [url, says] of cases) {
      const page = await get(url)
      expect(page.statusCode, url).toBe(400)
      expect(page.headers['content-type'], url).toContain('text/html')
      const lead = /<p class="lead">([^<]*)<\/p>/.exec(page.body)?.[1]
      expect(lead, url).toContain(says)
      expect(lead!.split(says), url).toHaveLength(2) // said once
      expect(lead, url).not.toMatch(/[a-z]{2,}|格式不正确/)
    }
  })

  it('answers at once from the library when the match is confident, and lets the asker ask a person instead', async () => {
    const res = await post('/ask', { question: LIBRARY.startup.question })
    expect(res.json()).toMatchObject({ outcome: 'answered', entry: { id: ids.startup, url: `/qa/${ids.startup}` } })
    const page = await k.app.inject({ method: 'POST', url: '/ask', ...form({ question: `${LIBRARY.startup.question} ` }) })
    expect(page.body).toContain('已为您找到答复')
    expect(page.body).toContain(`/ask?person=1&amp;q=${encodeURIComponent(LIBRARY.startup.question)}`)
    const person = await post('/ask', { question: LIBRARY.startup.question, person: '1' })
    expect(person.json().outcome).toBe('ticketed')
  })

  it('refuses robots, empty and oversized questions with the field named in Chinese, and shows the form again', async () => {
    const robot = await post('/ask', { question: '正常的问题内容是什么', website: 'http://spam.example' })
    expect(robot.json()).toMatchObject({ code: 'PORTAL_SPAM_SUSPECTED', details: [{ field: 'website' }] })
    const short = await k.app.inject({ method: 'POST', url: '/ask', ...form({ question: '社保', phone: '12345', name: '李四' }) })
    expect(short.statusCode).toBe(400)
    expect(short.headers['x-error-code']).toBe('PORTAL_INVALID_INPUT')
    expect(short.body).toContain('问题：问题太短')
    expect(short.body).toContain('联系电话：联系电话格式不正确')
    expect(short.body).toMatch(/id="question"[^>]*aria-invalid="true"/)
    expect(short.body).toContain('value="李四"')
    const long = await k.app.inject({ method: 'POST', url: '/ask', ...form({ question: '长'.repeat(2001) }) })
    expect(long.statusCode).toBe(400)
    expect(long.body).toContain('问题不能超过 2000 个字')
    const huge = await k.app.inject({ method: 'POST', url: '/ask', ...form({ question: '长'.repeat(30_000) }) })
    expect(huge.statusCode).toBe(413)
    const json = await post('/ask', { question: '   ' })
    expect(json.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'question' }] })
  })

  it('refuses what /match and the intake refuse as empty (punctuation, symbols), naming the question, and registers nothing', async () => {
    const before = await consultationCount()
    for (const question of ['？？？？？？', '！！！……。。。', '🙏🙏🙏🙏🙏']) {
      const matched = await k.call({ method: 'POST', url: '/api/v1/match', payload: { question }, token: k.tokens.agent })
      expect(matched.json().code).toBe('SEARCH_EMPTY_QUESTION')
      const res = await post('/ask', { question })
      expect(res.statusCode).toBe(400)
      expect(res.json()).toMatchObject({ code: 'PORTAL_INVALID_INPUT', details: [{ field: 'question' }] })
    }
    expect(await consultationCount()).toBe(before)
  })

  it('serves an entry page with its unit, documents and related entries, cacheable; a lapsed one under a 政策已失效 notice, not indexed', async () => {
    const res = await get(`/qa/${ids.pension}`)
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    expect(res.headers.vary).toContain('Cookie')
    expect(res.body).toContain(`<title>${LIBRARY.pension.question}`)
    expect(res.body).toContain('相关问答')
    expect(res.body).not.toContain('政策已失效')
    const lapsed = await k.publishEntry({ unitCode: 'rsj', topicCode: 'employment', question: '疫情期间的稳岗返还还能申请吗？', answer: '按 2020 年的办法申请。', repealed: true })
    const page = await get(`/qa/${lapsed}`)
    expect(page.body).toContain('政策已失效')
    expect(page.body).toContain('<meta name="robots" content="noindex">')
    expect(page.body).toContain('已废止')
    // Never offered as the answer, and listed after the entries in force.
    const search = await get(`/search?q=${encodeURIComponent('疫情期间的稳岗返还还能申请吗？')}`)
    expect(search.body).not.toContain('class="answer-top"')
    const missing = await get('/qa/999999')
    expect(missing.statusCode).toBe(404)
    expect(missing.body).toContain('PORTAL_ENTRY_NOT_FOUND')
  })

  it('stops serving an entry page as soon as the entry is archived, although pages are cached', async () => {
    const id = await k.publishEntry({ unitCode: 'ybj', topicCode: 'medical', question: '门诊慢特病怎么申请认定？', answer: '到定点医院提交病历资料，由医保经办机构组织认定。' })
    expect((await get(`/qa/${id}`)).statusCode).toBe(200)
    expect((await get('/')).body).toContain('医疗')
    const archived = await k.call({ method: 'POST', url: `/api/v1/entries/${id}/archive`, payload: { comment: '政策调整' } })
    expect(archived.statusCode).toBe(200)
    await new Promise((r) => setTimeout(r, 20))
    expect((await get(`/qa/${id}`)).statusCode).toBe(404)
  })

  it('browses topics by how often their questions were asked', async () => {
    // Fifty uses of the startup entry, counted as the intake counts them.
    const { db, search } = k.app.services
    await db.transaction(async (tx) => { for (let i = 0; i < 50; i++) await search.recordHit(tx, ids.startup) })
    const res = await get('/topics/employment')
    expect(res.statusCode).toBe(200)
    const list = between(res.body, '<ol class="entries">', '</ol>')
    expect(list.indexOf(LIBRARY.startup.question)).toBeLessThan(list.indexOf(LIBRARY.pension.question))
    expect((await get('/topics')).body).toContain('/topics/medical')
    expect((await get('/topics/nope')).statusCode).toBe(404)
  })

  it('keeps the large-type mode in one cookie, set only when asked for', async () => {
    const set = await k.app.inject({ method: 'POST', url: '/display', ...form({ display: 'large', back: '/topics' }) })
    expect(set.statusCode).toBe(303)
    expect(set.headers.location).toBe('/topics')
    expect(String(set.headers['set-cookie'])).toContain('pqa_display=large')
    const page = await get('/topics', { ...HTML, cookie: 'pqa_display=large' })
    expect(page.body).toContain('<html lang="zh-CN" class="large">')
    expect(page.body).toContain('aria-pressed="true"')
    const offsite = await post('/display', { display: 'large', back: '//evil.example/' })
    expect(offsite.statusCode).toBe(400)
  })

  it('publishes a month\'s replies from the first day of the next month, each month with the tickets received in it', async () => {
    const { tickets, publications } = k.app.services
    const replied = async (question: string, answer: string, dates: { receivedAt?: string; repliedAt?: string } = {}) => {
      const id = (await k.submit({ channel: 'hotline', question, ...(dates.receivedAt ? { receivedAt: dates.receivedAt } : {}), unitCode: 'rsj', openTicket: true })).body.ticket.id as number
      await tickets.answer(id, { answer }, k.admin)
      await tickets.reply(id, { method: 'phone', ...(dates.repliedAt ? { repliedAt: dates.repliedAt } : {}) }, k.admin)
      return id
    }
    const october = await replied('咨询社保卡补办方式', '持身份证到银行网点补办。', { receivedAt: '2025-10-09T10:00:00+08:00', repliedAt: '2025-10-11T10:00:00+08:00' })
    // Received at 00:30 on 1 November, Beijing time (31 October in UTC): November's.
    const november = await replied('十一月一日凌晨的留言', '十一月的答复', { receivedAt: '2025-11-01T00:30:00+08:00', repliedAt: '2025-11-03T10:00:00+08:00' })
    const current = shanghaiDate(new Date()).slice(0, 7)
    const [year, mon] = current.split('-').map(Number)
    const previous = mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`
    const thisMonth = await replied('本月受理的留言', '本月的答复')

    await expect(publications.select('2025-10', [october, november], k.admin)).rejects.toMatchObject({ code: 'PUBLICATION_TICKET_WRONG_MONTH' })
    // A ticket received earlier may go on a later month's list (received in October, replied in November).
    const late = await replied('十月底的留言', '十一月才答复', { receivedAt: '2025-10-30T10:00:00+08:00', repliedAt: '2025-11-12T10:00:00+08:00' })
    await publications.select('2025-11', [late], k.admin)
    // D6: this month's ticket on last month's list, which is public already, would be public at once.
    await expect(publications.select(previous, [thisMonth], k.admin)).rejects.toMatchObject({ code: 'PUBLICATION_TICKET_WRONG_MONTH' })
    await publications.select('2025-10', [october], k.admin)
    await publications.select('2025-11', [november], k.admin)
    await publications.select(current, [thisMonth], k.admin)

    const index = await get('/replies')
    expect(index.body).toContain('/replies/2025-10')
    expect(index.body).toContain('/replies/2025-11')
    expect(index.body).not.toContain(`/replies/${current}`)
    const month = await get('/replies/2025-10')
    for (const text of ['咨询社保卡补办方式', '2025年10月9日', '2025年10月11日', '区人力社保局', '持身份证到银行网点补办。']) expect(month.body).toContain(text)
    expect(month.body).not.toContain('十一月')
    expect((await get('/replies/2025-11')).body).toContain('2025年11月1日')
    // The month still running stays private until it is over, and nothing of it shows on a past month.
    expect((await get(`/replies/${current}`)).statusCode).toBe(404)
    expect((await get(`/replies/${previous}`)).statusCode).toBe(404)
  })

  it('takes a suggestion on a document as a suggestion ticket for its drafting unit and publishes the decision and reason', async () => {
    const docId = await k.policyDocument('rsj', '渝兴区就业创业补贴实施办法')
    const page = await get(`/documents/${docId}`)
    expect(page.body).toContain('对这份文件提出意见建议')
    const res = await post(`/documents/${docId}/suggestions`, { question: '建议把创业补贴的申请期限从一年延长到两年。', name: '王五', phone: '13900001111' })
    expect(res.statusCode).toBe(201)
    const ticketId = (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${res.json().ticket.number}` })).json().items[0].id
    const t = (await k.ticket(ticketId)).body
    expect(t.unit.code).toBe('rsj')
    await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'partially_adopted', decisionReason: '申请期限延长至十八个月，王五的其他意见另行研究。' }, k.tokens.rsj)
    const after = await get(`/documents/${docId}`)
    const outcomes = between(after.body, 'id="o-h"', '</section>')
    expect(outcomes).toContain('部分采纳')
    expect(outcomes).toContain('申请期限延长至十八个月')
    expect(outcomes).not.toContain('王五')
    expect(outcomes).not.toContain('13900001111')
    await k.app.services.kb.updateDocument(docId, { validity: 'expired' }, k.admin)
    const closed = await post(`/documents/${docId}/suggestions`, { question: '建议继续执行这个办法。' })
    expect(closed.json().code).toBe('PORTAL_DOCUMENT_CLOSED')
  })

  // Trial 2, H1: what a suggestion holds goes public only as a summary the unit saw, and may write or correct.
  const personal = '建议增加学位。联系我QQ 987654321，微信 liuxm_2020，手机一五九九八七六五四三二，护照号E98765432，我儿子张子涵在龙溪小学读三年级。'
  const leaks = /987654321|liuxm_2020|一五九九八七六五四三二|E98765432|张子涵/
  const suggest = async (docId: number, question: string) => {
    const res = await post(`/documents/${docId}/suggestions`, { question })
    expect(res.statusCode).toBe(201)
    return (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${res.json().ticket.number}` })).json().items[0].id as number
  }
  const outcomesOf = async (docId: number) => between((await get(`/documents/${docId}`)).body, 'id="o-h"', '</section>')

  it('shows the unit, before it decides, the de-identified summary that will be public, and publishes only that (trial 2, H1)', async () => {
    const docId = await k.policyDocument('rsj', '渝兴区学位保障办法')
    const ticketId = await suggest(docId, personal)
    const before = (await k.ticket(ticketId, k.tokens.rsj)).body.suggestion
    expect(before).toMatchObject({ publicSummaryConfirmed: false })
    expect(before.publicSummary).toContain('建议增加学位')
    expect(before.publicSummary).not.toMatch(leaks)
    const answered = await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'partially_adopted', decisionReason: '部分采纳。' }, k.tokens.rsj)
    expect(answered.status).toBe(200)
    expect(answered.body.suggestion).toMatchObject({ publicSummary: before.publicSummary, publicSummaryConfirmed: true })
    const outcomes = await outcomesOf(docId)
    expect(outcomes).toContain('建议增加学位')
    expect(outcomes).not.toMatch(leaks)
  })

  it('publishes the summary the unit writes with its decision, and the one it corrects afterwards (trial 2, H1)', async () => {
    const docId = await k.policyDocument('rsj', '渝兴区托育补贴办法')
    const ticketId = await suggest(docId, '我姓郑，郑秀兰，出生日期1985年3月12日，建议托育补贴按月发放。邮箱zxl(at)163.com')
    const answered = await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'adopted', decisionReason: '已按月发放。', publicSummary: '建议托育补贴按月发放。' }, k.tokens.rsj)
    expect(answered.body.suggestion.publicSummary).toBe('建议托育补贴按月发放。')
    let outcomes = await outcomesOf(docId)
    expect(outcomes).toContain('建议托育补贴按月发放。')
    expect(outcomes).not.toMatch(/郑|1985|zxl/)
    const put = (id: number, publicSummary: string, token?: string) =>
      k.call({ method: 'PUT', url: `/api/v1/tickets/${id}/public-summary`, payload: { publicSummary }, token })
    const corrected = await put(ticketId, '建议将托育补贴改为按月发放。', k.tokens.rsj)
    expect(corrected.statusCode).toBe(200)
    expect(corrected.json().history.at(-1)).toMatchObject({ action: 'public_summary' })
    outcomes = await outcomesOf(docId)
    expect(outcomes).toContain('建议将托育补贴改为按月发放。')
    expect(outcomes).not.toContain('建议托育补贴按月发放。')
    // Another unit may not; a suggestion not yet decided, and a question, have no summary to correct.
    expect((await put(ticketId, '改', k.tokens.ybj)).statusCode).toBe(404)
    const undecided = await suggest(docId, '建议增加托育机构。')
    expect((await put(undecided, '建议增加托育机构。', k.tokens.rsj)).json().code).toBe('TICKET_SUGGESTION_UNDECIDED')
    const question = (await post('/ask', { question: '托育补贴按月发吗，在哪里申请' })).json().ticket.number
    const questionId = (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${question}` })).json().items[0].id
    expect((await put(questionId, '摘要')).json()).toMatchObject({ code: 'TICKET_DECISION_NOT_APPLICABLE' })
  })

  it('de-identifies the summary the unit writes before publishing it, as it does the reason (review 21, M1)', async () => {
    const docId = await k.policyDocument('rsj', '渝兴区养老服务补贴办法')
    const res = await post(`/documents/${docId}/suggestions`, { question: '建议提高养老服务补贴。', name: '钱秀英', phone: '13900002222' })
    const ticketId = (await k.call({ method: 'GET', url: `/api/v1/tickets?q=${res.json().ticket.number}` })).json().items[0].id
    const written = '钱秀英建议提高养老服务补贴，电话13900002222，我儿子张子涵在龙溪小学读书。'
    const answered = await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'not_adopted', decisionReason: '另行研究。', publicSummary: written }, k.tokens.rsj)
    expect(answered.status).toBe(200)
    let outcomes = await outcomesOf(docId)
    expect(outcomes).toContain('建议提高养老服务补贴')
    expect(outcomes).not.toMatch(/钱秀英|13900002222|张子涵/)
    const corrected = await k.call({ method: 'PUT', url: `/api/v1/tickets/${ticketId}/public-summary`, payload: { publicSummary: `${written}（更正）` }, token: k.tokens.rsj })
    expect(corrected.statusCode).toBe(200)
    outcomes = await outcomesOf(docId)
    expect(outcomes).toContain('（更正）')
    expect(outcomes).not.toMatch(/钱秀英|13900002222|张子涵/)
  })

  it('refuses a summary of punctuation only, with the answer and on its own, naming publicSummary (review 21, L1)', async () => {
    const docId = await k.policyDocument('rsj', '渝兴区公共租赁住房办法')
    const ticketId = await suggest(docId, '建议扩大公租房保障范围。')
    const refused = await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'adopted', decisionReason: '已采纳。', publicSummary: '？？？' }, k.tokens.rsj)
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ code: 'TICKET_ANSWER_EMPTY', details: [{ field: 'publicSummary' }] })
    expect((await k.ticket(ticketId, k.tokens.rsj)).body.suggestion.publicSummaryConfirmed).toBe(false)
    expect((await k.act(ticketId, 'answer', { answer: '感谢建议。', decision: 'adopted', decisionReason: '已采纳。' }, k.tokens.rsj)).status).toBe(200)
    const put = await k.call({ method: 'PUT', url: `/api/v1/tickets/${ticketId}/public-summary`, payload: { publicSummary: '。。 ！' }, token: k.tokens.rsj })
    expect(put.statusCode).toBe(400)
    expect(put.json()).toMatchObject({ code: 'TICKET_ANSWER_EMPTY', details: [{ field: 'publicSummary' }] })
    expect(await outcomesOf(docId)).toContain('建议扩大公租房保障范围。')
  })

  it("shows the asker's own question de-identified on the follow page (trial 2, M1.3)", async () => {
    const res = await post('/ask', { question: '娃儿明年读小学。联系一三九零八零八一二三四，微信号zhoumin_88，护照E12345678，车牌渝A12345。老人李秀英75岁，住在渝兴区龙溪街道花园路12号3单元502' })
    const { ticket } = res.json()
    const page = await k.app.inject({ method: 'POST', url: '/follow', ...form({ number: ticket.number, code: ticket.code }) })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('娃儿明年读小学')
    expect(page.body).not.toMatch(/一三九零八零八一二三四|zhoumin_88|E12345678|渝A12345|李秀英|花园路|502/)
  })
})

describe('public pages: limits per address', () => {
  let k: Kit
  beforeAll(async () => { k = await createKit({ portalLimits: { askPerHour: 2, readsPerMinute: 10 } }) })
  afterAll(async () => { await k.close() })

  it('refuses the third question in an hour from one address with 429 and a Chinese message, and counts addresses apart', async () => {
    const ask = (question: string, ip = '203.0.113.7') => k.app.inject({ method: 'POST', url: '/ask', payload: { question }, remoteAddress: ip })
    expect((await ask('第一个问题：公积金怎么提取')).statusCode).toBe(201)
    expect((await ask('第二个问题：医保怎么转移')).statusCode).toBe(201)
    const third = await ask('第三个问题：社保卡怎么办理')
    expect(third.statusCode).toBe(429)
    expect(third.json().code).toBe('RATE_LIMITED')
    expect(third.json().message).toMatch(/[\u4e00-\u9fff]/)
    expect(third.headers['retry-after']).toBeDefined()
    expect((await ask('第三个问题：社保卡怎么办理', '198.51.100.9')).statusCode).toBe(201)
  })

  it('limits page views too, and answers a browser with a page', async () => {
    let last
    for (let i = 0; i < 11; i++) last = await k.app.inject({ method: 'GET', url: '/topics', headers: HTML, remoteAddress: '203.0.113.8' })
    expect(last!.statusCode).toBe(429)
    expect(last!.headers['content-type']).toContain('text/html')
    expect(last!.body).toContain('操作过于频繁')
  })
})
