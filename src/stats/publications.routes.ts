import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParams, errorResponses } from '../common/schemas.ts'
import type { PublicationsService } from './publications.service.ts'
import { contentDisposition } from './ledger.routes.ts'
import {
  FileResponse, MonthParams, PublicationItemSchema, PublicationListSchema, SelectPublicationsBody, UpdatePublicationBody,
} from './stats.schemas.ts'
import { pathId } from '../plugins/route-config.ts'

const tags = ['stats']
// The list is de-identified, made for publication: every staff role may read it; only admins choose.
const readers = ['admin', 'agent', 'unit', 'reviewer'] as const

export const publicationsRoutes: FastifyPluginAsyncTypebox<{ publications: PublicationsService }> = async (app, { publications }) => {
  app.post('/publications/:month', {
    config: { audit: { target: 'publication', id: pathId('month'), related: (req) => ({ ticketIds: (req.body as { ticketIds?: number[] }).ticketIds }) } },
    schema: {
      tags, operationId: 'selectPublications', summary: '选择本月公开的典型咨询与答复（去标识化后保存）',
      params: MonthParams, body: SelectPublicationsBody, response: { 200: PublicationListSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req) => publications.select(req.params.month, req.body.ticketIds, req.actor))

  app.get('/publications/:month', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'listPublications', summary: '某月的答复公开清单',
      params: MonthParams, response: { 200: PublicationListSchema, ...errorResponses(403) },
    },
  }, async (req) => publications.list(req.params.month))

  app.get('/publications/:month/csv', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'exportPublications', summary: '导出某月的答复公开清单（UTF-8 带 BOM 的 csv）',
      params: MonthParams, response: { 200: FileResponse('留言摘要、受理日期、答复日期、答复部门、答复内容', 'text/csv'), ...errorResponses(403) },
    },
  }, async (req, reply) => {
    const file = await publications.csv(req.params.month)
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', contentDisposition(file.filename)).send(file.text)
  })

  app.patch('/publications/items/:id', {
    config: { audit: { target: 'publication', id: pathId() } },
    schema: {
      tags, operationId: 'updatePublication', summary: '修改答复公开条目的摘要或答复内容',
      params: IdParams, body: UpdatePublicationBody, response: { 200: PublicationItemSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => publications.update(req.params.id, req.body))

  app.delete('/publications/items/:id', {
    config: { audit: { target: 'publication', id: pathId() } },
    schema: {
      tags, operationId: 'removePublication', summary: '从答复公开清单中移除条目',
      params: IdParams, response: { 204: Type.Null(), ...errorResponses(403, 404) },
    },
  }, async (req, reply) => {
    await publications.remove(req.params.id)
    return reply.status(204).send(null)
  })
}
