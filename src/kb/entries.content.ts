// An entry's content as a reviewer compares it, and the cleaning of its lists. Pure; tested in
// entries.content.test.ts.
import type { Media } from './kb.types.ts'

/** Trims, drops blanks and duplicates (and anything in `exclude`), keeps the first spelling and order. */
export function cleanList(items: readonly string[] | undefined, exclude: readonly string[] = []): string[] {
  const seen = new Set(exclude.map((s) => s.trim()))
  const out: string[] = []
  for (const raw of items ?? []) {
    const s = raw.trim()
    if (!s || seen.has(s)) continue
    seen.add(s)
    out.push(s)
  }
  return out
}

/**
 * What a keyword may hold: visible text without line breaks, control characters or 「」. In a
 * spreadsheet cell keywords are separated by 、，；or line breaks, and one that holds a separator is
 * written inside 「」 (sheets/sheets.columns.ts), so a keyword with those characters would not come
 * back as it was. The API's schema (kb.schemas.ts) and the import both check it.
 */
export const KEYWORD_PATTERN = '^(?=[\\s\\S]*\\S)[^\\u0000-\\u001F\\u007F「」]*$'

/** The content of one version, as reviewers compare it. */
export interface Content {
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  topic: string | null
  media: Media[]
  policyDocumentIds: number[]
}

export const CONTENT_FIELDS = ['question', 'similarQuestions', 'answer', 'keywords', 'topic', 'media', 'policyDocumentIds'] as const

export interface FieldChange { field: string; before: unknown; after: unknown }

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0)

/**
 * Field-level changes from the published version to the one under review. With nothing published
 * (a new entry), every field that has a value is a change from null.
 */
export function diffContent(before: Content | null, after: Content): FieldChange[] {
  const changes: FieldChange[] = []
  for (const field of CONTENT_FIELDS) {
    const b = before ? before[field] : null
    const a = after[field]
    if (before === null ? !isEmpty(a) : !same(b, a)) changes.push({ field, before: b, after: a })
  }
  return changes
}
