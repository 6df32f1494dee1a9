import type { Actor } from '../auth/auth.service.ts'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { knownAsker } from '../privacy/privacy.access.ts'
import { LIMITS } from '../common/schemas.ts'
import { withDetails } from '../plugins/errors.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import { canPromote, canSee } from './tickets.lifecycle.ts'
import type { KbPort, SearchPort } from './tickets.dependencies.ts'
import { createTicketsRepository } from './tickets.repository.ts'
import {
  PromoteEntryRequiredError, PromoteQuestionRequiredError, SuggestionNotPromotableError, TicketActionForbiddenError, TicketAlreadyPromotedError,
  TicketNotAnsweredError, TicketNotFoundError,
} from './tickets.errors.ts'

// D1 and G1: a ticket's question and its unit's answer go back into the library, de-identified,
// as a draft entry that enters review, or as a similar question of an entry that already answers it.

export interface PromotionDeps {
  db: Db
  config: Pick<Config, 'matchThreshold'>
  search: Pick<SearchPort, 'match'>
  kb: KbPort
  privacy: Pick<PrivacyService, 'snapshot'>
}

export interface PromoteBody {
  /** new: a draft entry; similar: add the question to `entryId`. Without it, a close entry is offered first. */
  mode?: 'new' | 'similar'
  entryId?: number
  /** The unit's edit of the wording; de-identified all the same. */
  question?: string
  answer?: string
  /** Send the new draft into review at once (the default); false keeps it a draft for the unit to edit first. */
  submit?: boolean
}

export function createPromotionService({ db, config, search, kb, privacy }: PromotionDeps) {
  const repo = createTicketsRepository()

  async function load(id: number, actor: Actor) {
    const found = await repo.findById(db, id)
    const scope = found && { unitId: found.ticket.unitId, registeredBy: found.consultation.registeredBy }
    if (!found || !canSee(actor, scope!)) throw new TicketNotFoundError(String(id))
    if (!canPromote(actor, scope!)) throw new TicketActionForbiddenError('转入问答库')
    if (found.consultation.kind === 'suggestion') throw new SuggestionNotPromotableError()
    if (!found.ticket.answer) throw new TicketNotAnsweredError()
    if (found.ticket.promotedEntryId) throw new TicketAlreadyPromotedError(String(found.ticket.promotedEntryId))
    return found
  }

  /**
   * Writes the entry, sends it into review unless asked not to, links the ticket and logs it: all in
   * one transaction, so a refusal by the library (say, a policy no longer in force) leaves nothing behind.
   */
  function link(id: number, actor: Actor, submit: boolean, write: () => Promise<{ entryId: number; versionId: number | null }>, note: (entryId: number) => string) {
    return db.transaction(async (tx) => {
      // Locked first: two promotions at once link one entry, the second is refused below.
      await repo.lock(tx, id)
      const current = (await repo.findById(tx, id))!
      if (current.ticket.promotedEntryId) throw new TicketAlreadyPromotedError(String(current.ticket.promotedEntryId))
      // kb's writes join this unit of work, so its own transactions nest as savepoints of this one.
      const written = await write()
      if (submit) await kb.submitEntry(written.entryId, { comment: `由台账 ${current.ticket.number} 转入` }, actor)
      await repo.update(tx, id, { promotedEntryId: written.entryId })
      await repo.appendEvent(tx, { ticketId: id, actorTokenId: actor.tokenId, action: 'promote', fromStatus: current.ticket.status, toStatus: current.ticket.status, note: `${note(written.entryId)}${submit ? '，已提交审核' : '（草稿）'}` })
      return written
    })
  }

  return {
    async promote(id: number, body: PromoteBody, actor: Actor) {
      const { ticket, consultation } = await load(id, actor)
      // The asker's own name and numbers go wherever they recur; public numbers (the unit's hotline) stay.
      const asker = knownAsker(consultation)
      const published = await privacy.snapshot()
      const question = published.deidentify(body.question ?? consultation.question, asker)
      // A letter (up to LIMITS.letter) may be longer than an entry's question: the unit words it shorter.
      const length = [...question].length
      if (length > LIMITS.question) {
        throw withDetails(new PromoteQuestionRequiredError(String(length), String(LIMITS.question)), [{ field: 'question', message: `请填写不超过 ${LIMITS.question} 字的问题` }])
      }
      const answer = published.deidentify(body.answer ?? ticket.answer!, asker)
      const submit = body.submit ?? true
      const base = { ticketId: id, question, answer, offer: null, submitted: false }

      let mode = body.mode
      if (!mode) {
        const match = await search.match({ question, limit: 3 }, actor)
        const top = match.candidates[0]
        // An entry the agent desk would answer with at once already answers this question.
        if (top && match.matched) {
          return {
            created: false,
            result: {
              ...base, outcome: 'offered' as const, entryId: null, versionId: null,
              offer: { entryId: top.entryId, question: top.question, matchedQuestion: top.matchedQuestion, confidence: top.confidence, unit: top.unit },
            },
          }
        }
        mode = 'new'
      }

      if (mode === 'similar') {
        if (!body.entryId) throw new PromoteEntryRequiredError()
        const entryId = body.entryId
        const written = await link(id, actor, submit, async () => {
          const out = await kb.addSimilarQuestion(entryId, question, actor) as { versionId?: number } | undefined
          return { entryId, versionId: out?.versionId ?? null }
        }, (e) => `作为相似问加入问答条目 ${e}`)
        return { created: true, result: { ...base, outcome: 'similar_added' as const, entryId, versionId: written.versionId, submitted: submit } }
      }

      const topicCode = consultation.topicId ? await repo.topicCode(db, consultation.topicId) : undefined
      const written = await link(id, actor, submit, () => kb.createDraft({
        question, answer, unitId: ticket.unitId, sourceTicketId: id,
        ...(topicCode ? { topicCode } : {}),
        ...(consultation.policyDocumentId ? { policyDocumentIds: [consultation.policyDocumentId] } : {}),
      }, actor), (e) => `转为问答条目 ${e}`)
      return { created: true, result: { ...base, outcome: 'drafted' as const, entryId: written.entryId, versionId: written.versionId, submitted: submit } }
    },
  }
}

export type PromotionService = ReturnType<typeof createPromotionService>
