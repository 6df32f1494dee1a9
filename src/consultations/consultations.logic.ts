// The intake's pure rules, apart from the service that applies them.
import type { Consultation } from './consultations.queries.ts'
import type { ConsultationKind, Channel } from './consultations.types.ts'

/** What a machine client sends of a letter: enough to tell the same letter from another. */
export interface LetterInput {
  channel: Channel
  kind?: ConsultationKind
  question: string
  policyDocumentId?: number
  asker?: { name?: string; phone?: string; email?: string; preferredReply?: string }
}

/**
 * The fields in which a submission differs from the consultation already registered under its
 * externalId, in the order they are reported. A retry of the same letter repeats where it came in,
 * what it is and asks (as sent, character for character), the policy document a suggestion is about,
 * and who asked (each of the asker's fields; one left out counts as empty). The time of receipt
 * (now, unless sent) and the handling hints (answeredEntryId, matchId, openTicket, unitCode,
 * topicCode) may differ: the letter was handled once, and the retry gets that handling.
 */
export function differingFields(c: Consultation, input: LetterInput): { field: string; label: string }[] {
  const compared: [field: string, label: string, stored: unknown, sent: unknown][] = [
    ['channel', '渠道', c.channel, input.channel],
    ['kind', '类型', c.kind, input.kind ?? 'question'],
    ['question', '咨询内容', c.question, input.question],
    ['policyDocumentId', '政策文件', c.policyDocumentId, input.policyDocumentId ?? null],
    ['asker.name', '咨询人姓名', c.askerName, input.asker?.name ?? null],
    ['asker.phone', '联系电话', c.askerPhone, input.asker?.phone ?? null],
    ['asker.email', '电子邮箱', c.askerEmail, input.asker?.email ?? null],
    ['asker.preferredReply', '答复方式', c.preferredReply, input.asker?.preferredReply ?? null],
  ]
  return compared.filter(([, , stored, sent]) => stored !== sent).map(([field, label]) => ({ field, label }))
}
