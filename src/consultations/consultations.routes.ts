import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses } from '../common/schemas.ts'
import type { ConsultationsService } from './consultations.service.ts'
import { ConsultationListQuery, ConsultationResultSchema, ConsultationSchema, CreateConsultationBody } from './consultations.schemas.ts'
import { resultId } from '../plugins/route-config.ts'

const tags = ['consultations']

export const consultationsRoutes: FastifyPluginAsyncTypebox<{ consultations: ConsultationsService }> = async (app, { consultations }) => {
  app.post('/consultations', {
    config: { roles: ['admin', 'agent', 'integration'], idempotency: true, audit: { target: 'consultation', id: resultId('consultation', 'id'), related: (req, result) => ({ ticketId: resultId('ticket', 'id')(req, result) }) } },
    schema: {
      tags, operationId: 'createConsultation',
      summary: '受理咨询：先检索匹配，能答复的即时答复，否则登记台账并交办',
      description: '有 answeredEntryId 时记为已答复（条目须已发布、所依据的政策现行有效）；否则检索匹配，匹配可靠且渠道允许自动答复时自动答复；其余登记台账。'
        + '咨询内容只有标点、符号或空白的不予受理。接入系统只能登记公开信箱、政务公开专区渠道的咨询。'
        + '同一令牌重复提交相同 externalId 时：渠道、类型、咨询内容、政策文件和咨询人都相同则返回原咨询（200），否则 409。',
      body: CreateConsultationBody,
      response: { 201: ConsultationResultSchema, 200: ConsultationResultSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (req, reply) => {
    const { created, result } = await consultations.submit(req.body, req.actor)
    return reply.status(created ? 201 : 200).send(result)
  })

  app.get('/consultations', {
    config: { roles: ['admin', 'agent', 'integration'] },
    schema: {
      tags, operationId: 'listConsultations', summary: '咨询登记列表（咨询人信息脱敏）',
      querystring: ConsultationListQuery,
      response: { 200: Page(ConsultationSchema), ...errorResponses(403) },
    },
  }, async (req) => consultations.list(req.query, req.actor))

  app.get('/consultations/:id', {
    config: { roles: ['admin', 'agent', 'unit', 'integration'] },
    schema: {
      tags, operationId: 'getConsultation', summary: '查看咨询及其答复或台账',
      params: IdParams,
      response: { 200: ConsultationResultSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => consultations.get(req.params.id, req.actor, { requestId: req.id }))
}

