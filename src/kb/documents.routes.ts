import { type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, Page, errorResponses, ref, paging } from '../common/schemas.ts'
import type { KbService } from './kb.service.ts'
import {
  CreateDocumentBody, CreateInterpretationBody, DocumentSchema, InterpretationParams, InterpretationSchema, ListDocumentsQuery, UpdateDocumentBody,
} from './documents.schemas.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['policies']
const PolicyDocument = ref(DocumentSchema)
const readers = ['admin', 'agent', 'unit', 'reviewer'] as const
const editors = ['admin', 'unit'] as const

export const documentsRoutes: FastifyPluginAsyncTypebox<{ kb: KbService }> = async (app, { kb }) => {
  app.get('/policy-documents', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listPolicyDocuments', summary: '政策文件列表（按效力、单位、关键字筛选）',
      querystring: ListDocumentsQuery,
      response: { 200: Page(PolicyDocument), ...errorResponses(403, 404) },
    },
  }, async (req) => kb.listDocuments({ ...req.query, ...paging(req.query) }))

  app.post('/policy-documents', {
    config: { roles: editors, audit: { target: 'policy-document', id: resultId('id') } },
    schema: {
      tags, operationId: 'createPolicyDocument', summary: '新增政策文件',
      body: CreateDocumentBody,
      response: { 201: PolicyDocument, ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => reply.status(201).send(await kb.createDocument(req.body, req.actor)))

  app.get('/policy-documents/:id', {
    config: { roles: readers },
    schema: { tags, operationId: 'getPolicyDocument', summary: '查看政策文件及其解读材料', params: IdParams, response: { 200: PolicyDocument, ...errorResponses(403, 404) } },
  }, async (req) => kb.getDocument(req.params.id))

  app.patch('/policy-documents/:id', {
    config: { roles: editors, audit: { target: 'policy-document', id: pathId() } },
    schema: {
      tags, operationId: 'updatePolicyDocument', summary: '修改政策文件（含效力：现行有效、失效、废止）',
      description: '效力改为失效或废止后，仅以该文件为依据的条目不再作为现行答复口径（inForce 为 false）。',
      params: IdParams, body: UpdateDocumentBody,
      response: { 200: PolicyDocument, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => kb.updateDocument(req.params.id, req.body, req.actor))

  app.delete('/policy-documents/:id', {
    config: { audit: { target: 'policy-document', id: pathId() } },
    schema: {
      tags, operationId: 'deletePolicyDocument', summary: '删除未被任何条目引用的政策文件',
      params: IdParams, response: { 204: { type: 'null', description: '已删除' }, ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => { await kb.deleteDocument(req.params.id); return reply.status(204).send(null) })

  app.post('/policy-documents/:id/interpretations', {
    config: { roles: editors, audit: { target: 'policy-document', id: pathId(), related: (req, result) => ({ interpretationId: resultId('id')(req, result) }) } },
    schema: {
      tags, operationId: 'addInterpretation', summary: '为政策文件添加解读材料',
      params: IdParams, body: CreateInterpretationBody,
      response: { 201: InterpretationSchema, ...errorResponses(403, 404) },
    },
  }, async (req, reply) => reply.status(201).send(await kb.addInterpretation(req.params.id, req.body, req.actor)))

  app.delete('/policy-documents/:id/interpretations/:interpretationId', {
    config: { roles: editors, audit: { target: 'policy-document', id: pathId() } },
    schema: {
      tags, operationId: 'deleteInterpretation', summary: '删除解读材料',
      params: InterpretationParams, response: { 204: { type: 'null', description: '已删除' }, ...errorResponses(403, 404) },
    },
  }, async (req, reply) => { await kb.deleteInterpretation(req.params.id, req.params.interpretationId, req.actor); return reply.status(204).send(null) })
}
