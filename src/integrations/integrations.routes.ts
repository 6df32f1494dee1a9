import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses, paging } from '../common/schemas.ts'
import type { IntegrationsService } from './integrations.service.ts'
import {
  EventDetailSchema, EventIdParams, EventQuery, EventSummarySchema, IntegrationSchema, PollQuery, PollResultSchema,
  RegisterIntegrationBody, RegisteredIntegrationSchema, RotatedSecretSchema, UpdateIntegrationBody,
} from './integrations.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['integrations']

export const integrationsRoutes: FastifyPluginAsyncTypebox<{ integrations: IntegrationsService }> = async (app, { integrations }) => {
  app.post('/integrations', {
    config: { audit: { target: 'integration', id: resultId('id') } },
    schema: {
      tags, operationId: 'registerIntegration', summary: '登记接入系统（令牌与签名密钥只在此返回一次）',
      body: RegisterIntegrationBody,
      response: { 201: RegisteredIntegrationSchema, ...errorResponses(403) },
    },
  }, async (req, reply) => reply.status(201).send(await integrations.register(req.body, req.actor.tokenId)))

  app.get('/integrations', {
    schema: {
      tags, operationId: 'listIntegrations', summary: '接入系统列表',
      querystring: Type.Object({ includeDeleted: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(IntegrationSchema) }), ...errorResponses(403) },
    },
  }, async (req) => ({ items: await integrations.list(req.query) }))

  app.get('/integrations/:id', {
    schema: { tags, operationId: 'getIntegration', summary: '查看接入系统', params: IdParams, response: { 200: IntegrationSchema, ...errorResponses(403, 404) } },
  }, async (req) => integrations.get(req.params.id))

  app.patch('/integrations/:id', {
    config: { audit: { target: 'integration', id: pathId() } },
    schema: {
      tags, operationId: 'updateIntegration', summary: '修改接入系统（推送地址、启用或停用）',
      params: IdParams, body: UpdateIntegrationBody, response: { 200: IntegrationSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => integrations.update(req.params.id, req.body))

  app.post('/integrations/:id/rotate-secret', {
    config: { audit: { target: 'integration', id: pathId() } },
    schema: {
      tags, operationId: 'rotateIntegrationSecret', summary: '更换签名密钥（新密钥只在此返回一次）',
      params: IdParams, response: { 200: RotatedSecretSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => integrations.rotateSecret(req.params.id))

  app.delete('/integrations/:id', {
    config: { audit: { target: 'integration', id: pathId() } },
    schema: {
      tags, operationId: 'deleteIntegration', summary: '删除接入系统（吊销令牌，停止推送，保留投递记录）',
      params: IdParams, response: { 200: IntegrationSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => integrations.remove(req.params.id))

  app.get('/integration-events', {
    schema: {
      tags, operationId: 'listIntegrationEvents', summary: '推送事件列表（可按状态、类型筛选）',
      querystring: EventQuery, response: { 200: Page(EventSummarySchema), ...errorResponses(403) },
    },
  }, async (req) => integrations.listEvents({ ...req.query, ...paging(req.query) }))

  app.get('/integration-events/:eventId', {
    schema: {
      tags, operationId: 'getIntegrationEvent', summary: '查看推送事件及每次投递记录',
      params: EventIdParams, response: { 200: EventDetailSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => integrations.getEvent(req.params.eventId))

  app.post('/integration-events/:eventId/redeliver', {
    config: { audit: { target: 'integration-event', id: pathId('eventId') } },
    schema: {
      tags, operationId: 'redeliverIntegrationEvent', summary: '重新投递已送达或已停止投递的事件',
      params: EventIdParams, response: { 200: EventDetailSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => integrations.redeliver(req.params.eventId))

  app.get('/events', {
    config: { roles: ['integration'] },
    schema: {
      tags, operationId: 'pollEvents', summary: '接入系统轮询本系统的事件（按顺序，游标分页）',
      querystring: PollQuery, response: { 200: PollResultSchema, ...errorResponses(403) },
    },
  }, async (req) => integrations.poll(req.actor.tokenId, Number(req.query.after ?? 0), req.query.limit ?? 50))
}
