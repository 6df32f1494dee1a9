// Pure rules of the knowledge base: no database, no Fastify. Tested in entries.content.test.ts.
import { describeValidationError } from '../plugins/errors.ts'
import type { Media, Validity } from './kb.table.ts'

/**
 * An entry is in force when it rests on no document, or on at least one document that is in force.
 * An entry whose every document is 失效 or 废止 must not be served as a current answer.
 */
export function isInForce(validities: readonly Validity[]): boolean {
  return validities.length === 0 || validities.includes('in_force')
}

/** The document to show beside an answer: the first one in force, else the first one. */
export function primaryDocument<T extends { validity: Validity }>(docs: readonly T[]): T | null {
  return docs.find((d) => d.validity === 'in_force') ?? docs[0] ?? null
}

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

/** Where a version under review goes when the current step approves it. */
export function afterApproval(step: number, stepCount: number): { publish: true } | { publish: false; nextStep: number } {
  return step + 1 >= stepCount ? { publish: true } : { publish: false, nextStep: step + 1 }
}

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }
export type SchemaErrors = readonly AjvError[]
export interface RowError { index: number; field: string; message: string; [k: string]: unknown }

/**
 * Turns schema errors of a bulk body into row errors: `/entries/12/question` becomes
 * `{ index: 12, field: 'question' }`. Errors about the body itself come back in `other`.
 */
export function bulkSchemaErrors(errors: SchemaErrors): { rows: RowError[]; other: AjvError[] } {
  const rows: RowError[] = []
  const other: AjvError[] = []
  const seen = new Set<string>()
  for (const e of errors) {
    const m = /^\/entries\/(\d+)(\/.*)?$/.exec(e.instancePath)
    if (!m) { other.push(e); continue }
    const { field, message } = describeValidationError({ ...e, instancePath: m[2] ?? '' }, '条目')
    // One message per field: an empty string fails both minLength and pattern.
    const key = `${m[1]}\u0000${field}`
    if (seen.has(key)) continue
    seen.add(key)
    rows.push({ index: Number(m[1]), field, message })
  }
  rows.sort((a, b) => a.index - b.index)
  return { rows, other }
}
