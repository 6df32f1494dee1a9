import { deidentify, type MaskContext } from '../privacy/privacy.text.ts'
import { compactText, normalizeText } from '../search/normalize.ts'

/** A mailbox letter is not a way of asking: only short questions are proposed as similar questions. */
export const PROPOSAL_MAX_CHARS = 60
export const PROPOSAL_MIN_CHARS = 4

/** The wording as the matcher reads it: two questions with the same key are one proposal. */
export function proposalKey(text: string): string {
  return compactText(normalizeText(text))
}

/**
 * The wording to propose for an entry, or null: too long (a letter) or too short, holding personal
 * details (a name, a phone number, the asker's own name wherever it stands: the question is proposed
 * as asked or not at all), or a wording
 * the entry already has.
 */
export function proposable(question: string, entryQuestions: readonly string[], asker?: MaskContext['asker']): { question: string; key: string } | null {
  const text = question.replace(/\s+/g, ' ').trim()
  const length = [...text.replace(/\s/g, '')].length
  if (length < PROPOSAL_MIN_CHARS || length > PROPOSAL_MAX_CHARS) return null
  if (deidentify(text, { asker }) !== text) return null
  const key = proposalKey(text)
  if ([...key].length < 2) return null
  if (entryQuestions.some((q) => proposalKey(q) === key)) return null
  return { question: text, key }
}
