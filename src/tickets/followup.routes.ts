import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses } from '../common/schemas.ts'
import type { Actor } from '../auth/auth.service.ts'
import { rangeBound } from '../common/time.ts'
import type { TicketsService } from './tickets.service.ts'
import type { FollowupService } from './tickets.followup.ts'
import type { PromisesService } from './promises.service.ts'
import { TicketRowSchema, TicketSchema } from './tickets.schemas.ts'
import { ticketAudit } from './tickets.routes.ts'
import {
  CallbackListQuery, FulfilBody, LookupRateBody, PromiseListQuery, PromiseSchema, PromisesBody, RateBody, RatingItemSchema,
  RatingListQuery, RatingResultSchema, RedoBody,
} from './followup.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['tickets']

/** After the reply: ratings (回访), redoing (重办) and promises (承诺事项). */
/** The unit a request is kept to (the statistics' scope rule, passed in by app.ts: tickets do not import stats). */
export type ScopeOf = (actor: Actor, unitCode?: string) => Promise<{ unitId: number | null }>

export const followupRoutes: FastifyPluginAsyncTypebox<{ scope: ScopeOf; tickets: TicketsService; followup: FollowupService; promises: PromisesService }> =
  async (app, { scope, tickets, followup, promises }) => {
    const scopeOf = async (actor: Actor, unit?: string) => (await scope(actor, unit)).unitId ?? undefined

    app.post('/tickets/:id/rating', {
      config: { roles: ['admin', 'agent', 'integration'], idempotency: true, audit: ticketAudit },
      schema: {
        tags, operationId: 'rateTicket', summary: '登记咨询人对答复的评价（满意、基本满意、不满意）：坐席回访或提交来信的接入系统；不满意自动转重办',
        params: IdParams, body: RateBody, response: { 200: RatingResultSchema, ...errorResponses(403, 404, 409) },
      },
    }, async (req) => followup.rate(req.params.id, req.body, req.actor))

    app.post('/ratings/by-lookup', {
      config: { roles: ['admin', 'integration'], idempotency: true, audit: { target: 'ticket', id: resultId('ticketId') } },
      schema: {
        tags, operationId: 'rateTicketByLookup', summary: '凭台账编号和查询码评价答复（供政务公开专区等公开页面的后台调用）',
        body: LookupRateBody, response: { 200: RatingResultSchema, ...errorResponses(403, 404, 409) },
      },
    }, async (req) => followup.rateByLookup(req.body))

    app.get('/ratings', {
      config: { roles: ['admin', 'unit'] },
      schema: {
        tags, operationId: 'listRatings', summary: '咨询人评价列表；pending=true 为尚未重办的不满意评价',
        querystring: RatingListQuery, response: { 200: Page(RatingItemSchema), ...errorResponses(403, 404) },
      },
    }, async (req) => {
      const { unit, from, to, page = 1, pageSize = 20, ...q } = req.query
      return followup.listRatings({ ...q, unitId: await scopeOf(req.actor, unit), fromUtc: rangeBound(from, false), toUtc: rangeBound(to, true), page, pageSize })
    })

    app.get('/callbacks', {
      config: { roles: ['admin', 'agent'] },
      schema: {
        tags, operationId: 'listCallbacks', summary: '回访清单：已回复咨询人、本轮尚未评价的台账，按回复时间先后',
        querystring: CallbackListQuery,
        response: { 200: Page(Type.Object({ ...TicketRowSchema.properties, round: Type.Integer() })), ...errorResponses(403, 404) },
      },
    }, async (req) => {
      const { unit, page = 1, pageSize = 20 } = req.query
      return followup.awaitingRating({ unitId: await scopeOf(req.actor, unit), page, pageSize })
    })

    app.post('/tickets/:id/redo', {
      config: { roles: ['admin', 'agent'], idempotency: true, audit: ticketAudit },
      schema: {
        tags, operationId: 'redoTicket', summary: '重办：已回复或已办结的台账重新交由原单位或另一单位办理，重新计算办理时限',
        params: IdParams, body: RedoBody, response: { 200: TicketSchema, ...errorResponses(403, 404, 409, 422) },
      },
    }, async (req) => {
      await followup.redo(req.params.id, req.body, req.actor)
      return tickets.get(req.params.id, req.actor, { scoped: false, requestId: req.id })
    })

    app.post('/tickets/:id/promises', {
      config: { roles: ['admin', 'unit'], idempotency: true, audit: ticketAudit },
      schema: {
        tags, operationId: 'addPromises', summary: '登记答复中作出的承诺事项（内容，完成日期或工作日数）',
        params: IdParams, body: PromisesBody, response: { 201: Type.Array(PromiseSchema), ...errorResponses(403, 404, 409) },
      },
    }, async (req, reply) => reply.code(201).send(await promises.add(req.params.id, req.body.promises, req.actor)))

    app.post('/promises/:id/fulfil', {
      config: { roles: ['admin', 'unit'], idempotency: true, audit: { target: 'promise', id: pathId() } },
      schema: {
        tags, operationId: 'fulfilPromise', summary: '承诺事项办结：须填写落实情况',
        params: IdParams, body: FulfilBody, response: { 200: PromiseSchema, ...errorResponses(403, 404, 409) },
      },
    }, async (req) => promises.fulfil(req.params.id, req.body, req.actor))

    app.get('/promises', {
      config: { roles: ['admin', 'unit'] },
      schema: {
        tags, operationId: 'listPromises', summary: '承诺事项：进行中、已逾期、已办结；单位令牌只看本单位',
        querystring: PromiseListQuery, response: { 200: Page(PromiseSchema), ...errorResponses(403, 404) },
      },
    }, async (req) => {
      const { unit, state, page = 1, pageSize = 20 } = req.query
      return promises.list({ unitId: await scopeOf(req.actor, unit), state, page, pageSize }, req.actor)
    })
  }
