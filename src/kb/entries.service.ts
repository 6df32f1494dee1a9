import { eq, type SQL } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'
import { entries, entryVersions, type VersionState } from './kb.table.ts'
import type { EntryStatus } from './kb.types.ts'
import { EntryArchivedError, EntryNotArchivedError, EntryNotFoundError, ExternalIdTakenError, ExternalIdUnavailableError, UnitRequiredError } from './kb.errors.ts'
import type { KbContext } from './kb.dependencies.ts'
import { assertOwnEntry, assertOwnUnit, resolveUnitId } from './kb.ownership.ts'
import { entryReading, PUBLISHED_STATES, type EntryReading } from './kb.reading.ts'
import type { Viewer } from '../auth/visibility.ts'
import { nowIso as now } from '../common/time.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import { createKbRepository, readableColumns } from './kb.repository.ts'
import { first } from '../db/query.ts'
import { createReviser, type ContentInput } from './kb.revise.ts'
import { entryViews, servedEntries, stepNameOf, type EntryView } from './kb.views.ts'

const repo = createKbRepository()

export type { ContentInput }
export interface CreateEntryInput extends ContentInput { externalId?: string | null; unitCode?: string }
export interface UpdateEntryInput extends Partial<ContentInput> { externalId?: string | null; unitCode?: string }
export interface ListEntriesQuery {
  status?: EntryStatus; unit?: string; topic?: string; q?: string; inForce?: boolean; externalId?: string; page: number; pageSize: number
}

const WHAT = '问答条目'
// In a published version's trail, what a reader who sees only what is published may read: when it
// was published, and when the entry was taken out of service and put back.
const PUBLIC_ACTIONS = new Set(['publish', 'archive', 'restore'])
const CONTENT_KEYS = ['question', 'answer', 'similarQuestions', 'keywords', 'topic', 'media', 'policyDocumentIds', 'changeNote'] as const

