import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { entryHitCount } from '../kb/kb.queries.ts'
import { consultations } from './consultations.table.ts'
import { ADMIN_TOKEN } from '../../test/app.testkit.ts'
import { createKit, LIBRARY, type Kit } from '../tickets/tickets.testkit.ts'

// What the intake refuses, whoever sends it: each refusal has its code and names its field, and
// leaves nothing behind (no consultation, no ticket, no hit, no event).
describe('consultation intake: refusals', () => {
  let k: Kit
  let lib: Awaited<ReturnType<Kit['library']>>
  let lapsed: number
  beforeAll(async () => {
    k = await createKit()
    lib = await k.library()
    lapsed = await k.publishEntry({ unitCode: 'ybj', question: '新冠期间医保报销比例减半还执行吗？', answer: '疫情期间门诊费用减半收取。', repealed: true })
  })
  afterAll(async () => { await k.close() })
  beforeEach(() => { k.events.length = 0 })

  const stored = async () => (await k.app.services.db.select().from(consultations)).length
  const tickets = async () => (await k.app.services.tickets.list({ pageSize: 1 }, k.admin)).total
  const hits = async (entryId: number) => (await entryHitCount(k.app.services.db, entryId))!
  /** Submits and checks that the refusal wrote nothing. */
  const refused = async (payload: Record<string, unknown>, token?: string) => {
    const before = { consultations: await stored(), tickets: await tickets() }
    const res = await k.submit(payload, token)
    expect({ consultations: await stored(), tickets: await tickets() }).toEqual(before)
    expect(k.events).toEqual([])
    return res
  }

  describe('an entry whose policy has lapsed cannot answer', () => {
    it('refuses an agent answering with it, naming answeredEntryId, and counts no hit', async () => {
      const before = await hits(lapsed)
      const res = await refused({ channel: 'hotline', question: '新冠期间医保减半还执行吗', answeredEntryId: lapsed })
      expect(res.status).toBe(422)
      expect(res.body).toMatchObject({ code: 'CONSULTATION_ENTRY_NOT_IN_FORCE', details: [{ field: 'answeredEntryId' }] })
      expect(res.body.message).toContain('请登记交办')
      expect(await hits(lapsed)).toBe(before)
    })

    it('refuses the mailbox too, emits no consultation.answered, and a later letter with that externalId is new', async () => {
      const letter = { channel: 'mailbox', question: '新冠期间医保减半还执行吗', externalId: 'MB-LAPSED-1' }
      const res = await refused({ ...letter, answeredEntryId: lapsed }, k.tokens.integration)
      expect(res.status).toBe(422)
      expect(res.body.code).toBe('CONSULTATION_ENTRY_NOT_IN_FORCE')
      // Nothing half-written: the same letter registered properly is a new consultation, ticketed.
      const again = await k.submit({ ...letter, openTicket: true }, k.tokens.integration)
      expect(again.status).toBe(201)
      expect(again.body.consultation).toMatchObject({ outcome: 'ticketed', answeredEntryId: null })
    })

    it('refuses it with an Idempotency-Key as well', async () => {
      const res = await k.call({
        method: 'POST', url: '/api/v1/consultations', token: k.tokens.agent, headers: { 'idempotency-key': 'lapsed-1' },
        payload: { channel: 'hotline', question: '新冠期间医保减半还执行吗', answeredEntryId: lapsed },
      })
      expect(res.statusCode).toBe(422)
      expect(res.json().code).toBe('CONSULTATION_ENTRY_NOT_IN_FORCE')
    })

    it('still answers with an entry in force', async () => {
      const res = await k.submit({ channel: 'hotline', question: '灵活就业怎么交养老保险', answeredEntryId: lib.pension })
      expect(res.status).toBe(201)
      expect(res.body.entry).toMatchObject({ id: lib.pension, inForce: true })
    })
  })

  it('refuses an entry that is not published (a draft, an archived entry), naming answeredEntryId', async () => {
    const draft = await k.app.services.kb.createEntry({ unitCode: 'rsj', question: '草稿中的问题', answer: '尚未审核的答复' }, k.admin)
    const archived = await k.publishEntry({ unitCode: 'jw', question: '已停止服务的问题？', answer: '旧答复。' })
    await k.app.services.kb.archiveEntry(archived, '停止服务', k.admin)
    for (const entryId of [draft.id, archived]) {
      // The office, which reads the whole library, is told why.
      const res = await refused({ channel: 'hotline', question: '问题', answeredEntryId: entryId }, ADMIN_TOKEN)
      expect(res.status).toBe(422)
      expect(res.body).toMatchObject({ code: 'CONSULTATION_ENTRY_NOT_PUBLISHED', details: [{ field: 'answeredEntryId' }] })
      // An agent or a system reads only what is published: to them there is no such entry.
      for (const token of [k.tokens.agent, k.tokens.integration]) {
        const unseen = await refused({ channel: 'mailbox', question: '问题', answeredEntryId: entryId }, token)
        expect(unseen.status).toBe(404)
        expect(unseen.body).toMatchObject({ code: 'CONSULTATION_ENTRY_NOT_FOUND', details: [{ field: 'answeredEntryId' }] })
      }
    }
  })

  describe('a question with nothing to read is refused, by the rule /match uses', () => {
    const match = async (question: string) => (await k.call({ method: 'POST', url: '/api/v1/match', payload: { question }, token: k.tokens.agent })).json()

    it('refuses punctuation only, naming question, whether or not the matcher would run', async () => {
      for (const payload of [
        { channel: 'hotline', question: '？？？', openTicket: true },
        { channel: 'hotline', question: '？？？', unitCode: 'rsj' },
        { channel: 'window', question: '…… ！！', answeredEntryId: lib.pension },
      ]) {
        const res = await refused(payload)
        expect(res.status).toBe(400)
        expect(res.body).toMatchObject({ code: 'CONSULTATION_QUESTION_EMPTY', details: [{ field: 'question' }] })
      }
      expect((await refused({ channel: 'mailbox', question: '？？？！！！', externalId: 'MB-EMPTY' }, k.tokens.integration)).body.code).toBe('CONSULTATION_QUESTION_EMPTY')
    })

    it('agrees with /match on what is empty', async () => {
      for (const question of ['？？？', '!!!…', '🙏🙏🙏', '——·、', '你好？', '社保？', 'A']) {
        const matchEmpty = (await match(question)).code === 'SEARCH_EMPTY_QUESTION'
        const res = await k.submit({ channel: 'hotline', question, unitCode: 'rsj' })
        expect({ question, refused: res.body.code === 'CONSULTATION_QUESTION_EMPTY' }).toEqual({ question, refused: matchEmpty })
      }
    })
  })

  describe('matchId', () => {
    it('refuses a matchId that is not a match id (a UUID), naming it', async () => {
      const res = await refused({ channel: 'hotline', question: '灵活就业怎么交养老保险', answeredEntryId: lib.pension, matchId: 'bad' })
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'matchId' }] })
    })

    it('registers the consultation but keeps no matchId no match has, and labels no match', async () => {
      const unknown = randomUUID()
      const before = await hits(lib.pension)
      const res = await k.submit({ channel: 'hotline', question: '灵活就业怎么交养老保险', answeredEntryId: lib.pension, matchId: unknown })
      expect(res.status).toBe(201)
      expect(res.body.consultation).toMatchObject({ outcome: 'answered', matchId: null })
      expect(await hits(lib.pension)).toBe(before + 1)
      // Feedback on it is still a 404: the consultation created no log for it.
      expect((await k.call({ method: 'POST', url: `/api/v1/match/${unknown}/feedback`, payload: { noneFitted: true }, token: k.tokens.agent })).statusCode).toBe(404)
    })

    it('keeps the match id of a match just made, and the client’s choice not to answer at once from an unknown one', async () => {
      const m = (await k.call({ method: 'POST', url: '/api/v1/match', payload: { question: LIBRARY.pension.question }, token: k.tokens.integration })).json()
      const known = await k.submit({ channel: 'portal', question: LIBRARY.pension.question, matchId: m.matchId }, k.tokens.integration)
      expect(known.body.consultation).toMatchObject({ outcome: 'ticketed', matchId: m.matchId })
      const unknown = randomUUID()
      const res = await k.submit({ channel: 'portal', question: LIBRARY.pension.question, matchId: unknown }, k.tokens.integration)
      expect(res.status).toBe(201)
      expect(res.body.consultation.outcome).toBe('ticketed')
      expect(res.body.consultation.matchId).not.toBe(unknown)
    })
  })

  describe('an integration registers only the channels that reach the service without a desk', () => {
    it('refuses hotline, phone and window from an integration token, naming channel', async () => {
      for (const channel of ['hotline', 'phone', 'window']) {
        const res = await refused({ channel, question: '灵活就业怎么交养老保险', externalId: `MB-CH-${channel}` }, k.tokens.integration)
        expect(res.status).toBe(403)
        expect(res.body).toMatchObject({ code: 'CONSULTATION_CHANNEL_NOT_ALLOWED', details: [{ field: 'channel' }] })
      }
    })

    it('accepts mailbox and portal from an integration, and every channel from an agent', async () => {
      expect((await k.submit({ channel: 'mailbox', question: '路灯坏了找谁？', externalId: 'MB-CH-ok', openTicket: true }, k.tokens.integration)).status).toBe(201)
      expect((await k.submit({ channel: 'portal', question: '路灯坏了找谁？', openTicket: true }, k.tokens.integration)).status).toBe(201)
      for (const channel of ['hotline', 'phone', 'window', 'mailbox']) {
        expect((await k.submit({ channel, question: '路灯坏了找谁？', openTicket: true })).status).toBe(201)
      }
    })
  })
})
