import type { Actor } from '../auth/auth.service.ts'
import { visibility } from '../auth/visibility.ts'
import type { Db, Tx } from '../db/client.ts'
import type { UnitsService } from '../units/units.service.ts'
import { NotYourUnitError } from '../kb/kb.errors.ts'
import { withDetails } from '../plugins/errors.ts'
import { proposable } from './proposals.logic.ts'
import type { MaskContext } from '../privacy/privacy.text.ts'
import { createProposalsRepository } from './proposals.repository.ts'
import type { DraftingTaskStatus, ProposalStatus } from './proposals.table.ts'
import {
  DraftingEntryInvalidError, DraftingEntryRequiredError, DraftingTaskClosedError, DraftingTaskNotFoundError, ProposalDecidedError, ProposalNotFoundError,
} from './proposals.errors.ts'

export interface ProposalsDeps {
  db: Db
  units: Pick<UnitsService, 'requireUnit'>
  /** The served questions of an entry (standard and similar), to leave out wordings it already has. */
  search: { questionsOf(entryId: number): readonly string[] | undefined }
  kb: {
    addSimilarQuestion(entryId: number, question: string, actor: Actor): Promise<{ entryId: number; versionId: number }>
    submitEntry(entryId: number, input: { comment?: string }, actor: Actor): Promise<unknown>
  }
}

const STATUS_NAMES: Record<ProposalStatus | DraftingTaskStatus, string> = { open: '待处理', accepted: '已采纳', rejected: '已驳回', drafted: '已起草', dismissed: '不予起草' }

/**
 * The library learns from answered calls (D1, B5): questions answered with an entry are proposed to
 * its unit as similar questions, grouped and counted; questions it could not answer are handed to a
 * unit as drafting tasks. Nothing reaches the library without the unit's decision and the review.
 */
