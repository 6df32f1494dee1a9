import type { Actor } from '../auth/auth.service.ts'
import { visibility } from '../auth/visibility.ts'
import type { Config } from '../config.ts'
import type { Db, Tx } from '../db/client.ts'
import { isUniqueViolation } from '../db/constraints.ts'
import type { EventBus } from '../common/events.ts'
import { withDetails } from '../plugins/errors.ts'
import { TopicNotFoundError } from '../units/units.errors.ts'
import { requireActiveUnit } from '../units/active-unit.ts'
import { askerAccess, askerView, eventText, hasContact, knownAsker, type AskerAccess } from '../privacy/privacy.access.ts'
import type { PrivacyService } from '../privacy/privacy.service.ts'
import type { ProposalsService } from '../proposals/proposals.service.ts'
import { chineseDateTime, CLOCK_SKEW_MS, rangeBound, systemClock, type Clock } from '../common/time.ts'
import { toIsoInstant } from '../common/instants.ts'
import { createConsultationsRepository } from './consultations.repository.ts'
import type { AuditPort, MatchResult, RoutingHints, SearchPort, TicketDesk } from './consultations.ports.ts'
import { INTEGRATION_CHANNELS, type Channel, type ConsultationKind, type Outcome } from './consultations.types.ts'
import { CHANNEL_LABELS } from './consultations.labels.ts'
import { differingFields } from './consultations.logic.ts'
import {
  AnsweredEntryNotFoundError, AnsweredEntryNotInForceError, AnsweredEntryNotPublishedError, ChannelNotAllowedError, ConflictingIntentError,
  ConsultationNotFoundError, EmptyQuestionError, ExternalIdReusedError, PolicyDocumentNotFoundError, ReceivedInFutureError, SuggestionNotAnswerableError,
} from './consultations.errors.ts'
import { paging } from '../common/schemas.ts'

export interface ConsultationsServiceDeps {
  db: Db
  config: Pick<Config, 'autoAnswerChannels' | 'dispatchUnitCode'>
  events: Pick<EventBus, 'emit'>
  search: SearchPort
  /** The tickets module, through the one port it implements: consultations never import it. */
  tickets: TicketDesk
  privacy: Pick<PrivacyService, 'snapshot'>
  audit?: AuditPort
  /** The library learns from answered calls: each answered question is offered as a proposal. */
  proposals?: Pick<ProposalsService, 'recordAnswered'>
  now?: Clock
}

export interface SubmitInput {
  channel: Channel
  question: string
  asker?: { name?: string; phone?: string; email?: string; preferredReply?: string }
  receivedAt?: string
  kind?: ConsultationKind
  answeredEntryId?: number
  matchId?: string
  openTicket?: boolean
  unitCode?: string
  topicCode?: string
  externalId?: string
  policyDocumentId?: number
}

/** What only the service's callers in this process pass, never a request body. */
export interface SubmitOptions {
  /**
   * The public pages make the asker's lookup code themselves, from the form (a form sent twice shows
   * the same code), and show it to the asker only: a ticket opened keeps only its hash.
   */
  askerCode?: string
}

type ConsultationRow = NonNullable<Awaited<ReturnType<ReturnType<typeof createConsultationsRepository>['findById']>>>
/** One reading of the privacy service's masking (PrivacyService.snapshot). */
type Shown = Awaited<ReturnType<PrivacyService['snapshot']>>
type Answer = { entryId: number; automatically: boolean; confidence: number | null; matchedQuestion?: string }


