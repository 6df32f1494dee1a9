// Display helpers: times in Asia/Shanghai, and the Chinese labels of the API's codes.
import { labelOf } from './labels'

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
})
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
const weekday = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', weekday: 'short' })

const parts = (f: Intl.DateTimeFormat, d: Date) => Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]))

/** 2025-10-14 23:59 (Beijing time). */
export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const p = parts(dateTime, new Date(iso))
  return `${p.year}-${p.month}-${p.day} ${p.hour === '24' ? '00' : p.hour}:${p.minute}`
}

/** 2025-10-14 (Beijing date). */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const p = parts(dateOnly, new Date(iso))
  return `${p.year}-${p.month}-${p.day}`
}

/** 周二, for a YYYY-MM-DD day. */
export function weekdayOf(day: string): string {
  return weekday.format(new Date(`${day}T12:00:00+08:00`))
}

/** An instant as Beijing wall-clock time with its offset, 2025-10-14T09:30:00+08:00, whatever the browser's zone. */
export function beijingDateTime(d: Date = new Date()): string {
  const p = parts(dateTime, d)
  const seconds = String(d.getUTCSeconds()).padStart(2, '0')
  return `${p.year}-${p.month}-${p.day}T${p.hour === '24' ? '00' : p.hour}:${p.minute}:${seconds}+08:00`
}

/** Today in Beijing, YYYY-MM-DD. */
export function todayInShanghai(): string {
  return fmtDate(new Date().toISOString())
}

// The words for the API's codes come from the service (labels.ts): one definition everywhere.
export const channelLabel = labelOf('channel')
export const replyMethodLabel = labelOf('replyMethod')
export const statusLabel = labelOf('ticketStatus')

export const VALIDITY: Record<string, { label: string; type: 'success' | 'warning' | 'danger' }> = {
  in_force: { label: '现行有效', type: 'success' },
  expired: { label: '已失效', type: 'danger' },
  repealed: { label: '已废止', type: 'danger' },
}

export const ENTRY_STATUS: Record<string, { label: string; type: 'info' | 'warning' | 'success' | 'danger' | 'primary' }> = {
  draft: { label: '草稿', type: 'info' },
  in_review: { label: '审核中', type: 'warning' },
  published: { label: '已发布', type: 'success' },
  archived: { label: '已归档', type: 'danger' },
}

export const VERSION_STATE: Record<string, string> = {
  draft: '草稿', in_review: '审核中', returned: '已退回', published: '已发布', superseded: '已被取代', withdrawn: '已撤回',
}

export const MEDIA_KIND: Record<string, string> = { image: '图解', animation: '动画', video: '短视频', text: '文字解读' }

export const HISTORY_ACTION: Record<string, string> = {
  created: '登记', assign: '交办', reassign: '转办', return: '退回', answer: '答复', answer_revised: '修改答复', public_summary: '修改公开摘要',
  reply: '回复咨询人', close: '办结', promote: '转入问答库', due_recomputed: '重算时限',
  rate: '咨询人评价', rate_changed: '修改评价', redo: '重办', promise: '承诺事项', promise_fulfilled: '承诺办结',
}

export const REVIEW_ACTION: Record<string, string> = {
  submit: '提交审核', approve: '通过', return: '退回', publish: '发布', withdraw: '撤回', archive: '归档', restore: '恢复',
}

export const FIELD_LABEL: Record<string, string> = {
  question: '标准问', similarQuestions: '相似问', answer: '答复口径', keywords: '关键词', topic: '政策领域',
  media: '多媒体', policyDocuments: '政策依据', policyDocumentIds: '政策依据', externalId: '外部编号', unit: '单位',
}

/** Remaining working days as a person reads them. */
export function remainingLabel(days: number | null, overdue: boolean): string {
  if (days === null) return overdue ? '超期回复' : '—'
  if (days < 0) return `已超期 ${-days} 个工作日`
  if (days === 0) return '今日到期'
  return `剩 ${days} 个工作日`
}

/** A media link's text: the kind, then the title, unless the title already starts with the kind (图解：…). */
export function mediaText(kind: string, title: string): string {
  const label = MEDIA_KIND[kind] ?? kind
  return title.startsWith(label) ? title : `${label}·${title}`
}

const DONE: Record<string, string> = { answer: '已提交答复', reply: '已登记回复', return: '已退回', reassign: '已转办', assign: '已交办', close: '已办结', public_summary: '已修改公开摘要' }

/** The message after a ticket action: 已登记回复：ZX20261206-0001. */
export function doneMessage(action: string, number: string): string {
  return `${DONE[action] ?? '已完成'}：${number}`
}

/**
 * Candidates in the order of the confidence they show: the ranker's order and the calibrated
 * confidence can disagree, and a list reading 40% / 22% / 25% looks wrong. Ties keep the ranker's order.
 */
export function byConfidence<T extends { confidence: number }>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => b.confidence - a.confidence)
}
