// A small district with answers worked out by hand (see stats.routes.test.ts). Inserted straight
// into the migrated tables, as the tickets and kb modules would have left them.
import { eq } from 'drizzle-orm'
import type { Db } from '../db/client.ts'
import { consultations, ticketEvents, tickets, type TicketStatus } from '../consultations/consultations.table.ts'
import { entries, entryVersionDocuments, entryVersions, policyDocuments, type EntryStatus, type Validity } from '../kb/kb.table.ts'
import { matchLogs } from '../search/search.table.ts'
import { topics, units } from '../units/units.table.ts'
import type { Channel } from '../config.ts'
import { monthsBefore } from '../common/time.ts'

/** 10:00 Asia/Shanghai on an October 2025 day (or any 'YYYY-MM-DD'). */
export const at10 = (date: string) => `${date}T02:00:00.000Z`
/** 16:00 Asia/Shanghai. */
export const at16 = (date: string) => `${date}T08:00:00.000Z`
/** The deadline: 23:59:59 Asia/Shanghai. */
const dueOn = (date: string) => `${date}T15:59:59.000Z`

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
}

// Working days to reply (from < d ≤ to) are in the comments; October 2025 has 国庆 on 1–8 October,
// and Saturday 11 October is a make-up working day.
export const TICKETS: TicketSpec[] = [
  { key: 'R1', unit: 'rsj', channel: 'hotline', question: '社保卡怎么补办？', askerName: '张三', askerPhone: '13900000001', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-15', replied: '2025-10-15' }, // 2 days, on time
  { key: 'R2', unit: 'rsj', channel: 'hotline', question: '请问社保卡如何补办', askerName: '李四', askerPhone: '13900000002', received: '2025-10-13', due: '2025-10-20', status: 'closed', answered: '2025-10-20', replied: '2025-10-20' }, // 5, on time (16:00 on the due day)
  { key: 'R3', unit: 'rsj', channel: 'hotline', question: '社保卡补办需要什么材料', askerName: '王五', askerPhone: '13900000003', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-22', replied: '2025-10-22' }, // 7, late
  { key: 'R4', unit: 'rsj', channel: 'hotline', question: '我叫赵六，灵活就业人员社保怎么缴纳？电话13812345678', askerName: '赵六', askerPhone: '13812345678', received: '2025-10-14', due: '2025-10-21', status: 'replied', answered: '2025-10-14', replied: '2025-10-14' }, // 0, on time
  { key: 'R5', unit: 'rsj', channel: 'hotline', question: '灵活就业人员社保如何缴纳？身份证50011219850312123X', askerName: '孙七', askerPhone: '023-67891234', received: '2025-10-15', due: '2025-10-22', status: 'replied', answered: '2025-10-23', replied: '2025-10-23' }, // 6, late
  { key: 'R6', unit: 'rsj', channel: 'hotline', question: '失业保险金领取条件', askerName: '周八', askerPhone: '13900000006', received: '2025-10-16', due: '2025-10-23', status: 'assigned' }, // open, overdue now
  { key: 'R7', unit: 'rsj', channel: 'hotline', question: '九月的问题不在十月统计内', askerName: '吴九', askerPhone: '13900000007', received: '2025-09-30', due: '2025-10-14', status: 'replied', answered: '2025-10-09', replied: '2025-10-09' }, // outside the period
  { key: 'R8', unit: 'rsj', channel: 'mailbox', question: '高校毕业生就业补贴标准', askerName: '郑十', askerPhone: '13900000008', received: '2025-10-09', due: '2025-10-15', status: 'replied', answered: '2025-10-13', replied: '2025-10-13' }, // 3 (10, 11 调休, 13), on time
  { key: 'R9', unit: 'rsj', channel: 'mailbox', question: '创业担保贷款申请流程', askerName: '钱一', askerPhone: '13900000009', received: '2025-10-01', due: '2025-10-14', status: 'replied', answered: '2025-10-10', replied: '2025-10-10' }, // 2 (9, 10), on time
  { key: 'R10', unit: 'rsj', channel: 'phone', question: '职称评审申报时间', askerName: '陈二', askerPhone: '13900000010', received: '2025-10-20', due: '2025-10-27', status: 'replied', answered: '2025-10-21', replied: '2025-10-21' }, // 1, on time
  { key: 'R11', unit: 'rsj', channel: 'phone', question: '退休年龄怎么计算', askerName: '褚三', askerPhone: '13900000011', received: '2025-10-21', due: '2025-10-28', status: 'replied', answered: '2025-10-24', replied: '2025-10-24' }, // 3, on time
  { key: 'R12', unit: 'rsj', channel: 'window', question: '技能培训补贴申领', askerName: '卫四', askerPhone: '13900000012', received: '2025-10-27', due: '2025-11-03', status: 'replied', answered: '2025-10-31', replied: '2025-10-31' }, // 4, on time
  { key: 'R13', unit: 'rsj', channel: 'portal', kind: 'suggestion', question: '建议延长社保补缴期限', askerName: '蒋五', askerPhone: '13900000013', received: '2025-10-20', due: '2025-10-27', status: 'answered', answered: '2025-10-24' }, // answered, asker not told: overdue now
  { key: 'W1', unit: 'wjw', channel: 'hotline', question: '新生儿医保办理', askerName: '沈六', askerPhone: '13900000014', received: '2025-10-13', due: '2025-10-20', status: 'replied', answered: '2025-10-14', replied: '2025-10-14' }, // 1, on time
  { key: 'Z1', unit: 'zwb', channel: 'mailbox', question: '宅基地审批流程', askerName: '韩七', askerPhone: '13900000015', received: '2025-10-22', due: '2025-10-29', status: 'registered' }, // returned by wjw, overdue now
]

export interface Fixture {
  unitIds: Record<'zwb' | 'rsj' | 'wjw', number>
  ticketIds: Record<string, number>
  entryIds: Record<string, number>
}

export function loadStatsFixture(db: Db): Fixture {
  return db.transaction((tx) => {
    const unitIds = {
      zwb: tx.insert(units).values({ code: 'zwb', name: '区政府办公室' }).returning().get().id,
      rsj: tx.insert(units).values({ code: 'rsj', name: '区人力社保局' }).returning().get().id,
      wjw: tx.insert(units).values({ code: 'wjw', name: '区卫生健康委' }).returning().get().id,
    }
    tx.insert(units).values({ code: 'old', name: '已撤销单位', active: false }).run()

    const topic = (code: string, name: string, required: boolean) => tx.insert(topics).values({ code, name, required }).returning().get().id
    const topicIds = {
      employment: topic('employment', '就业创业', true),
      medical: topic('medical', '医疗', true),
      pension: topic('pension', '养老', true),
      birth: topic('birth', '生育', true),
      relief: topic('relief', '社会救助', true),
      tourism: topic('tourism', '文化旅游', false),
    }

    const doc = (title: string, docNumber: string, validity: Validity, expiresOn: string | null = null) =>
      tx.insert(policyDocuments).values({ title, docNumber, issuer: '区人民政府', validity, expiresOn }).returning().get().id
    const docs = {
      P1: doc('现行就业政策', '渝北府发〔2024〕1号', 'in_force'),
      P2: doc('已失效的补贴办法', '渝北府发〔2019〕2号', 'expired'),
      P3: doc('已废止的救助办法', '渝北府发〔2018〕3号', 'repealed'),
      P4: doc('到期未清理的养老办法', '渝北府发〔2022〕4号', 'in_force', '2024-12-31'),
    }

    const now = new Date()
    const recent = monthsBefore(now, 2).toISOString()
    const entry = (key: string, spec: { unit: keyof typeof unitIds; topic: keyof typeof topicIds | null; status: EntryStatus; hits: number; docs?: (keyof typeof docs)[]; publishedAt?: string }) => {
      const published = spec.status === 'published' || spec.status === 'archived'
      const e = tx.insert(entries).values({
        externalId: key, unitId: unitIds[spec.unit], topicId: spec.topic ? topicIds[spec.topic] : null,
        status: spec.status, hitCount: spec.hits, publishedAt: published ? spec.publishedAt ?? recent : null,
      }).returning().get()
      const v = tx.insert(entryVersions).values({
        entryId: e.id, version: 1, question: `${key} 的标准问`, answer: `${key} 的答复口径`,
        state: published ? 'published' : 'draft', publishedAt: published ? spec.publishedAt ?? recent : null,
      }).returning().get()
      for (const d of spec.docs ?? []) tx.insert(entryVersionDocuments).values({ entryVersionId: v.id, policyDocumentId: docs[d] }).run()
      if (spec.status === 'published') tx.update(entries).set({ publishedVersionId: v.id }).where(eq(entries.id, e.id)).run()
      return e.id
    }
    const entryIds = {
      E1: entry('E1', { unit: 'rsj', topic: 'employment', status: 'published', hits: 5, docs: ['P1'] }),
      E2: entry('E2', { unit: 'wjw', topic: 'medical', status: 'published', hits: 2, publishedAt: monthsBefore(now, 13).toISOString() }),
      E3: entry('E3', { unit: 'rsj', topic: 'employment', status: 'published', hits: 1, docs: ['P2'] }),
      E4: entry('E4', { unit: 'rsj', topic: 'pension', status: 'published', hits: 0, docs: ['P4'], publishedAt: monthsBefore(now, 24).toISOString() }),
      E5: entry('E5', { unit: 'wjw', topic: null, status: 'published', hits: 0, docs: ['P1', 'P2'] }),
      E6: entry('E6', { unit: 'rsj', topic: 'birth', status: 'draft', hits: 0 }),
      E7: entry('E7', { unit: 'rsj', topic: 'employment', status: 'archived', hits: 0 }),
      E8: entry('E8', { unit: 'wjw', topic: 'relief', status: 'published', hits: 0, docs: ['P3'] }),
    }

    // Consultations answered at once: four with rsj's entries, one with wjw's, in October; one in September.
    const answered = (channel: Channel, date: string, entryKey: keyof typeof entryIds, automatic = false) =>
      tx.insert(consultations).values({
        channel, question: `已答复的咨询 ${date}`, receivedAt: at10(date), outcome: 'answered',
        answeredEntryId: entryIds[entryKey], answeredAutomatically: automatic,
      }).run()
    answered('hotline', '2025-10-10', 'E1')
    answered('hotline', '2025-10-11', 'E1')
    answered('mailbox', '2025-10-12', 'E1', true)
    answered('window', '2025-10-13', 'E2')
    answered('hotline', '2025-10-14', 'E3')
    answered('hotline', '2025-09-15', 'E2')

    const ticketIds: Record<string, number> = {}
    TICKETS.forEach((s, i) => {
      const c = tx.insert(consultations).values({
        channel: s.channel, kind: s.kind ?? 'question', question: s.question, askerName: s.askerName, askerPhone: s.askerPhone,
        receivedAt: at10(s.received), outcome: 'ticketed', matchId: s.key === 'R1' ? 'match-r1' : null,
      }).returning().get()
      ticketIds[s.key] = tx.insert(tickets).values({
        number: `ZX${s.received.replaceAll('-', '')}-${String(i + 1).padStart(4, '0')}`,
        consultationId: c.id, unitId: unitIds[s.unit], status: s.status,
        receivedAt: at10(s.received), assignedAt: s.status === 'registered' ? null : at10(s.received),
        workingDays: 5, dueAt: dueOn(s.due),
        answer: s.answered ? `${s.askerName}您好，关于您咨询的问题答复如下。` : null,
        answeredAt: s.answered ? at16(s.answered) : null,
        replyMethod: s.replied ? 'phone' : null,
        repliedAt: s.replied ? at16(s.replied) : null,
        closedAt: s.status === 'closed' ? at16(s.replied!) : null,
        reassignCount: s.key === 'R3' ? 1 : 0,
        returnCount: s.key === 'Z1' ? 1 : 0,
      }).returning().get().id
    })
    // R3 came to rsj from wjw (转办); Z1 was sent back by wjw to the office (退回).
    tx.insert(ticketEvents).values({ ticketId: ticketIds.R3, action: 'reassign', fromStatus: 'assigned', toStatus: 'assigned', fromUnitId: unitIds.wjw, toUnitId: unitIds.rsj, at: at10('2025-10-14') }).run()
    tx.insert(ticketEvents).values({ ticketId: ticketIds.Z1, action: 'return', fromStatus: 'assigned', toStatus: 'registered', fromUnitId: unitIds.wjw, toUnitId: unitIds.zwb, at: at10('2025-10-23') }).run()

    // Matcher calls: one none-fitted question that never became a ticket, one that did (R1: counted once),
    // one in September, and one that fitted.
    const log = (id: string, question: string, date: string, noneFitted: boolean | null) =>
      tx.insert(matchLogs).values({ id, question, matched: false, confidence: 0.2, candidates: [], noneFitted, createdAt: at10(date) }).run()
    log('match-m1', '社保卡怎么补办？', '2025-10-16', true)
    log('match-r1', '社保卡怎么补办？', '2025-10-13', true)
    log('match-sep', '九月没找到的问题', '2025-09-20', true)
    log('match-ok', '找到了答案的问题', '2025-10-16', false)

    return { unitIds, ticketIds, entryIds }
  })
}