export function createConsultationsService({ db, config, events, search, tickets, privacy, audit, proposals, now = systemClock }: ConsultationsServiceDeps) {
  const repo = createConsultationsRepository()

  async function consultationView(shown: Shown, c: ConsultationRow, access: AskerAccess, tx: Tx = db) {
    const t = c.topicId ? await repo.topicById(tx, c.topicId) : undefined
    return {
      id: c.id, channel: c.channel, kind: c.kind,
      question: shown.show(c.question, access, knownAsker(c)),
      asker: askerView(c, access),
      receivedAt: c.receivedAt, outcome: c.outcome,
      answeredEntryId: c.answeredEntryId, answeredAutomatically: c.answeredAutomatically,
      matchId: c.matchId, confidence: c.confidence,
      topic: t ? { code: t.code, name: t.name } : null,
      policyDocumentId: c.policyDocumentId, externalId: c.externalId, createdAt: c.createdAt,
    }
  }

  async function entryView(tx: Tx, entryId: number) {
    const e = await repo.servedEntry(tx, entryId)
    if (!e) return undefined
    return {
      id: e.id, externalId: e.externalId, question: e.question, answer: e.answer,
      unit: { code: e.unitCode, name: e.unitName },
      topic: e.topicCode ? { code: e.topicCode, name: e.topicName! } : null,
      inForce: e.inForce,
    }
  }

  /** The intake reply, or the reading of a consultation: the record, its entry or its ticket. */
  async function view(tx: Tx, c: ConsultationRow, actor: Actor) {
    const ticket = await tickets.ofConsultation(tx, c.id, actor)
    const access = askerAccess(actor, { registeredBy: c.registeredBy, holdingUnitId: ticket?.unitId ?? null }, 'record')
    const entry = c.answeredEntryId ? await entryView(tx, c.answeredEntryId) : undefined
    const consultation = await consultationView(await privacy.snapshot(), c, access, tx)
    return { access, body: { consultation, ...(entry ? { entry } : {}), ...(ticket ? { ticket: ticket.brief } : {}) } }
  }

  async function resolveReferences(input: SubmitInput) {
    const topic = input.topicCode ? await repo.topicByCode(db, input.topicCode) : undefined
    if (input.topicCode && !topic) throw withDetails(new TopicNotFoundError(input.topicCode), [{ field: 'topicCode', message: `政策领域 ${input.topicCode} 不存在` }])
    if (input.unitCode) requireActiveUnit(await repo.unitByCode(db, input.unitCode), input.unitCode)
    const doc = input.policyDocumentId ? await repo.policyDocument(db, input.policyDocumentId) : undefined
    if (input.policyDocumentId && !doc) {
      throw withDetails(new PolicyDocumentNotFoundError(String(input.policyDocumentId)), [{ field: 'policyDocumentId', message: '政策文件不存在' }])
    }
    return { topic, doc }
  }

  /**
   * What is refused before anything is looked up: a question with nothing to read (the rule /match
   * refuses it by), and a machine client registering a channel that has a desk (INTEGRATION_CHANNELS).
   */
  function checkSubmission(input: SubmitInput, actor: Actor) {
    if (search.isEmptyQuestion(input.question)) {
      throw withDetails(new EmptyQuestionError(), [{ field: 'question', message: '咨询内容不能只有标点、符号或空白' }])
    }
    if (actor.role === 'integration' && !INTEGRATION_CHANNELS.includes(input.channel)) {
      const allowed = INTEGRATION_CHANNELS.map((c) => `“${CHANNEL_LABELS[c]}”`).join('或')
      throw withDetails(new ChannelNotAllowedError(CHANNEL_LABELS[input.channel], allowed), [{ field: 'channel', message: `接入系统只能登记${allowed}渠道的咨询` }])
    }
  }

  /**
   * The entry an agent (or a client) answered with, read in the intake's transaction: it must be
   * published and in force (agent.md: 依据失效的条目不能用来答复，请登记交办).
   */
  async function agentAnswer(tx: Tx, entryId: number, actor: Actor): Promise<Answer> {
    const entry = await repo.servedEntry(tx, entryId)
    const field = 'answeredEntryId'
    // Agents and systems read only the published library (kb/kb.reading.ts): a draft is, to them, no entry at all.
    const unseen = !entry || (actor.role !== 'admin' && entry.status !== 'published')
    if (unseen) throw withDetails(new AnsweredEntryNotFoundError(String(entryId)), [{ field, message: '问答条目不存在' }])
    if (entry.status !== 'published' || entry.versionId === null) {
      throw withDetails(new AnsweredEntryNotPublishedError(String(entryId)), [{ field, message: '问答条目尚未发布或已归档，不能用于答复' }])
    }
    if (!entry.inForce) throw withDetails(new AnsweredEntryNotInForceError(String(entryId)), [{ field, message: '问答条目所依据的政策已失效或废止，不能用来答复' }])
    return { entryId, automatically: false, confidence: null }
  }

  return {
    /**
     * 受理: records the consultation and either answers it from an entry or opens a ticket, in one
     * transaction. A retry with the same externalId from the same token returns the original.
     * Its transaction joins the request's write transaction, when there is one (a savepoint of it):
     * the whole intake commits with the request.
     */
    async submit(input: SubmitInput, actor: Actor, { askerCode }: SubmitOptions = {}) {
      const current = now()
      const receivedAt = input.receivedAt ? toIsoInstant(input.receivedAt, 'receivedAt') : current.toISOString()
      if (Date.parse(receivedAt) > current.getTime() + CLOCK_SKEW_MS) {
        throw withDetails(new ReceivedInFutureError(chineseDateTime(receivedAt)), [{ field: 'receivedAt', message: '受理时间不能晚于当前时间' }])
      }
      // The same letter again gets the original; another letter under a used number is a conflict.
      const replay = async (tx: Tx, earlier: ConsultationRow) => {
        const differing = differingFields(earlier, input)
        if (differing.length) {
          throw withDetails(new ExternalIdReusedError(input.externalId!, differing.map((d) => d.label).join('、')), [
            { field: 'externalId', message: '该来信编号已登记过一件内容不同的咨询' },
            ...differing.map((d) => ({ field: d.field, message: `与该来信编号已登记的${d.label}不同` })),
          ])
        }
        return { created: false, result: (await view(tx, earlier, actor)).body }
      }
      const retry = async () => {
        const existing = input.externalId ? await repo.findByExternalId(db, actor.tokenId, input.externalId) : undefined
        return existing && await replay(db, existing)
      }
      // A retry first: a letter registered before a rule below was added still gets its original back.
      const earlier = await retry()
      if (earlier) return earlier
      checkSubmission(input, actor)

      const kind = input.kind ?? 'question'
      if (input.answeredEntryId && input.openTicket) throw new ConflictingIntentError()
      if (input.answeredEntryId && kind === 'suggestion') throw new SuggestionNotAnswerableError()
      const { topic, doc } = await resolveReferences(input)
      const policyUnitCode = kind === 'suggestion' && doc?.unitId ? (await repo.unitById(db, doc.unitId))?.code ?? null : null

      // A match id no match has is not kept (it would label nothing); the consultation is.
      const matchId = input.matchId && await search.knownMatch(db, input.matchId) ? input.matchId : undefined
      let automatic: Answer | undefined
      let match: MatchResult | undefined
      if (!input.answeredEntryId) {
        // A client that sends a matchId has seen the candidates and chose not to answer from them.
        const mayAutoAnswer = kind === 'question' && !input.openTicket && !input.matchId && config.autoAnswerChannels.includes(input.channel)
        const needsCandidates = !input.unitCode && !policyUnitCode
        if (mayAutoAnswer || needsCandidates) match = await search.match({ question: input.question, ...(topic ? { topic: topic.code } : {}) }, actor)
        const top = match?.candidates[0]
        if (mayAutoAnswer && match?.matchedAutomatically && top?.inForce) {
          automatic = { entryId: top.entryId, automatically: true, confidence: top.confidence, matchedQuestion: top.matchedQuestion }
        }
      }

      try {
        return await db.transaction(async (tx) => {
          const again = input.externalId ? await repo.findByExternalId(tx, actor.tokenId, input.externalId) : undefined
          if (again) return await replay(tx, again)
          // Checked in the transaction that records it: a refusal leaves nothing behind.
          const answer = input.answeredEntryId ? await agentAnswer(tx, input.answeredEntryId, actor) : automatic
          const outcome: Outcome = answer ? 'answered' : 'ticketed'
          // Where the ticket goes is the tickets module's decision (tickets.routing.ts); the intake says what it knows.
          const routing: RoutingHints | undefined = answer ? undefined : {
            chosenUnitCode: input.unitCode, policyUnitCode, topicCode: topic?.code,
            candidates: (match?.candidates ?? []).map((c) => ({ unitCode: c.unit.code, confidence: c.confidence, topicCode: c.topic?.code ?? null })),
          }
          const c = await repo.insert(tx, {
            channel: input.channel, kind, question: input.question,
            askerName: input.asker?.name ?? null, askerPhone: input.asker?.phone ?? null, askerEmail: input.asker?.email ?? null,
            preferredReply: input.asker?.preferredReply ?? null,
            receivedAt, outcome,
            answeredEntryId: answer?.entryId ?? null, answeredAutomatically: answer?.automatically ?? false,
            matchId: matchId ?? match?.matchId ?? null,
            confidence: answer?.confidence ?? match?.confidence ?? null,
            topicId: topic?.id ?? null, policyDocumentId: input.policyDocumentId ?? null,
            registeredBy: actor.tokenId, externalId: input.externalId ?? null,
          })
          if (answer) {
            // The one place a use is counted; feedback on the same match counts nothing more.
            await search.recordHit(tx, answer.entryId, answer.matchedQuestion, c.matchId, !answer.automatically)
            // A new way of asking it, proposed to the entry's unit (D1).
            if (kind === 'question') await proposals?.recordAnswered(tx, { entryId: answer.entryId, question: c.question, automatically: answer.automatically, at: receivedAt, asker: knownAsker(c) })
            const entry = (await entryView(tx, answer.entryId))!
            const text = eventText(await privacy.snapshot(), c)
            await events.emit(tx, {
              type: 'consultation.answered', consultationId: c.id, ticketId: null, submittedBy: c.registeredBy, externalId: c.externalId,
              payload: {
                ticket: null, entry: { id: entry.id, externalId: entry.externalId, question: text(entry.question) },
                answer: text(entry.answer), automatically: answer.automatically,
              },
            })
          } else {
            await tickets.open(tx, { consultation: c, routing: routing!, actor, ...(askerCode ? { askerCode } : {}) })
          }
          return { created: true, result: (await view(tx, c, actor)).body }
        })
      } catch (e) {
        // Another process inserted the same externalId between our check and our insert.
        const earlier = isUniqueViolation(e) ? await retry() : undefined
        if (earlier) return earlier
        throw e
      }
    },

    async get(id: number, actor: Actor, { requestId }: { requestId?: string } = {}) {
      const c = await repo.findById(db, id)
      const holder = c && await tickets.ofConsultation(db, c.id, actor)
      // Seen as its ticket is: by the unit holding the ticket now, if there is one.
      if (!c || !visibility(actor).sees({ unitId: holder?.unitId ?? null, registeredBy: c.registeredBy })) throw new ConsultationNotFoundError(String(id))
      const { access, body } = await view(db, c, actor)
      if (access === 'full' && hasContact(c)) await audit?.record({ actor, action: 'readContactDetails', targetType: 'consultation', targetIds: [c.id], requestId })
      return body
    },

    /** The register of consultations, newest first; contact details always masked. */
    async list(q: { channel?: Channel; kind?: ConsultationKind; outcome?: Outcome; from?: string; to?: string; page?: number; pageSize?: number }, actor: Actor) {
      const { page, pageSize } = paging(q)
      const { rows, total } = await repo.list(db, {
        channel: q.channel, kind: q.kind, outcome: q.outcome,
        receivedFrom: rangeBound(q.from, false), receivedTo: rangeBound(q.to, true),
        visibleTo: visibility(actor), holdingUnit: tickets.holdingUnitSql,
        page, pageSize,
      })
      const shown = await privacy.snapshot()
      const items = []
      for (const c of rows) items.push(await consultationView(shown, c, askerAccess(actor, { registeredBy: c.registeredBy, holdingUnitId: null }, 'list')))
      return { items, total, page, pageSize }
    },
  }
}

export type ConsultationsService = ReturnType<typeof createConsultationsService>
