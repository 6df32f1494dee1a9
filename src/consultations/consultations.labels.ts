// The words people read for a consultation's codes: its channel, its kind and how the asker is
// answered. The one definition: the API's views, the ledger and its exports, the statistics and the
// console (through GET /api/v1/meta/labels) all read these.
import type { Channel } from './consultations.types.ts'
import type { ConsultationKind } from './consultations.types.ts'

/** In the order the channels are listed everywhere (config.ts CHANNELS). */
export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  hotline: '12345热线',
  phone: '部门电话',
  mailbox: '公开信箱',
  window: '综合咨询窗口',
  portal: '政务公开专区',
}

export const KIND_LABELS: Readonly<Record<ConsultationKind, string>> = { question: '咨询', suggestion: '建议' }

/** How the asker is (or wants to be) answered: ReplyMethodSchema's codes. */
export const REPLY_METHOD_LABELS = {
  phone: '电话',
  sms: '短信',
  email: '电子邮件',
  mailbox: '网站信箱',
  letter: '信函',
  in_person: '当面',
  other: '其他',
} as const satisfies Record<string, string>

export type ReplyMethod = keyof typeof REPLY_METHOD_LABELS
export const REPLY_METHODS = Object.keys(REPLY_METHOD_LABELS) as ReplyMethod[]

/** A reply method in Chinese; free text recorded before the codes existed passes through. */
export function replyMethodLabel(method: string | null | undefined): string {
  if (!method) return ''
  return (REPLY_METHOD_LABELS as Record<string, string>)[method] ?? method
}
