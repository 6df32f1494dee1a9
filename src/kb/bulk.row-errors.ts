// Schema errors of a bulk import, as errors of its rows: what the office fixes in its file. Pure;
// tested in bulk.row-errors.test.ts.
import { describeValidationError } from '../plugins/errors.ts'

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
