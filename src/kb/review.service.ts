import { eq } from 'drizzle-orm'
import type { Actor } from '../auth/auth.service.ts'
import type { Tx } from '../db/client.ts'
import { entries, entryVersions } from './kb.table.ts'
import { EntryArchivedError, EntryIncompleteError, EntryNotFoundError, NothingToSubmitError, NotInReviewError, PolicyNotInForceError, VersionConflictError, WrongReviewStepError } from './kb.errors.ts'
import type { KbContext } from './kb.dependencies.ts'
import { assertOwnEntry } from './kb.ownership.ts'
import { nowIso as now } from '../common/time.ts'
import { diffContent } from './entries.content.ts'
import { afterApproval } from './review.steps.ts'
import { isInForce } from './kb.in-force.ts'
import { createKbRepository, type VersionRow } from './kb.repository.ts'
import { publishVersion } from './kb.revise.ts'
import { contentOf, entryViews, stepNameOf } from './kb.views.ts'

const repo = createKbRepository()

export interface ReviewInput { comment?: string; /** The version the reviewer looked at; refused if another is now in review. */ version?: number }

/**
 * G2: draft → submit → each configured step approves (or returns to the author) → published.
 * Every move is one row in review_actions.
 */
export function createReviewService(ctx: KbContext) {
  const { db, reviewSteps } = ctx
  const stepName = (step: number | null) => stepNameOf(reviewSteps, step)

  /** The entry and its latest version; with `owner`, one that actor may change (before saying it is archived). */
  async function load(tx: Tx, id: number, owner?: Actor) {
    await repo.lockEntry(tx, id)
    const entry = await repo.getEntry(tx, id)
    if (!entry) throw new EntryNotFoundError(String(id))
    const latest = (await repo.getVersion(tx, id, entry.latestVersion))!
    if (owner) await assertOwnEntry(owner, entry, async () => latest.state)
    if (entry.status === 'archived') throw new EntryArchivedError(String(id))
    return { entry, latest }
  }

  /** The version in review, checked against what the caller saw and the step it may act at. */
  async function inReview(tx: Tx, id: number, input: ReviewInput, actor: Actor) {
    const { entry, latest } = await load(tx, id)
    if (latest.state !== 'in_review' || latest.reviewStep === null) throw new NotInReviewError()
    if (input.version !== undefined && input.version !== latest.version) throw new VersionConflictError(String(latest.version), String(input.version))
    if (actor.role !== 'admin' && actor.reviewStep !== latest.reviewStep) {
      throw new WrongReviewStepError(stepName(actor.reviewStep) ?? '无', stepName(latest.reviewStep) ?? String(latest.reviewStep))
    }
    return { entry, version: latest, step: latest.reviewStep }
  }

  const view = async (id: number) => (await entryViews(db, [(await repo.getEntry(db, id))!], reviewSteps))[0]

  return {
    async submitEntry(id: number, input: { comment?: string }, actor: Actor) {
      await db.transaction(async (tx) => {
        const { entry, latest } = await load(tx, id, actor)
        if (latest.state !== 'draft' && latest.state !== 'returned') throw new NothingToSubmitError(latest.state)
        // Refused here already: reviewers should not spend three steps on what cannot be published.
        if (!await repo.versionInForce(tx, latest.id)) throw new PolicyNotInForceError('提交审核')
        await tx.update(entryVersions).set({ state: 'in_review', reviewStep: 0, submittedAt: now() }).where(eq(entryVersions.id, latest.id))
        await repo.addAction(tx, { entryVersionId: latest.id, action: 'submit', comment: input.comment ?? null, actorTokenId: actor.tokenId })
        await tx.update(entries).set({ status: entry.publishedVersionId ? entry.status : 'in_review', updatedAt: now() }).where(eq(entries.id, id))
      })
      return view(id)
    },

    async withdrawEntry(id: number, input: { comment?: string }, actor: Actor) {
      await db.transaction(async (tx) => {
        const { entry, latest } = await load(tx, id, actor)
        if (latest.state !== 'in_review') throw new NotInReviewError()
        await tx.update(entryVersions).set({ state: 'draft', reviewStep: null }).where(eq(entryVersions.id, latest.id))
        await repo.addAction(tx, { entryVersionId: latest.id, action: 'withdraw', step: latest.reviewStep, stepName: stepName(latest.reviewStep), comment: input.comment ?? null, actorTokenId: actor.tokenId })
        await tx.update(entries).set({ status: entry.publishedVersionId ? entry.status : 'draft', updatedAt: now() }).where(eq(entries.id, id))
      })
      return view(id)
    },

    /** Approval at the last step publishes; the previously published version is superseded. */
    async approveEntry(id: number, input: ReviewInput, actor: Actor) {
      await db.transaction(async (tx) => {
        const { entry, version, step } = await inReview(tx, id, input, actor)
        // An answer with neither an area (coverage, A3) nor a policy basis (E1) cannot be placed or checked.
        // One of the two is enough: some answers rest on no document (a procedure), and the library allows that.
        if (version.topicId === null && (await repo.docIdsOf(tx, version.id)).length === 0) throw new EntryIncompleteError('政策领域和依据的政策文件')
        const next = afterApproval(step, reviewSteps.length)
        const at = now()
        if (!next.publish) {
          await tx.update(entryVersions).set({ reviewStep: next.nextStep }).where(eq(entryVersions.id, version.id))
          await repo.addAction(tx, { entryVersionId: version.id, action: 'approve', step, stepName: stepName(step), comment: input.comment ?? null, actorTokenId: actor.tokenId })
          await tx.update(entries).set({ updatedAt: at }).where(eq(entries.id, id))
          return
        }
        if (!await repo.versionInForce(tx, version.id)) throw new PolicyNotInForceError('发布')
        await repo.addAction(tx, { entryVersionId: version.id, action: 'approve', step, stepName: stepName(step), comment: input.comment ?? null, actorTokenId: actor.tokenId })
        await publishVersion(tx, entry, version, { step, stepName: stepName(step), actorTokenId: actor.tokenId })
        ctx.notify([id])
      })
      return view(id)
    },

    /** Returned versions go back to the author; resubmitting starts again at the first step. */
    async returnEntry(id: number, input: ReviewInput & { comment: string }, actor: Actor) {
      await db.transaction(async (tx) => {
        const { entry, version, step } = await inReview(tx, id, input, actor)
        await tx.update(entryVersions).set({ state: 'returned', reviewStep: null }).where(eq(entryVersions.id, version.id))
        await repo.addAction(tx, { entryVersionId: version.id, action: 'return', step, stepName: stepName(step), comment: input.comment, actorTokenId: actor.tokenId })
        await tx.update(entries).set({ status: entry.publishedVersionId ? entry.status : 'draft', updatedAt: now() }).where(eq(entries.id, id))
      })
      return view(id)
    },

    /** Versions waiting at a step, each with its field-level changes from the published version. */
    async listReviewQueue(q: { step?: number; unit?: string; page: number; pageSize: number }) {
      const unitId = q.unit ? (await ctx.units.requireUnit(q.unit, 'unit')).id : undefined
      const { rows, total } = await repo.reviewQueue(db, { ...q, unitId })
      const publishedIds = rows.map((r) => r.entry.publishedVersionId).filter((v): v is number => v !== null)
      const publishedRows = new Map<number, VersionRow>()
      for (const vid of publishedIds) publishedRows.set(vid, (await repo.getVersionById(db, vid))!)
      const docs = await repo.docsOfVersions(db, [...rows.map((r) => r.version.id), ...publishedIds])
      const unitMap = await repo.unitRefs(db)
      const topicMap = await repo.topicRefs(db)
      const docIds = (vid: number) => (docs.get(vid) ?? []).map((d) => d.id)
      const items = rows.map(({ entry, version }) => {
        const before = entry.publishedVersionId ? publishedRows.get(entry.publishedVersionId)! : null
        const linked = docs.get(version.id) ?? []
        return {
          entryId: entry.id, externalId: entry.externalId, versionId: version.id, version: version.version,
          step: version.reviewStep!, stepName: stepName(version.reviewStep) ?? '',
          submittedAt: version.submittedAt, unit: unitMap.get(entry.unitId)!,
          topic: version.topicId ? topicMap.get(version.topicId) ?? null : null,
          question: version.question, isNew: before === null,
          inForce: isInForce(linked.map((d) => d.validity)), policyDocuments: linked,
          diff: diffContent(before && contentOf(before, docIds(before.id), topicMap), contentOf(version, docIds(version.id), topicMap)),
        }
      })
      return { items, total, page: q.page, pageSize: q.pageSize }
    },
  }
}

export type ReviewService = ReturnType<typeof createReviewService>
