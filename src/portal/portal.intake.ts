// Questions and suggestions from the public pages: the same intake as every channel (channel
// `portal`), behind the abuse rules that need no outside service, and the asker's lookup.
import { randomBytes } from 'node:crypto'
import { and, eq, gte } from 'drizzle-orm'
import type { Actor, AuthService } from '../auth/auth.service.ts'
import type { Db } from '../db/client.ts'
import { first } from '../db/query.ts'
import { unitOfWork } from '../db/unit-of-work.ts'
import { consultationById } from '../consultations/consultations.queries.ts'
import { ticketByLookup, ticketNumberOf } from '../tickets/tickets.queries.ts'
import { formatLookupCode } from '../tickets/tickets.lookup-code.ts'
import type { ConsultationsService } from '../consultations/consultations.service.ts'
import type { TicketsPublicView } from '../tickets/tickets.public.ts'
import type { FollowupService, RateInput } from '../tickets/tickets.followup.ts'
import { withDetails } from '../plugins/errors.ts'
import { portalSecrets, portalSubmissions } from './portal.table.ts'
import { hmac, lookupCode, newNonce, normalizeTicketNumber, questionKey, sha256 } from './portal.codes.ts'
import { PortalDuplicateError, PortalInvalidInputError, PortalLookupFailedError, PortalSpamSuspectedError } from './portal.errors.ts'
import { checkAsk, HONEYPOT_FIELD, type AskForm } from './portal.forms.ts'

/** How long the same question from the same address counts as a duplicate. */
export const DUPLICATE_WINDOW_MS = 24 * 3600_000
/** The name of the revoked token that registers the public pages' consultations (nobody can sign in with it). */
export const PORTAL_ACTOR_NAME = '政务公开专区（公众页面，不可登录）'

export interface ClientInfo { ip: string }

export interface IntakeDeps {
  db: Db
  auth: Pick<AuthService, 'createToken' | 'revokeToken'>
  consultations: Pick<ConsultationsService, 'submit'>
  ticketsPublic: Pick<TicketsPublicView, 'ofConsultation'>
  followup: Pick<FollowupService, 'rateAsAsker'>
}

export type AskResult =
  | { outcome: 'answered'; entryId: number; matchId: string | null; consultationId: number; question: string }
  | { outcome: 'ticketed'; number: string; code: string; dueAt: string; dueAtProvisional: boolean; unitName: string; kind: 'question' | 'suggestion'; replayed: boolean }

