import { Type, type FastifyPluginAsyncTypebox, type TSchema } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses, paging, ref } from '../common/schemas.ts'
import type { KbService } from './kb.service.ts'
import { documentsRoutes } from './documents.routes.ts'
import {
  ApproveBody, BulkBody, BulkResult, CommentBody, CreateEntryBody, EntrySchema, ListEntriesQuery, ReturnBody, ReviewItemSchema, ReviewQueueQuery,
  UpdateEntryBody, VersionSchema,
} from './kb.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['kb']
const Entry = ref(EntrySchema)
const readers = ['admin', 'agent', 'unit', 'reviewer'] as const
const editors = ['admin', 'unit'] as const
const reviewers = ['admin', 'reviewer'] as const
const entryAction = <B extends TSchema = typeof CommentBody>(operationId: string, summary: string, roles: readonly ('admin' | 'unit' | 'reviewer')[], body?: B) => ({
  config: { roles, audit: { target: 'entry', id: pathId() } },
  schema: { tags, operationId, summary, params: IdParams, body: (body ?? CommentBody) as B, response: { 200: Entry, ...errorResponses(403, 404, 409) } },
})

/** Policy documents, entries, versions, review and bulk import, under /api/v1. */
export const kbRoutes: FastifyPluginAsyncTypebox<{ kb: KbService }> = async (app, { kb }) => {
  await app.register(documentsRoutes, { kb })

  app.get('/entries', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listEntries', summary: '问答条目列表（按状态、单位、领域、关键字、是否有效筛选）',
      querystring: ListEntriesQuery, response: { 200: Page(Entry), ...errorResponses(403, 404) },
    },
  }, async (req) => kb.listEntries({ ...req.query, ...paging(req.query) }, req.actor))

  app.post('/entries', {
    config: { roles: editors, audit: { target: 'entry', id: resultId('id') } },
    schema: { tags, operationId: 'createEntry', summary: '新建问答条目（草稿）', body: CreateEntryBody, response: { 201: Entry, ...errorResponses(403, 404, 409) } },
  }, async (req, reply) => reply.status(201).send(await kb.createEntry(req.body, req.actor)))

  app.post('/entries/bulk', {
    config: { roles: editors, audit: { target: 'entry', id: resultId('entryIds') } },
    bodyLimit: 20 * 1024 * 1024,
    attachValidation: true,
    schema: {
      tags, operationId: 'importEntries', summary: '批量导入问答条目（一次最多 5000 条，全部成功或全部不导入）',
      description: '任一行有误则整批不导入，details 逐行列出 {index, field, message}。管理员可直接导入已发布条目（迁移已有问答库）。',
      body: BulkBody, response: { 201: BulkResult, ...errorResponses(403, 413, 422) },
    },
  }, async (req, reply) => reply.status(201).send(await kb.importEntries(req.body, req.actor, req.validationError)))

  app.get('/entries/:id', {
    config: { roles: readers },
    schema: { tags, operationId: 'getEntry', summary: '查看问答条目（当前发布内容及在办版本）', params: IdParams, response: { 200: Entry, ...errorResponses(403, 404) } },
  }, async (req) => kb.getEntry(req.params.id, req.actor))

  app.patch('/entries/:id', {
    config: { roles: editors, audit: { target: 'entry', id: pathId() } },
    schema: {
      tags, operationId: 'updateEntry', summary: '修改问答条目（已发布的条目生成新的草稿版本）',
      params: IdParams, body: UpdateEntryBody, response: { 200: Entry, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => kb.updateEntry(req.params.id, req.body, req.actor))

  app.get('/entries/:id/versions', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listEntryVersions', summary: '条目的版本历史与审核记录',
      params: IdParams, response: { 200: Type.Object({ items: Type.Array(ref(VersionSchema)) }), ...errorResponses(403, 404) },
    },
  }, async (req) => kb.listVersions(req.params.id, req.actor))

  app.post('/entries/:id/submit', entryAction('submitEntry', '提交审核', editors), async (req) => kb.submitEntry(req.params.id, req.body, req.actor))
  app.post('/entries/:id/withdraw', entryAction('withdrawEntry', '撤回审核', editors), async (req) => kb.withdrawEntry(req.params.id, req.body, req.actor))
  app.post('/entries/:id/approve', entryAction('approveEntry', '审核通过（末环节通过即发布）', reviewers, ApproveBody), async (req) => kb.approveEntry(req.params.id, req.body, req.actor))
  app.post('/entries/:id/return', entryAction('returnEntry', '审核退回（须填写意见）', reviewers, ReturnBody), async (req) => kb.returnEntry(req.params.id, req.body, req.actor))
  app.post('/entries/:id/archive', entryAction('archiveEntry', '归档条目（停止服务）', editors), async (req) => kb.archiveEntry(req.params.id, req.body.comment, req.actor))
  app.post('/entries/:id/restore', entryAction('restoreEntry', '恢复已归档的条目', editors), async (req) => kb.restoreEntry(req.params.id, req.body.comment, req.actor))

  app.get('/reviews', {
    config: { roles: reviewers },
    schema: {
      tags, operationId: 'listReviewQueue', summary: '待审核队列（含与已发布版本的差异）',
      querystring: ReviewQueueQuery, response: { 200: Page(ref(ReviewItemSchema)), ...errorResponses(403, 404) },
    },
  }, async (req) => kb.listReviewQueue({
    ...req.query, step: req.query.step ?? req.actor.reviewStep ?? undefined, ...paging(req.query),
  }))
}
