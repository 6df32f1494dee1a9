// A small district with answers worked out by hand (see stats.routes.test.ts), built through the
// services as a district would build it: units and topics, documents and entries, calls answered at
// once, tickets opened, moved, answered and replied to. The clock (Date only) is set to each
// moment in turn, so every time a service records is the one the hand-worked figures assume.
import { vi } from 'vitest'
import type { Actor } from '../auth/auth.service.ts'
import { ADMIN_TOKEN, type TestApp } from '../../test/app.testkit.ts'
import type { Channel } from '../consultations/consultations.types.ts'
import type { EntryStatus } from '../kb/kb.types.ts'
import type { TicketStatus } from '../tickets/tickets.types.ts'
import { monthsBefore } from '../common/time.ts'

/** 10:00 Asia/Shanghai on an October 2025 day (or any 'YYYY-MM-DD'). */
export const at10 = (date: string) => `${date}T02:00:00.000Z`
/** 16:00 Asia/Shanghai. */
export const at16 = (date: string) => `${date}T08:00:00.000Z`

interface TicketSpec {
  key: string
  unit: 'rsj' | 'wjw' | 'zwb'
  channel: Channel
  kind?: 'question' | 'suggestion'
  question: string
  askerName: string
  askerPhone: string
  received: string
  /** Worked out by hand: the 5th working day after the day of receipt. */
  due: string
  status: TicketStatus
  answered?: string
  replied?: string
  /** The number the ticket gets: the day of receipt and that day's sequence, in the order below. */
  number: string
}

