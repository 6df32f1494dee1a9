// THE RULE (E3): an entry is in force when the version shown rests on no policy document, or on at
// least one document that is 现行有效. An entry whose every document is 失效 or 废止 must not be
// served as a current answer. One TypeScript function and its SQL twin, written once here for every
// module (the kb lists and exports, the statistics, the consultations' served entry);
// kb.in-force.test.ts checks that both say the same for every mix of documents.
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm'
import type { Validity } from './kb.types.ts'

/** Whether an entry whose version rests on documents of these validities is in force. */
export function isInForce(validities: readonly Validity[]): boolean {
  return validities.length === 0 || validities.includes('in_force')
}

/** The document to show beside an answer: the first one in force, else the first one. */
export function primaryDocument<T extends { validity: Validity }>(docs: readonly T[]): T | null {
  return docs.find((d) => d.validity === 'in_force') ?? docs[0] ?? null
}

// The SQL, with `version` where the id of the entry version goes.
const inForceText = (version: string) => `(not exists (select 1 from entry_version_documents d where d.entry_version_id = ${version})
  or exists (select 1 from entry_version_documents d join policy_documents p on p.id = d.policy_document_id
             where d.entry_version_id = ${version} and p.validity = 'in_force'))`

const SLOT = '\u0000'
const [HEAD, MIDDLE, TAIL] = inForceText(SLOT).split(SLOT)

/** isInForce() as a drizzle condition on the version `versionId` (a column or an expression). */
export const inForceSql = (versionId: SQLWrapper): SQL<boolean> =>
  sql<boolean>`${sql.raw(HEAD)}${versionId}${sql.raw(MIDDLE)}${versionId}${sql.raw(TAIL)}`

/**
 * isInForce() as SQL text, for statements written as text (the statistics): `versionIdExpr` is an
 * SQL expression of the version's id, e.g. 'e.published_version_id'. Never user input.
 */
export const inForceSqlText = (versionIdExpr: string): string => inForceText(versionIdExpr)
