import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses } from '../common/schemas.ts'
import type { TicketsService } from './tickets.service.ts'
import type { PromotionService } from './tickets.promotion.ts'
import type { TicketReferences } from './tickets.references.ts'
import {
  AnswerBody, AssignBody, CloseBody, PromoteBody, PromoteResultSchema, PublicSummaryBody, ReassignBody, ReplyBody, ReturnBody,
  TicketListQuery, TicketReferencesSchema, TicketRowSchema, TicketSchema,
} from './tickets.schemas.ts'
import { pathId, resultId, type AuditSpec } from '../plugins/route-config.ts'

const tags = ['tickets']
const readers = ['admin', 'agent', 'unit', 'integration'] as const
const acted = { 200: TicketSchema, ...errorResponses(403, 404, 409) }
/** Every action on a ticket is audited against the ticket in its path. */
export const ticketAudit = { target: 'ticket', id: pathId() } satisfies AuditSpec

export const ticketsRoutes: FastifyPluginAsyncTypebox<{ tickets: TicketsService; promotion: PromotionService; references: TicketReferences }> = async (app, { tickets, promotion, references }) => {
  app.get('/tickets', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listTickets', summary: '登记台账列表：按单位、状态、渠道、日期、逾期筛选，按办理时限排序',
      querystring: TicketListQuery,
      response: { 200: Page(TicketRowSchema), ...errorResponses(403) },
    },
  }, async (req) => tickets.list(req.query, req.actor, { requestId: req.id }))

  app.get('/tickets/:id', {
    config: { roles: readers },
    schema: { tags, operationId: 'getTicket', summary: '查看台账及办理记录', params: IdParams, response: { 200: TicketSchema, ...errorResponses(403, 404) } },
  }, async (req) => tickets.get(req.params.id, req.actor, { requestId: req.id }))

  app.get('/tickets/:id/references', {
    config: { roles: ['admin', 'agent', 'unit'] },
    schema: {
      tags, operationId: 'ticketReferences', summary: '参考答复：问答库中最接近的条目，以及以前答过的相似工单',
      params: IdParams, response: { 200: TicketReferencesSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => references.references(req.params.id, req.actor, { requestId: req.id }))

  app.post('/tickets/:id/assign', {
    config: { roles: ['admin', 'agent', 'unit'], audit: ticketAudit },
    schema: { tags, operationId: 'assignTicket', summary: '交办：将待交办台账交给政策制定单位', params: IdParams, body: AssignBody, response: { ...acted, ...errorResponses(403, 404, 409, 422) } },
  }, async (req) => tickets.assign(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/reassign', {
    config: { roles: ['admin', 'agent'], audit: ticketAudit },
    schema: { tags, operationId: 'reassignTicket', summary: '转办：改由另一单位办理（办理时限不重新计算）', params: IdParams, body: ReassignBody, response: { ...acted, ...errorResponses(403, 404, 409, 422) } },
  }, async (req) => tickets.reassign(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/return', {
    config: { roles: ['admin', 'agent', 'unit'], audit: ticketAudit },
    schema: { tags, operationId: 'returnTicket', summary: '退回：非本单位职责，退回派单单位重新交办', params: IdParams, body: ReturnBody, response: acted },
  }, async (req) => tickets.returnToDispatcher(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/answer', {
    config: { roles: ['admin', 'unit'], audit: ticketAudit },
    schema: { tags, operationId: 'answerTicket', summary: '单位提交答复内容（建议类须填写采纳情况及理由）', params: IdParams, body: AnswerBody, response: acted },
  }, async (req) => tickets.answer(req.params.id, req.body, req.actor))

  app.put('/tickets/:id/public-summary', {
    config: { roles: ['admin', 'unit'], audit: ticketAudit },
    schema: {
      tags, operationId: 'setTicketPublicSummary', summary: '修改已作出决定的建议在政策文件页面公开的摘要',
      params: IdParams, body: PublicSummaryBody, response: { ...acted, ...errorResponses(400, 403, 404, 409) },
    },
  }, async (req) => tickets.setPublicSummary(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/reply', {
    config: { roles: ['admin', 'agent', 'unit', 'integration'], audit: ticketAudit },
    schema: { tags, operationId: 'replyTicket', summary: '登记已回复咨询人：方式、时间、回复人', params: IdParams, body: ReplyBody, response: acted },
  }, async (req) => tickets.reply(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/close', {
    config: { roles: ['admin', 'agent'], audit: ticketAudit },
    schema: { tags, operationId: 'closeTicket', summary: '办结（销号）', params: IdParams, body: CloseBody, response: acted },
  }, async (req) => tickets.close(req.params.id, req.body, req.actor))

  app.post('/tickets/:id/promote', {
    config: { roles: ['admin', 'unit'], audit: { ...ticketAudit, related: (req, result) => ({ entryId: resultId('entryId')(req, result) }) } },
    schema: {
      tags, operationId: 'promoteTicket', summary: '转入问答库：去标识化后建草稿条目，或作为相近条目的相似问',
      params: IdParams, body: PromoteBody,
      response: { 200: PromoteResultSchema, 201: PromoteResultSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => {
    const { created, result } = await promotion.promote(req.params.id, req.body, req.actor)
    return reply.status(created ? 201 : 200).send(result)
  })
}