export function createEntriesService(ctx: KbContext) {
  const { db, reviewSteps } = ctx

  async function requireEntry(tx: Tx, id: number) {
    const row = await repo.getEntry(tx, id)
    if (!row) throw new EntryNotFoundError(String(id))
    return row
  }
  /** An entry this actor may change: another unit's that it may not even read is not found. */
  async function requireOwnEntry(tx: Tx, id: number, actor: Actor) {
    const entry = await requireEntry(tx, id)
    await assertOwnEntry(actor, entry, async () => (await repo.getVersion(tx, id, entry.latestVersion))!.state)
    return entry
  }
  const view = async (id: number): Promise<EntryView> => (await entryViews(db, [await requireEntry(db, id)], reviewSteps))[0]

  /**
   * The entry as this reader may read it (kb.reading.ts), and whether it sees it whole. An entry it
   * may not see is not found: another unit's draft is not even known to exist.
   */
  async function readable(id: number, readBy: EntryReading) {
    const entry = await requireEntry(db, id)
    const latest = (await repo.getVersion(db, id, entry.latestVersion))!
    const shown = { unitId: entry.unitId, status: entry.status, latestState: latest.state }
    if (!readBy.sees(shown)) throw new EntryNotFoundError(String(id))
    return { entry, whole: readBy.whole(shown) }
  }
  const { versionValues, revise } = createReviser(ctx)

  async function writing<T>(externalId: string | null | undefined, actor: Viewer, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (e) {
      if (!isUniqueViolation(e, 'entries.external_id')) throw e
      // The id is unique, so it cannot be used; whether another entry holds it is said only to one who may read that entry.
      const holder = await first(db.select({ unitId: entries.unitId, status: entries.status, latestState: readableColumns.latestState as SQL<VersionState> })
        .from(entries).where(eq(entries.externalId, String(externalId))))
      if (holder && !entryReading(actor).sees(holder)) throw new ExternalIdUnavailableError(String(externalId))
      throw new ExternalIdTakenError(String(externalId))
    }
  }

  async function insertEntry(tx: Tx, input: ContentInput & { unitId: number; externalId?: string | null; sourceTicketId?: number | null }, actor: Actor) {
    const values = await versionValues(tx, input)
    const [entry] = await tx.insert(entries).values({
      externalId: input.externalId ?? null, unitId: input.unitId, topicId: values.topicId, status: 'draft',
      latestVersion: 1, sourceTicketId: input.sourceTicketId ?? null,
    }).returning()
    const [version] = await tx.insert(entryVersions).values({ ...values, entryId: entry.id, version: 1, state: 'draft', createdBy: actor.tokenId }).returning()
    await repo.setDocIds(tx, version.id, input.policyDocumentIds ?? [])
    return { entryId: entry.id, versionId: version.id }
  }

  return {
    /** One entry, as `viewer` may read it: another unit's work in progress is not found. */
    async getEntry(id: number, viewer: Viewer): Promise<EntryView> {
      const readBy = entryReading(viewer)
      const { entry } = await readable(id, readBy)
      return (await entryViews(db, [entry], reviewSteps, readBy))[0]
    },

    /** The entries `viewer` may read that match the filters; other units' unpublished ones are left out. */
    async listEntries(q: ListEntriesQuery, viewer: Viewer) {
      const unitId = q.unit ? (await ctx.units.requireUnit(q.unit, 'unit')).id : undefined
      const topicId = q.topic ? (await ctx.units.requireTopic(q.topic, 'topic')).id : undefined
      const readBy = entryReading(viewer)
      const { ids, total } = await repo.listEntryIds(db, { ...q, unitId, topicId, readBy })
      const rows = new Map((await repo.entriesByIds(db, ids)).map((r) => [r.id, r]))
      return { items: await entryViews(db, ids.map((id) => rows.get(id)!), reviewSteps, readBy), total, page: q.page, pageSize: q.pageSize }
    },

    async createEntry(input: CreateEntryInput, actor: Actor): Promise<EntryView> {
      const unitId = await resolveUnitId(ctx, actor, input.unitCode, WHAT)
      if (unitId === null) throw new UnitRequiredError()
      const { entryId } = await writing(input.externalId, actor, () => db.transaction((tx) => insertEntry(tx, { ...input, unitId }, actor)))
      return view(entryId)
    },

    async updateEntry(id: number, patch: UpdateEntryInput, actor: Actor): Promise<EntryView> {
      await writing(patch.externalId, actor, () => db.transaction(async (tx) => {
        const entry = await requireOwnEntry(tx, id, actor)
        const set: Partial<typeof entries.$inferInsert> = {}
        if (patch.externalId !== undefined) set.externalId = patch.externalId
        if (patch.unitCode !== undefined) set.unitId = (await resolveUnitId(ctx, actor, patch.unitCode, WHAT))!
        if (CONTENT_KEYS.some((k) => patch[k] !== undefined)) await revise(tx, entry, patch, actor)
        // Touch the entry so lists sorted by the last change show it first.
        await tx.update(entries).set({ ...set, updatedAt: now() }).where(eq(entries.id, id))
        // Entry-level fields (unit, external id) are shown with the served answer at once.
        if (entry.status === 'published' && Object.keys(set).length > 0) ctx.notify([id])
      }))
      return view(id)
    },

    /**
     * The entry's versions with their trail. A reader who sees the entry only as published gets
     * the versions that were published, each with when it was published (and archived, restored).
     */
    async listVersions(id: number, viewer: Viewer) {
      const { whole } = await readable(id, entryReading(viewer))
      const all = await repo.versionsWithTrail(db, id)
      const versions = whole ? all.versions : all.versions.filter((v) => PUBLISHED_STATES.includes(v.state))
      const trail = whole ? all.trail : all.trail.filter((a) => PUBLIC_ACTIONS.has(a.action))
      const docs = await repo.docsOfVersions(db, versions.map((v) => v.id))
      const topicMap = await repo.topicRefs(db)
      const items = versions.map((v) => ({
        id: v.id, version: v.version, state: v.state, reviewStep: v.reviewStep, reviewStepName: stepNameOf(reviewSteps, v.reviewStep),
        question: v.question, similarQuestions: v.similarQuestions, answer: v.answer, keywords: v.keywords, media: v.media,
        topic: v.topicId ? topicMap.get(v.topicId) ?? null : null,
        policyDocuments: docs.get(v.id) ?? [],
        changeNote: v.changeNote, createdBy: v.createdBy, submittedAt: v.submittedAt, publishedAt: v.publishedAt, createdAt: v.createdAt, updatedAt: v.updatedAt,
        trail: trail.filter((a) => a.versionId === v.id).map((a) => ({
          action: a.action, step: a.step, stepName: a.stepName, comment: a.comment, at: a.at,
          actor: a.actorTokenId === null ? null : { tokenId: a.actorTokenId, name: a.actorName ?? '', role: a.actorRole ?? null },
        })),
      }))
      return { items }
    },

    /** Contract for tickets: a reviewed ticket answer becomes a draft entry (D1). */
    async createDraft(input: { question: string; answer: string; similarQuestions?: string[]; keywords?: string[]; topicCode?: string | null; unitId: number; policyDocumentIds?: number[]; sourceTicketId?: number | null }, actor: Actor) {
      assertOwnUnit(actor, input.unitId, WHAT)
      const { topicCode, ...rest } = input
      return db.transaction((tx) => insertEntry(tx, { ...rest, topic: topicCode ?? null }, actor))
    },

    /**
     * Contract for tickets: a question asked in other words joins the entry's similar questions in a
     * draft version (a new one when the latest is published), which goes through review as usual.
     */
    async addSimilarQuestion(entryId: number, question: string, actor: Actor) {
      return db.transaction(async (tx) => {
        const entry = await requireOwnEntry(tx, entryId, actor)
        const latest = (await repo.getVersion(tx, entry.id, entry.latestVersion))!
        const versionId = await revise(tx, entry, { similarQuestions: [...latest.similarQuestions, question] }, actor)
        await tx.update(entries).set({ updatedAt: now() }).where(eq(entries.id, entryId))
        return { entryId, versionId }
      })
    },

    servedEntries: (entryIds?: readonly number[]) => servedEntries(db, entryIds),

    /** Archived entries are not served; a version in review is withdrawn first. */
    async archiveEntry(id: number, comment: string | undefined, actor: Actor) {
      await db.transaction(async (tx) => {
        const entry = await requireOwnEntry(tx, id, actor)
        if (entry.status === 'archived') throw new EntryArchivedError(String(id))
        const latest = (await repo.getVersion(tx, id, entry.latestVersion))!
        if (latest.state === 'in_review') {
          await tx.update(entryVersions).set({ state: 'draft', reviewStep: null }).where(eq(entryVersions.id, latest.id))
          await repo.addAction(tx, { entryVersionId: latest.id, action: 'withdraw', step: latest.reviewStep, stepName: stepNameOf(reviewSteps, latest.reviewStep), comment: '条目归档，撤回审核', actorTokenId: actor.tokenId })
        }
        await repo.addAction(tx, { entryVersionId: entry.publishedVersionId ?? latest.id, action: 'archive', comment: comment ?? null, actorTokenId: actor.tokenId })
        await tx.update(entries).set({ status: 'archived', archivedAt: now() }).where(eq(entries.id, id))
        if (entry.status === 'published') ctx.notify([id])
      })
      return view(id)
    },

    async restoreEntry(id: number, comment: string | undefined, actor: Actor) {
      await db.transaction(async (tx) => {
        const entry = await requireOwnEntry(tx, id, actor)
        if (entry.status !== 'archived') throw new EntryNotArchivedError(String(id))
        const status: EntryStatus = entry.publishedVersionId ? 'published' : 'draft'
        await repo.addAction(tx, { entryVersionId: entry.publishedVersionId ?? (await repo.getVersion(tx, id, entry.latestVersion))!.id, action: 'restore', comment: comment ?? null, actorTokenId: actor.tokenId })
        await tx.update(entries).set({ status, archivedAt: null }).where(eq(entries.id, id))
        if (status === 'published') ctx.notify([id])
      })
      return view(id)
    },
  }
}

export type EntriesService = ReturnType<typeof createEntriesService>