// Working days to reply (from < d ≤ to) are in the comments; October 2025 has 国庆 on 1–8 October,
// and Saturday 11 October is a make-up working day.
export const TICKETS: TicketSpec[] = [
  { key: 'R1', unit: 'rsj', channel: 'hotline', question: '社保卡怎么补办？', askerName: '张三', askerPhone: '13900000001', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-15', replied: '2025-10-15', number: 'ZX20251013-0001' }, // 2 days, on time
  { key: 'R2', unit: 'rsj', channel: 'hotline', question: '请问社保卡如何补办', askerName: '李四', askerPhone: '13900000002', received: '2025-10-13', due: '2025-10-20', status: 'closed', answered: '2025-10-20', replied: '2025-10-20', number: 'ZX20251013-0002' }, // 5, on time (16:00 on the due day)
  { key: 'R3', unit: 'rsj', channel: 'hotline', question: '社保卡补办需要什么材料', askerName: '王五', askerPhone: '13900000003', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-22', replied: '2025-10-22', number: 'ZX20251013-0003' }, // 7, late
  { key: 'R4', unit: 'rsj', channel: 'hotline', question: '我叫赵六，灵活就业人员社保怎么缴纳？电话13812345678', askerName: '赵六', askerPhone: '13812345678', received: '2025-10-14', due: '2025-10-21', status: 'replied', answered: '2025-10-14', replied: '2025-10-14', number: 'ZX20251014-0001' }, // 0, on time
  { key: 'R5', unit: 'rsj', channel: 'hotline', question: '灵活就业人员社保如何缴纳？身份证50011219850312123X', askerName: '孙七', askerPhone: '023-67891234', received: '2025-10-15', due: '2025-10-22', status: 'replied', answered: '2025-10-23', replied: '2025-10-23', number: 'ZX20251015-0001' }, // 6, late
  { key: 'R6', unit: 'rsj', channel: 'hotline', question: '失业保险金领取条件', askerName: '周八', askerPhone: '13900000006', received: '2025-10-16', due: '2025-10-23', status: 'assigned', number: 'ZX20251016-0001' }, // open, overdue now
  { key: 'R7', unit: 'rsj', channel: 'hotline', question: '九月的问题不在十月统计内', askerName: '吴九', askerPhone: '13900000007', received: '2025-09-30', due: '2025-10-14', status: 'replied', answered: '2025-10-09', replied: '2025-10-09', number: 'ZX20250930-0001' }, // outside the period
  { key: 'R8', unit: 'rsj', channel: 'mailbox', question: '高校毕业生就业补贴标准', askerName: '郑十', askerPhone: '13900000008', received: '2025-10-09', due: '2025-10-15', status: 'replied', answered: '2025-10-13', replied: '2025-10-13', number: 'ZX20251009-0001' }, // 3 (10, 11 调休, 13), on time
  { key: 'R9', unit: 'rsj', channel: 'mailbox', question: '创业担保贷款申请流程', askerName: '钱一', askerPhone: '13900000009', received: '2025-10-01', due: '2025-10-14', status: 'replied', answered: '2025-10-10', replied: '2025-10-10', number: 'ZX20251001-0001' }, // 2 (9, 10), on time
  { key: 'R10', unit: 'rsj', channel: 'phone', question: '职称评审申报时间', askerName: '陈二', askerPhone: '13900000010', received: '2025-10-20', due: '2025-10-27', status: 'replied', answered: '2025-10-21', replied: '2025-10-21', number: 'ZX20251020-0001' }, // 1, on time
  { key: 'R11', unit: 'rsj', channel: 'phone', question: '退休年龄怎么计算', askerName: '褚三', askerPhone: '13900000011', received: '2025-10-21', due: '2025-10-28', status: 'replied', answered: '2025-10-24', replied: '2025-10-24', number: 'ZX20251021-0001' }, // 3, on time
  { key: 'R12', unit: 'rsj', channel: 'window', question: '技能培训补贴申领', askerName: '卫四', askerPhone: '13900000012', received: '2025-10-27', due: '2025-11-03', status: 'replied', answered: '2025-10-31', replied: '2025-10-31', number: 'ZX20251027-0001' }, // 4, on time
  { key: 'R13', unit: 'rsj', channel: 'portal', kind: 'suggestion', question: '建议延长社保补缴期限', askerName: '蒋五', askerPhone: '13900000013', received: '2025-10-20', due: '2025-10-27', status: 'answered', answered: '2025-10-24', number: 'ZX20251020-0002' }, // answered, asker not told: overdue now
  { key: 'W1', unit: 'wjw', channel: 'hotline', question: '新生儿医保办理', askerName: '沈六', askerPhone: '13900000014', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-14', replied: '2025-10-14', number: 'ZX20251013-0004' }, // 1, on time
  { key: 'Z1', unit: 'zwb', channel: 'mailbox', question: '宅基地审批流程', askerName: '韩七', askerPhone: '13900000015', received: '2025-10-22', due: '2025-10-29', status: 'registered', number: 'ZX20251022-0001' }, // returned by wjw, overdue now
]

/**
 * The app the fixture needs: the calibrated thresholds of so small a library are too cautious for
 * the mailbox letter to be answered automatically, so the test pins them, as MATCH_THRESHOLD does.
 */
export const STATS_FIXTURE_CONFIG = { matchThreshold: 0.9 }

export interface Fixture {
  unitIds: Record<'zwb' | 'rsj' | 'wjw', number>
  ticketIds: Record<string, number>
  entryIds: Record<string, number>
}

type EntrySpec = { unit: 'rsj' | 'wjw'; topic: string | null; status: EntryStatus; docs?: string[]; publishedMonthsAgo?: number }

const ENTRIES: Record<string, EntrySpec> = {
  E1: { unit: 'rsj', topic: 'employment', status: 'published', docs: ['P1'] },
  E2: { unit: 'wjw', topic: 'medical', status: 'published', publishedMonthsAgo: 13 },
  E3: { unit: 'rsj', topic: 'employment', status: 'published', docs: ['P2'] },
  E4: { unit: 'rsj', topic: 'pension', status: 'published', docs: ['P4'], publishedMonthsAgo: 24 },
  E5: { unit: 'wjw', topic: null, status: 'published', docs: ['P1', 'P2'] },
  E6: { unit: 'rsj', topic: 'birth', status: 'draft' },
  E7: { unit: 'rsj', topic: 'employment', status: 'archived' },
  E8: { unit: 'wjw', topic: 'relief', status: 'published', docs: ['P3'] },
}

/** The answer a unit gives, addressing the asker by name (what de-identification must catch). */
const answerTo = (s: TicketSpec) => `${s.askerName}您好，关于您咨询的问题答复如下。`

export async function loadStatsFixture(t: TestApp): Promise<Fixture> {
  const s = t.app.services
  const admin = await s.auth.authenticate(ADMIN_TOKEN)
  const agent: Actor = await s.auth.authenticate((await s.auth.createToken({ role: 'agent', name: '坐席' })).token)
  const now = new Date()
  vi.useFakeTimers({ now, toFake: ['Date'] })
  const at = (iso: string | Date) => vi.setSystemTime(new Date(iso))
  try {
    const unitIds = {
      zwb: (await s.units.createUnit({ code: 'zwb', name: '区政府办公室' })).id,
      rsj: (await s.units.createUnit({ code: 'rsj', name: '区人力社保局' })).id,
      wjw: (await s.units.createUnit({ code: 'wjw', name: '区卫生健康委' })).id,
    }
    await s.units.createUnit({ code: 'old', name: '已撤销单位', active: false })
    for (const [code, name, required] of [['employment', '就业创业', true], ['medical', '医疗', true], ['pension', '养老', true], ['birth', '生育', true], ['relief', '社会救助', true], ['tourism', '文化旅游', false]] as const) {
      await s.units.createTopic({ code, name, required })
    }

    // P2 and P3 lapse after the entries resting on them are published, as documents do.
    const doc = async (title: string, docNumber: string, expiresOn: string | null = null) =>
      (await s.kb.createDocument({ title, docNumber, issuer: '区人民政府', validity: 'in_force', expiresOn }, admin)).id
    // Entered before P4's 失效日期 (one already past is refused), and never lapsed by the service: the
    // test configuration turns the automatic expiry off (DOCUMENT_EXPIRY_CHECK_MS=0; it would read this
    // faked Date), so P4 stands for a document its unit left 现行有效 past that date.
    at('2024-06-01T02:00:00Z')
    const docs: Record<string, number> = {
      P1: await doc('现行就业政策', '渝北府发〔2024〕1号'),
      P2: await doc('已失效的补贴办法', '渝北府发〔2019〕2号'),
      P3: await doc('已废止的救助办法', '渝北府发〔2018〕3号'),
      P4: await doc('到期未清理的养老办法', '渝北府发〔2022〕4号', '2024-12-31'),
    }
    const entryIds: Record<string, number> = {}
    for (const [key, e] of Object.entries(ENTRIES)) {
      at(monthsBefore(now, e.publishedMonthsAgo ?? 2))
      const { entryIds: [id] } = await s.kb.importEntries({
        entries: [{
          externalId: key, unitCode: e.unit, topic: e.topic, question: `${key} 的标准问`, answer: `${key} 的答复口径`,
          policyDocumentIds: (e.docs ?? []).map((d) => docs[d]), status: e.status === 'draft' ? 'draft' : 'published',
        }],
      }, admin)
      entryIds[key] = id
    }
    at(monthsBefore(now, 1))
    await s.kb.archiveEntry(entryIds.E7, '已并入其他条目', admin)
    await s.kb.updateDocument(docs.P3, { validity: 'repealed' }, admin)
    await s.search.rebuild()

    // Consultations answered at once: four with rsj's entries, one with wjw's, in October; one in
    // September. The mailbox letter is answered by the matcher itself.
    const answered = async (channel: Channel, date: string, entryKey: string) => {
      at(at10(date))
      await s.consultations.submit({ channel, question: `已答复的咨询 ${date}`, answeredEntryId: entryIds[entryKey] }, agent)
    }
    await answered('hotline', '2025-10-10', 'E1')
    await answered('hotline', '2025-10-11', 'E1')
    at(at10('2025-10-12'))
    const automatic = await s.consultations.submit({ channel: 'mailbox', question: 'E1 的标准问' }, agent)
    if (automatic.result.consultation.answeredEntryId !== entryIds.E1 || !automatic.result.consultation.answeredAutomatically) {
      throw new Error('the fixture expects the mailbox letter to be answered automatically with E1')
    }
    await answered('window', '2025-10-13', 'E2')
    await answered('hotline', '2025-10-14', 'E3')
    await answered('hotline', '2025-09-15', 'E2')
    // P2 lapses after E3 answered from it: an entry whose policy has lapsed cannot answer.
    at(monthsBefore(now, 1))
    await s.kb.updateDocument(docs.P2, { validity: 'expired' }, admin)
    await s.search.rebuild()

    // Matcher calls: one none-fitted question that never became a ticket, one that did (R1: counted
    // once), one in September; and two where the agent used E1 (its other two hits).
    const noneFitted = async (question: string, date: string) => {
      at(at10(date))
      const { matchId } = await s.search.match({ question }, agent)
      await s.search.feedback(matchId, { noneFitted: true })
      return matchId
    }
    await noneFitted('社保卡怎么补办？', '2025-10-16')
    await noneFitted('九月没找到的问题', '2025-09-20')
    for (const date of ['2025-10-16', '2025-08-20']) {
      at(at10(date))
      await s.search.feedback((await s.search.match({ question: '找到了答案的问题' }, agent)).matchId, { entryId: entryIds.E1 })
    }

    const ticketIds: Record<string, number> = {}
    for (const spec of TICKETS) {
      at(at10(spec.received))
      // R3 came to rsj from wjw (转办); Z1 was sent back by wjw to the office (退回).
      const firstUnit = spec.key === 'R3' || spec.key === 'Z1' ? 'wjw' : spec.unit
      const matchId = spec.key === 'R1' ? await noneFitted(spec.question, spec.received) : undefined
      const { result } = await s.consultations.submit({
        channel: spec.channel, kind: spec.kind ?? 'question', question: spec.question, openTicket: true, unitCode: firstUnit,
        asker: { name: spec.askerName, phone: spec.askerPhone }, ...(matchId ? { matchId } : {}),
      }, agent)
      const id = result.ticket!.id
      ticketIds[spec.key] = id
      if (spec.key === 'R3') { at(at10('2025-10-14')); await s.tickets.reassign(id, { unitCode: 'rsj', reason: '属人力社保局职责' }, admin) }
      if (spec.key === 'Z1') { at(at10('2025-10-23')); await s.tickets.returnToDispatcher(id, { reason: '不属本单位职责' }, admin) }
      if (spec.answered) {
        at(at16(spec.answered))
        await s.tickets.answer(id, spec.kind === 'suggestion' ? { answer: answerTo(spec), decision: 'adopted', decisionReason: '已纳入年度工作计划' } : { answer: answerTo(spec) }, admin)
      }
      if (spec.replied) {
        at(at16(spec.replied))
        await s.tickets.reply(id, { method: 'phone' }, admin)
      }
      if (spec.status === 'closed') await s.tickets.close(id, {}, admin)
    }
    return { unitIds, ticketIds, entryIds }
  } finally {
    vi.useRealTimers()
  }
}
