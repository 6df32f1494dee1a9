import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, PageQuery, errorResponses, paging } from '../common/schemas.ts'
import type { UnitsService } from './units.service.ts'
import { CreateTopicBody, CreateUnitBody, TopicSchema, UnitSchema, UpdateTopicBody, UpdateUnitBody } from './units.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['units']
const readers = ['admin', 'agent', 'unit', 'reviewer'] as const

export const unitsRoutes: FastifyPluginAsyncTypebox<{ units: UnitsService }> = async (app, { units }) => {
  app.get('/units', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listUnits', summary: '单位列表',
      querystring: Type.Object({ ...PageQuery, q: Type.Optional(Type.String({ maxLength: 50 })), active: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Page(UnitSchema), ...errorResponses(403) },
    },
  }, async (req) => units.listUnits({ ...paging(req.query), q: req.query.q, active: req.query.active }))

  app.post('/units', {
    config: { audit: { target: 'unit', id: resultId('id') } },
    schema: {
      tags, operationId: 'createUnit', summary: '新增单位',
      body: CreateUnitBody,
      response: { 201: UnitSchema, ...errorResponses(403, 409) },
    },
  }, async (req, reply) => reply.status(201).send(await units.createUnit(req.body)))

  app.get('/units/:id', {
    config: { roles: readers },
    schema: { tags, operationId: 'getUnit', summary: '查看单位', params: IdParams, response: { 200: UnitSchema, ...errorResponses(403, 404) } },
  }, async (req) => units.getUnit(req.params.id))

  app.patch('/units/:id', {
    config: { audit: { target: 'unit', id: pathId() } },
    schema: { tags, operationId: 'updateUnit', summary: '修改单位', params: IdParams, body: UpdateUnitBody, response: { 200: UnitSchema, ...errorResponses(403, 404) } },
  }, async (req) => units.updateUnit(req.params.id, req.body))

  app.get('/topics', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listTopics', summary: '政策领域列表',
      querystring: Type.Object({ required: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(TopicSchema) }), ...errorResponses(403) },
    },
  }, async (req) => ({ items: await units.listTopics(req.query) }))

  app.post('/topics', {
    config: { audit: { target: 'topic', id: resultId('id') } },
    schema: { tags, operationId: 'createTopic', summary: '新增政策领域', body: CreateTopicBody, response: { 201: TopicSchema, ...errorResponses(403, 404, 409) } },
  }, async (req, reply) => reply.status(201).send(await units.createTopic(req.body)))

  app.patch('/topics/:id', {
    config: { audit: { target: 'topic', id: pathId() } },
    schema: { tags, operationId: 'updateTopic', summary: '修改政策领域', params: IdParams, body: UpdateTopicBody, response: { 200: TopicSchema, ...errorResponses(403, 404) } },
  }, async (req) => units.updateTopic(req.params.id, req.body))
}
