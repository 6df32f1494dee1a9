import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/client.ts'
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
 * Prepared statements for the bulk import. Drizzle builds its SQL anew for every insert; at 5,000
 * entries × four rows that building costs more than SQLite's own work, so the import binds plain
 * prepared statements instead. Column lists mirror kb.table.ts.
 */
export function createBulkWriter(db: Db) {
  let stmts: Record<'entry' | 'version' | 'publish' | 'link' | 'action', Statement> | undefined
  const prepare = () => {
    const c = db.$client
    return {
      entry: c.prepare(`insert into entries (external_id, unit_id, topic_id, status, latest_version, hit_count, published_at, created_at, updated_at)
        values (?, ?, ?, ?, 1, 0, ?, ?, ?)`),
      version: c.prepare(`insert into entry_versions (entry_id, version, question, similar_questions, answer, keywords, topic_id, media, state, created_by, submitted_at, published_at, created_at, updated_at)
        values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      publish: c.prepare('update entries set published_version_id = ? where id = ?'),
      link: c.prepare('insert into entry_version_documents (entry_version_id, policy_document_id) values (?, ?)'),
      action: c.prepare(`insert into review_actions (entry_version_id, action, step, step_name, comment, actor_token_id, created_at) values (?, 'publish', null, null, ?, ?, ?)`),
    }
  }

  /** Inserts the rows; call inside a transaction. Returns the new entry ids in row order. */
  return function writeRows(rows: readonly BulkRow[], actorTokenId: number, comment: string): number[] {
    stmts ??= prepare()
    const s = stmts
    const at = new Date().toISOString()
    return rows.map((r) => {
      const published = r.status === 'published'
      const entryId = Number(s.entry.run(r.externalId, r.unitId, r.topicId, r.status, published ? at : null, at, at).lastInsertRowid)
      const state: VersionState = published ? 'published' : 'draft'
      const versionId = Number(s.version.run(entryId, r.question, JSON.stringify(r.similarQuestions), r.answer, JSON.stringify(r.keywords), r.topicId,
        JSON.stringify(r.media), state, actorTokenId, published ? at : null, published ? at : null, at, at).lastInsertRowid)
      for (const docId of r.policyDocumentIds) s.link.run(versionId, docId)
      if (published) {
        s.publish.run(versionId, entryId)
        s.action.run(versionId, comment, actorTokenId, at)
      }
      return entryId
    })
  }
}