export function createProposalsService({ db, units, search, kb }: ProposalsDeps) {
  const repo = createProposalsRepository()
  /** A unit sees and decides its own entries' proposals and its own tasks; the office sees all. */
  const scopeOf = async (actor: Actor, unitCode?: string) =>
    visibility(actor).unitOf(unitCode ? (await units.requireUnit(unitCode, 'unit')).id : undefined, () => new NotYourUnitError('建议')) ?? undefined
  const own = (actor: Actor, unitId: number) => visibility(actor).sees({ unitId })

  type ProposalRow = NonNullable<Awaited<ReturnType<typeof repo.proposalById>>>
  type TaskRow = NonNullable<Awaited<ReturnType<typeof repo.taskById>>>
  function proposalView(r: ProposalRow) {
    const { entryId, entryQuestion, entryStatus, unitId: _u, unitCode, unitName, ...rest } = r
    return { ...rest, statusName: STATUS_NAMES[r.status], entry: { id: entryId, question: entryQuestion, status: entryStatus }, unit: { code: unitCode, name: unitName } }
  }
  function taskView(r: TaskRow) {
    const { unitId: _u, unitCode, unitName, ...rest } = r
    return { ...rest, statusName: STATUS_NAMES[r.status], unit: { code: unitCode, name: unitName } }
  }
  async function requireProposal(c: Tx, id: number, actor: Actor) {
    const p = await repo.proposalById(c, id)
    // Another unit's proposal is not found rather than forbidden: its existence is not theirs to know.
    if (!p || !own(actor, p.unitId)) throw new ProposalNotFoundError(String(id))
    if (p.status !== 'open') throw new ProposalDecidedError(String(id), STATUS_NAMES[p.status])
    return p
  }

  return {
    /**
     * A consultation was answered with this entry (inside its transaction): the question, if it is a
     * new wording without personal details, is counted as a proposal for the entry.
     */
    async recordAnswered(tx: Tx, input: { entryId: number; question: string; automatically: boolean; at?: string; asker?: MaskContext['asker'] }): Promise<void> {
      const p = proposable(input.question, search.questionsOf(input.entryId) ?? [], input.asker)
      if (p) await repo.countAsked(tx, { entryId: input.entryId, ...p, at: input.at ?? new Date().toISOString(), automatically: input.automatically })
    },

    async listProposals(q: { status?: ProposalStatus; unit?: string; entryId?: number; page: number; pageSize: number }, actor: Actor) {
      const { items, total } = await repo.listProposals(db, { ...q, unitId: await scopeOf(actor, q.unit) })
      return { items: items.map(proposalView), total, page: q.page, pageSize: q.pageSize }
    },

    /**
     * Accepting puts the wording (as the unit edits it, or as asked) into a draft version of the entry
     * and, unless `submit` is false, sends it into review: it serves only once approved.
     */
    async acceptProposal(id: number, input: { question?: string; comment?: string; submit?: boolean }, actor: Actor) {
      return db.transaction(async (tx) => {
        const p = await requireProposal(tx, id, actor)
        const question = input.question?.trim() || p.question
        // kb's own transactions nest as savepoints of this one: a refusal (a version in review, an
        // archived entry) leaves the proposal open.
        const { versionId } = await kb.addSimilarQuestion(p.entryId, question, actor)
        if (input.submit !== false) await kb.submitEntry(p.entryId, { comment: `采纳咨询中的相似问法：${question}` }, actor)
        await repo.decideProposal(tx, id, { status: 'accepted', by: actor.tokenId, comment: input.comment ?? null, entryVersionId: versionId, question })
        return proposalView((await repo.proposalById(tx, id))!)
      })
    },

    async rejectProposal(id: number, input: { comment?: string }, actor: Actor) {
      return db.transaction(async (tx) => {
        await requireProposal(tx, id, actor)
        await repo.decideProposal(tx, id, { status: 'rejected', by: actor.tokenId, comment: input.comment ?? null })
        return proposalView((await repo.proposalById(tx, id))!)
      })
    },

    /** The office hands an unanswered question (a group of the unmatched list, say) to a unit. */
    async createTask(input: { question: string; unitCode: string; variants?: string[]; asked?: number; note?: string }, actor: Actor) {
      const unit = await units.requireUnit(input.unitCode, 'unitCode')
      return db.transaction(async (tx) => {
        const id = await repo.insertTask(tx, {
          unitId: unit.id, question: input.question.trim(), variants: [...new Set((input.variants ?? []).map((v) => v.trim()).filter(Boolean))],
          asked: input.asked ?? 1, note: input.note ?? null, createdBy: actor.tokenId,
        })
        return taskView((await repo.taskById(tx, id))!)
      })
    },

    async listTasks(q: { status?: DraftingTaskStatus; unit?: string; page: number; pageSize: number }, actor: Actor) {
      const { items, total } = await repo.listTasks(db, { ...q, unitId: await scopeOf(actor, q.unit) })
      return { items: items.map(taskView), total, page: q.page, pageSize: q.pageSize }
    },

    async getTask(id: number, actor: Actor) {
      const t = await repo.taskById(db, id)
      if (!t || !own(actor, t.unitId)) throw new DraftingTaskNotFoundError(String(id))
      return taskView(t)
    },

    /** Closed as drafted (naming the unit's entry written for it) or dismissed (with a reason). */
    async closeTask(id: number, input: { outcome: 'drafted' | 'dismissed'; entryId?: number; comment?: string }, actor: Actor) {
      return db.transaction(async (tx) => {
        const t = await repo.taskById(tx, id)
        if (!t || !own(actor, t.unitId)) throw new DraftingTaskNotFoundError(String(id))
        if (t.status !== 'open') throw new DraftingTaskClosedError(String(id))
        let entryId: number | null = null
        if (input.outcome === 'drafted') {
          if (input.entryId === undefined) throw withDetails(new DraftingEntryRequiredError(), [{ field: 'entryId', message: '请填写本单位为该任务起草的问答条目编号' }])
          if (await repo.entryUnitId(tx, input.entryId) !== t.unitId) throw withDetails(new DraftingEntryInvalidError(String(input.entryId)), [{ field: 'entryId', message: '请填写本单位为该任务起草的问答条目编号' }])
          entryId = input.entryId
        }
        await repo.closeTask(tx, id, { status: input.outcome, by: actor.tokenId, comment: input.comment ?? null, entryId })
        return taskView((await repo.taskById(tx, id))!)
      })
    },
  }
}

export type ProposalsService = ReturnType<typeof createProposalsService>
