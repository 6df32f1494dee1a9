// One ticket as a row of the 登记台账: what the office files, with the asker's details masked.
import { listedAsker, listedText } from '../privacy/privacy.access.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { shanghaiDateTime } from '../common/time.ts'
// The words for the codes are the owning modules' own, the same as in /tickets and the console.
import { CHANNEL_LABELS, replyMethodLabel } from '../consultations/consultations.labels.ts'
import { RATING_LABELS, TICKET_STATUS_LABELS } from '../tickets/tickets.labels.ts'
// Overdue as the tickets module defines it (C3): replied to after the deadline, or still open with the
// deadline passed. The SQL in stats.repository.ts says the same.
import { isOverdue } from '../tickets/tickets.lifecycle.ts'
import type { LedgerRecord } from '../tickets/tickets.ledger.ts'

// The rows themselves are the tickets module's (tickets.ledger.ts).
export type { LedgerRecord }

export const LEDGER_COLUMNS = [
  { label: '序号', width: 8 },
  { label: '编号', width: 18 },
  { label: '受理时间', width: 17 },
  { label: '渠道', width: 13 },
  { label: '咨询人', width: 10 },
  { label: '联系电话', width: 14 },
  { label: '咨询内容', width: 50 },
  { label: '交办单位', width: 20 },
  { label: '交办时间', width: 17 },
  { label: '办理时限', width: 17 },
  { label: '答复时间', width: 17 },
  { label: '答复内容', width: 50 },
  { label: '回复方式', width: 10 },
  { label: '是否超期', width: 9 },
  { label: '状态', width: 13 },
  { label: '满意度', width: 9 },
  { label: '是否重办', width: 9 },
] as const

export const LEDGER_HEADER = LEDGER_COLUMNS.map((c) => c.label)

// The ledger is a list and its export a file: both are masked for every viewer, by the same
// functions as /tickets (listedText, listedAsker), so a ticket reads the same everywhere.
/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Show = Pick<Awaited<ReturnType<PrivacyService['snapshot']>>, 'show'>

/** The cells of the filed ledger, in order (LEDGER_COLUMNS). */
export function ledgerCells(r: LedgerRecord, seq: number, nowIso: string, privacy: Show): (string | number)[] {
  const asker = listedAsker(r)
  return [
    seq,
    r.number,
    shanghaiDateTime(r.receivedAt),
    CHANNEL_LABELS[r.channel] ?? r.channel,
    asker.name ?? '',
    asker.phone ?? '',
    listedText(privacy, r.question, r),
    r.unitName,
    shanghaiDateTime(r.assignedAt),
    shanghaiDateTime(r.dueAt) + (r.dueAtProvisional ? '（暂定）' : ''),
    // 答复时间 is when the asker was told (the deadline's measure); the unit's answer time is in the JSON view.
    shanghaiDateTime(r.repliedAt),
    listedText(privacy, r.answer ?? '', r),
    replyMethodLabel(r.replyMethod),
    isOverdue(r, nowIso) ? '是' : '否',
    TICKET_STATUS_LABELS[r.status] ?? r.status,
    r.rating ? RATING_LABELS[r.rating] : '',
    r.round > 1 ? '是' : '否',
  ]
}

/** The same row for the console: codes and ISO times, with Chinese labels beside them. */
export function ledgerView(r: LedgerRecord, nowIso: string, privacy: Show) {
  const asker = listedAsker(r)
  return {
    id: r.id,
    number: r.number,
    receivedAt: r.receivedAt,
    channel: r.channel,
    channelLabel: CHANNEL_LABELS[r.channel] ?? r.channel,
    kind: r.kind,
    asker: { name: asker.name, phone: asker.phone },
    question: listedText(privacy, r.question, r),
    unit: { code: r.unitCode, name: r.unitName },
    assignedAt: r.assignedAt,
    dueAt: r.dueAt,
    dueAtProvisional: r.dueAtProvisional,
    answeredAt: r.answeredAt,
    answer: listedText(privacy, r.answer, r),
    replyMethod: r.replyMethod,
    replyMethodLabel: replyMethodLabel(r.replyMethod),
    repliedAt: r.repliedAt,
    overdue: isOverdue(r, nowIso),
    status: r.status,
    statusLabel: TICKET_STATUS_LABELS[r.status] ?? r.status,
    round: r.round,
    redone: r.round > 1,
    rating: r.rating,
    ratingLabel: r.rating ? RATING_LABELS[r.rating] : null,
  }
}

export type LedgerView = ReturnType<typeof ledgerView>
