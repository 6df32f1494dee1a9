import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Page, errorResponses, paging } from '../common/schemas.ts'
import type { AuditService } from './audit.service.ts'
import { AuditEntrySchema, AuditQuery } from './audit.schemas.ts'

export const auditRoutes: FastifyPluginAsyncTypebox<{ audit: AuditService }> = async (app, { audit }) => {
  // No `roles`: admins only.
  app.get('/audit', {
    schema: {
      tags: ['audit'], operationId: 'listAuditLog', summary: '查询审计日志（按操作者、操作、对象与时间段筛选）',
      querystring: AuditQuery,
      response: { 200: Page(AuditEntrySchema), ...errorResponses(403) },
    },
  }, async (req) => audit.list({ ...req.query, ...paging(req.query) }))
}
