import { deidentify, type MaskContext } from '../privacy/privacy.text.ts'
import { compactText, normalizeText } from '../search/normalize.ts'

/** A mailbox letter is not a way of asking: only short questions are proposed as similar questions. */
export const PROPOSAL_MAX_CHARS = 60
export const PROPOSAL_MIN_CHARS = 4

// Beyond what deidentify finds, a question proposed to every unit and agent (and exported to the
// 12345 knowledge base once accepted) must hold nothing that may be a contact or an account, even
// unrecognised: a run of five digits (a QQ number), seven numerals spelled in Chinese (a phone read
// out), or an id of Latin letters with digits or an underscore (a WeChat id, a passport number).
const LONG_DIGITS = /\d{5}/
const SPELLED_DIGITS = /[零〇○一二三四五六七八九幺两](?:[\s-]?[零〇○一二三四五六七八九幺两\d]){6}/
const LATIN_ID = /(?=[A-Za-z0-9_.-]{5})[A-Za-z0-9_.-]*(?:[A-Za-z][A-Za-z_.-]*[\d_]|[\d_][\d_.-]*[A-Za-z])/

/** Whether a question holds something that may identify a person although deidentify leaves it. */
export const mayIdentify = (text: string) => {
  const t = text.normalize('NFKC')
  return LONG_DIGITS.test(t) || SPELLED_DIGITS.test(t) || LATIN_ID.test(t)
}

/** The wording as the matcher reads it: two questions with the same key are one proposal. */
export function proposalKey(text: string): string {
  return compactText(normalizeText(text))
}

/**
 * The wording to propose for an entry, or null: too long (a letter) or too short, holding personal
 * details (a name, a phone number, the asker's own name wherever it stands: the question is proposed
 * as asked or not at all) or anything that may be one (mayIdentify), or a wording
 * the entry already has.
 */
export function proposable(question: string, entryQuestions: readonly string[], asker?: MaskContext['asker']): { question: string; key: string } | null {
  const text = question.replace(/\s+/g, ' ').trim()
  const length = [...text.replace(/\s/g, '')].length
  if (length < PROPOSAL_MIN_CHARS || length > PROPOSAL_MAX_CHARS) return null
  if (deidentify(text, { asker }) !== text || mayIdentify(text)) return null
  const key = proposalKey(text)
  if ([...key].length < 2) return null
  if (entryQuestions.some((q) => proposalKey(q) === key)) return null
  return { question: text, key }
}
