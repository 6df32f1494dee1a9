import { sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.ts'
import type { EntryStatus, Media } from './kb.types.ts'
import type { VersionState } from './kb.table.ts'

export interface BulkRow {
  externalId: string | null
  unitId: number
  topicId: number | null
  status: Extract<EntryStatus, 'draft' | 'published'>
  question: string
  similarQuestions: string[]
  answer: string
  keywords: string[]
  media: Media[]
  policyDocumentIds: number[]
}

/**
 * The bulk import's writes, as plain SQL. Drizzle's query builder builds its SQL anew for every
 * insert; at 5,000 entries × four rows that building costs more than the database's own work, so
 * the import sends plain statements instead. Column lists mirror kb.table.ts.
 */
export function createBulkWriter() {
  const idOf = async (tx: Tx, query: SQL) => Number((await tx.all<{ id: number }>(query))[0].id)

  /** Inserts the rows in the transaction `tx`. Returns the new entry ids in row order. */
  return async function writeRows(tx: Tx, rows: readonly BulkRow[], actorTokenId: number, comment: string): Promise<number[]> {
    const at = new Date().toISOString()
    const ids: number[] = []
    // One row after another: statements of one transaction run in order.
    for (const r of rows) {
      const published = r.status === 'published'
      const entryId = await idOf(tx, sql`insert into entries (external_id, unit_id, topic_id, status, latest_version, hit_count, published_at, created_at, updated_at)
        values (${r.externalId}, ${r.unitId}, ${r.topicId}, ${r.status}, 1, 0, ${published ? at : null}, ${at}, ${at}) returning id`)
      const state: VersionState = published ? 'published' : 'draft'
      const versionId = await idOf(tx, sql`insert into entry_versions (entry_id, version, question, similar_questions, answer, keywords, topic_id, media, state, created_by, submitted_at, published_at, created_at, updated_at)
        values (${entryId}, 1, ${r.question}, ${JSON.stringify(r.similarQuestions)}, ${r.answer}, ${JSON.stringify(r.keywords)}, ${r.topicId},
          ${JSON.stringify(r.media)}, ${state}, ${actorTokenId}, ${published ? at : null}, ${published ? at : null}, ${at}, ${at}) returning id`)
      if (r.policyDocumentIds.length) {
        await tx.run(sql`insert into entry_version_documents (entry_version_id, policy_document_id) values ${sql.join(r.policyDocumentIds.map((docId) => sql`(${versionId}, ${docId})`), sql`, `)}`)
      }
      if (published) {
        await tx.run(sql`update entries set published_version_id = ${versionId} where id = ${entryId}`)
        await tx.run(sql`insert into review_actions (entry_version_id, action, step, step_name, comment, actor_token_id, created_at) values (${versionId}, 'publish', null, null, ${comment}, ${actorTokenId}, ${at})`)
      }
      ids.push(entryId)
    }
    return ids
  }
}
