import { eq } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'
import { entries, entryVersions } from './kb.table.ts'
import { withDetails } from '../plugins/errors.ts'
import type { Media } from './kb.types.ts'
import { DocumentNotFoundError, EntryArchivedError, VersionInReviewError } from './kb.errors.ts'
import type { KbContext } from './kb.dependencies.ts'
import { nowIso as now } from '../common/time.ts'
import { cleanList } from './entries.content.ts'
import { createKbRepository, type EntryRow, type VersionRow } from './kb.repository.ts'
import { createDocumentsRepository } from './documents.repository.ts'

const documents = createDocumentsRepository()

const repo = createKbRepository()

export interface ContentInput {
  question: string
  answer: string
  similarQuestions?: string[]
  keywords?: string[]
  /** A topic code; null clears it. */
  topic?: string | null
  media?: Media[]
  policyDocumentIds?: number[]
  changeNote?: string | null
}

/**
 * How an entry's content changes: shared by editing through the API and by the spreadsheet
 * import, so that both make versions the same way.
 */
export function createReviser(ctx: KbContext) {
  async function checkDocuments(tx: Tx, ids: readonly number[]) {
    const found = await documents.existingIds(tx, ids)
    const missing = ids.filter((id) => !found.has(id))
    if (missing.length) throw withDetails(new DocumentNotFoundError(missing.join('、')), missing.map((id) => ({ field: 'policyDocumentIds', documentId: id, message: `政策文件 ${id} 不存在` })))
  }

  /** Normalised version columns from content input; `base` fills what the input leaves out. */
  async function versionValues(tx: Tx, input: Partial<ContentInput>, base?: VersionRow) {
    const question = (input.question ?? base?.question ?? '').trim()
    const topicId = input.topic === undefined ? base?.topicId ?? null : input.topic === null ? null : (await ctx.units.requireTopic(input.topic, 'topic')).id
    if (input.policyDocumentIds) await checkDocuments(tx, input.policyDocumentIds)
    return {
      question,
      answer: (input.answer ?? base?.answer ?? '').trim(),
      similarQuestions: cleanList(input.similarQuestions ?? base?.similarQuestions, [question]),
      keywords: cleanList(input.keywords ?? base?.keywords),
      media: input.media ?? base?.media ?? [],
      topicId,
      // A new version starts without a note; an edit of the same draft keeps the note it had.
      changeNote: input.changeNote !== undefined ? input.changeNote : base?.state === 'published' ? null : base?.changeNote ?? null,
    }
  }

  /**
   * Applies content changes. A draft or returned version is edited in place; a published one is
   * kept serving while the changes go into a new draft version.
   */
  async function revise(tx: Tx, entry: EntryRow, patch: Partial<ContentInput>, actor: Actor): Promise<number> {
    if (entry.status === 'archived') throw new EntryArchivedError(String(entry.id))
    const latest = (await repo.getVersion(tx, entry.id, entry.latestVersion))!
    if (latest.state === 'in_review') throw new VersionInReviewError(String(latest.version))
    const values = await versionValues(tx, patch, latest)
    const docIds = patch.policyDocumentIds ?? await repo.docIdsOf(tx, latest.id)
    let versionId = latest.id
    if (latest.state === 'published') {
      const next = latest.version + 1
      versionId = (await tx.insert(entryVersions).values({ ...values, entryId: entry.id, version: next, state: 'draft', createdBy: actor.tokenId }).returning())[0].id
      await tx.update(entries).set({ latestVersion: next }).where(eq(entries.id, entry.id))
    } else {
      await tx.update(entryVersions).set({ ...values, state: 'draft', reviewStep: null }).where(eq(entryVersions.id, latest.id))
      // Until something is published, the entry shows its latest version, topic included.
      if (!entry.publishedVersionId) await tx.update(entries).set({ topicId: values.topicId }).where(eq(entries.id, entry.id))
    }
    await repo.setDocIds(tx, versionId, docIds)
    return versionId
  }

  return { versionValues, revise }
}

/**
 * Makes a version the served one: the trail gets a publish action, the previously published
 * version is superseded. The caller has checked that the version may be published.
 */
export async function publishVersion(tx: Tx, entry: EntryRow, version: { id: number; topicId: number | null }, action: { step: number | null; stepName: string | null; comment?: string | null; actorTokenId: number }): Promise<void> {
  const at = now()
  await repo.addAction(tx, { entryVersionId: version.id, action: 'publish', step: action.step, stepName: action.stepName, comment: action.comment ?? null, actorTokenId: action.actorTokenId })
  if (entry.publishedVersionId && entry.publishedVersionId !== version.id) await tx.update(entryVersions).set({ state: 'superseded' }).where(eq(entryVersions.id, entry.publishedVersionId))
  await tx.update(entryVersions).set({ state: 'published', reviewStep: null, publishedAt: at }).where(eq(entryVersions.id, version.id))
  await tx.update(entries).set({ status: 'published', publishedVersionId: version.id, publishedAt: at, topicId: version.topicId, updatedAt: at }).where(eq(entries.id, entry.id))
}