export function createPortalIntake({ db, auth, consultations, ticketsPublic, followup }: IntakeDeps) {
  let keys: { secret: string; actor: Actor } | undefined

  /** The portal's secret and its registering token, made once (inside the caller's transaction, if any). */
  async function portalKeys() {
    if (keys) return keys
    return db.transaction(async (tx) => {
      let row = await first(tx.select().from(portalSecrets).where(eq(portalSecrets.id, 1)))
      if (!row) {
        const token = await auth.createToken({ name: PORTAL_ACTOR_NAME, role: 'integration' }, null, `pqa_${randomBytes(24).toString('base64url')}`, tx)
        // The secret is thrown away and the token revoked: it only names who registered these consultations.
        await auth.revokeToken(token.id, tx)
        // Another replica (or request) may make it at the same time: the first to commit wins, and
        // this one reads its row (the token made here stays revoked and unused).
        const [inserted] = await tx.insert(portalSecrets).values({ id: 1, secret: randomBytes(32).toString('base64url'), actorTokenId: token.id })
          .onConflictDoNothing({ target: portalSecrets.id }).returning()
        row = inserted ?? (await first(tx.select().from(portalSecrets).where(eq(portalSecrets.id, 1))))!
      }
      const made: NonNullable<typeof keys> = { secret: row.secret, actor: { tokenId: row.actorTokenId, role: 'integration', name: PORTAL_ACTOR_NAME, unitId: null, reviewStep: null } }
      // Kept once committed: if the caller's transaction rolls back, so does the row, and the next call makes it again.
      unitOfWork(db).afterCommit(() => { keys = made })
      return made
    })
  }

  const clientHash = async (ip: string) => hmac((await portalKeys()).secret, `client:${ip}`).toString('hex')

  async function ticketedResult(consultationId: number, code: string, replayed: boolean): Promise<AskResult> {
    const t = (await ticketsPublic.ofConsultation(consultationId))!
    return { outcome: 'ticketed', number: t.number, code: formatLookupCode(code), dueAt: t.dueAt, dueAtProvisional: t.dueAtProvisional, unitName: t.unitName, kind: t.kind, replayed }
  }

  async function resultOf(consultationId: number, code: string, replayed: boolean): Promise<AskResult> {
    const c = (await consultationById(db, consultationId))!
    return c.outcome === 'answered'
      ? { outcome: 'answered', entryId: c.answeredEntryId!, matchId: c.matchId, consultationId, question: c.question }
      : ticketedResult(consultationId, code, replayed)
  }

  /** The same question, ticketed from the same address within the window: its ticket number. */
  async function duplicateOf(client: string, key: string): Promise<string | undefined> {
    const since = new Date(Date.now() - DUPLICATE_WINDOW_MS).toISOString()
    const earlier = await db.select({ consultationId: portalSubmissions.consultationId }).from(portalSubmissions)
      .where(and(eq(portalSubmissions.clientHash, client), eq(portalSubmissions.questionKey, key), gte(portalSubmissions.createdAt, since)))
    if (earlier.length === 0) return undefined
    return ticketNumberOf(db, earlier.map((e) => e.consultationId))
  }

  async function submit(form: AskForm, client: ClientInfo, target: { kind: 'question' | 'suggestion'; policyDocumentId?: number }): Promise<AskResult> {
    if (form.website) throw withDetails(new PortalSpamSuspectedError(), [{ field: HONEYPOT_FIELD, message: '表单中对人隐藏、不应填写的一项被填写了（可能是浏览器自动填充）：请刷新页面后重新填写' }])
    const clean = checkAsk(form, target.kind)
    const nonce = form.nonce ?? newNonce()
    const { secret, actor } = await portalKeys()
    const code = lookupCode(secret, nonce)
    const nonceHash = sha256(nonce)
    // The same form sent again (a double click, a reload after a lost answer): the first result.
    const replay = await first(db.select().from(portalSubmissions).where(eq(portalSubmissions.nonceHash, nonceHash)))
    if (replay) return resultOf(replay.consultationId, code, true)
    const key = questionKey(`${target.policyDocumentId ?? ''}:${clean.question}`)
    const who = await clientHash(client.ip)
    const duplicate = await duplicateOf(who, key)
    if (duplicate) {
      throw withDetails(new PortalDuplicateError(duplicate), [{ field: 'question', number: duplicate, message: `您在 24 小时内已提交过相同的问题（编号 ${duplicate}），无需重复提交：请凭编号和查询码查看办理进度` }])
    }
    return db.transaction(async (tx) => {
      // submit's own transaction nests as a savepoint of this one (db/unit-of-work.ts).
      const { result } = await consultations.submit({
        channel: 'portal', kind: target.kind, question: clean.question,
        ...(target.policyDocumentId ? { policyDocumentId: target.policyDocumentId } : {}),
        ...(clean.person ? { openTicket: true } : {}),
        asker: { ...(clean.name ? { name: clean.name } : {}), ...(clean.phone ? { phone: clean.phone } : {}), ...(clean.preferredReply ? { preferredReply: clean.preferredReply } : {}) },
      }, actor, { askerCode: code })
      const consultationId = result.consultation.id
      // Only a ticket blocks the same question again: an answer at once may still be followed by "ask a person".
      await tx.insert(portalSubmissions).values({
        consultationId, kind: target.kind, nonceHash, clientHash: who,
        questionKey: result.ticket ? key : `answered:${key}`,
      })
      return result.ticket ? ticketedResult(consultationId, code, false) : resultOf(consultationId, code, false)
    })
  }

  /** The ticket a number and code name, or the same refusal for a wrong number and a wrong code. */
  async function recognise(input: { number?: string; code?: string }) {
    const missing = [...(input.number ? [] : [{ field: 'number', message: '请填写编号' }]), ...(input.code ? [] : [{ field: 'code', message: '请填写查询码' }])]
    if (missing.length) throw withDetails(new PortalInvalidInputError(missing.map((m) => m.message).join('；')), missing)
    const number = normalizeTicketNumber(input.number!)
    // The ticket's own code, whichever channel opened it: the one this page showed, or the one an agent or
    // the mailbox told. Not the six digits of older tickets: a million codes are too few for a public page.
    const ticket = number && await ticketByLookup(db, number, input.code!, { legacy: false })
    if (!ticket) throw new PortalLookupFailedError()
    return { consultationId: ticket.consultationId, ticketId: ticket.id }
  }

  return {
    ask: (form: AskForm, client: ClientInfo) => submit(form, client, { kind: 'question' }),
    suggest: (policyDocumentId: number, form: AskForm, client: ClientInfo) => submit(form, client, { kind: 'suggestion', policyDocumentId }),

    /**
     * The asker's view of a submission: its ticket's progress and answer. An unknown number and a
     * wrong code get the same refusal, so the page never says which numbers exist.
     */
    async follow(input: { number?: string; code?: string }) {
      return (await ticketsPublic.ofConsultation((await recognise(input)).consultationId))!
    },

    /**
     * 满意度评价 from the follow-up page: the asker is recognised by number and code as for following
     * it, then rated through the tickets' own rule (replied first, one rating per round, a window to
     * change it, an unsatisfied rating reopening it).
     */
    async rate(input: { number?: string; code?: string } & RateInput) {
      const { ticketId, consultationId } = await recognise(input)
      const { redone } = await followup.rateAsAsker(ticketId, { rating: input.rating, ...(input.comment?.trim() ? { comment: input.comment.trim() } : {}) })
      return { status: (await ticketsPublic.ofConsultation(consultationId))!, redone }
    },

    /** A fresh nonce for a form being shown. */
    newNonce,
  }
}

export type PortalIntake = ReturnType<typeof createPortalIntake>
