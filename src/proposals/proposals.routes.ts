import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses, paging } from '../common/schemas.ts'
import type { ProposalsService } from './proposals.service.ts'
import {
  AcceptProposalBody, CloseDraftingTaskBody, CreateDraftingTaskBody, DraftingTaskListQuery, DraftingTaskSchema,
  ProposalListQuery, ProposalSchema, RejectProposalBody,
} from './proposals.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['proposals']
const deciders = ['admin', 'unit'] as const

export const proposalsRoutes: FastifyPluginAsyncTypebox<{ proposals: ProposalsService }> = async (app, { proposals }) => {
  app.get('/proposals', {
    config: { roles: deciders },
    schema: {
      tags, operationId: 'listQuestionProposals', summary: '相似问法建议：咨询中用某条目答复的新问法，按次数排列（单位只见本单位条目）',
      querystring: ProposalListQuery,
      response: { 200: Page(ProposalSchema), ...errorResponses(403, 404) },
    },
  }, async (req) => proposals.listProposals({ ...req.query, ...paging(req.query) }, req.actor))

  app.post('/proposals/:id/accept', {
    config: { roles: deciders, audit: { target: 'proposal', id: pathId() } },
    schema: {
      tags, operationId: 'acceptQuestionProposal', summary: '采纳相似问法：写入条目草稿版本并提交审核，审核通过后生效',
      params: IdParams, body: AcceptProposalBody,
      response: { 200: ProposalSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => proposals.acceptProposal(req.params.id, req.body, req.actor))

  app.post('/proposals/:id/reject', {
    config: { roles: deciders, audit: { target: 'proposal', id: pathId() } },
    schema: {
      tags, operationId: 'rejectQuestionProposal', summary: '驳回相似问法：同一问法今后不再建议',
      params: IdParams, body: RejectProposalBody,
      response: { 200: ProposalSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => proposals.rejectProposal(req.params.id, req.body, req.actor))

  app.post('/drafting-tasks', {
    config: { idempotency: true, audit: { target: 'drafting-task', id: resultId('id') } },
    schema: {
      tags, operationId: 'createDraftingTask', summary: '交办起草任务：把库中没有答案、多次被问到的问题交给单位起草条目',
      body: CreateDraftingTaskBody,
      response: { 201: DraftingTaskSchema, ...errorResponses(403, 404) },
    },
  }, async (req, reply) => reply.status(201).send(await proposals.createTask(req.body, req.actor)))

  app.get('/drafting-tasks', {
    config: { roles: deciders },
    schema: {
      tags, operationId: 'listDraftingTasks', summary: '起草任务列表（单位只见本单位）',
      querystring: DraftingTaskListQuery,
      response: { 200: Page(DraftingTaskSchema), ...errorResponses(403, 404) },
    },
  }, async (req) => proposals.listTasks({ ...req.query, ...paging(req.query) }, req.actor))

  app.get('/drafting-tasks/:id', {
    config: { roles: deciders },
    schema: { tags, operationId: 'getDraftingTask', summary: '查看起草任务', params: IdParams, response: { 200: DraftingTaskSchema, ...errorResponses(403, 404) } },
  }, async (req) => proposals.getTask(req.params.id, req.actor))

  app.post('/drafting-tasks/:id/close', {
    config: { roles: deciders, audit: { target: 'drafting-task', id: pathId() } },
    schema: {
      tags, operationId: 'closeDraftingTask', summary: '办结起草任务：已起草（注明条目）或不予起草（注明理由）',
      params: IdParams, body: CloseDraftingTaskBody,
      response: { 200: DraftingTaskSchema, ...errorResponses(403, 404, 409, 422) },
    },
  }, async (req) => proposals.closeTask(req.params.id, req.body, req.actor))
}
