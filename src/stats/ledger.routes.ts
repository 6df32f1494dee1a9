import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Page, errorResponses, paging } from '../common/schemas.ts'
import type { LedgerService } from './ledger.service.ts'
import type { StatsService } from './stats.service.ts'
import { FileResponse, LedgerExportQuery, LedgerListQuery, LedgerRowSchema } from './stats.schemas.ts'

const tags = ['stats']
const roles = ['admin', 'unit'] as const

/** attachment with an ASCII fallback name and the Chinese name in RFC 5987 form. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]+/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

export const ledgerRoutes: FastifyPluginAsyncTypebox<{ ledger: LedgerService; stats: StatsService }> = async (app, { ledger, stats }) => {
  app.get('/ledger', {
    config: { roles },
    schema: {
      tags, operationId: 'listLedger', summary: '登记台账（分页，咨询人信息已脱敏）',
      querystring: LedgerListQuery, response: { 200: Page(LedgerRowSchema), ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, page, pageSize, ...q } = req.query
    return ledger.list({ ...q, ...paging({ page, pageSize }) }, await stats.scope(req.actor, unit))
  })

  app.get('/ledger/export', {
    config: { roles },
    schema: {
      tags, operationId: 'exportLedger', summary: '导出登记台账（xlsx 或 UTF-8 带 BOM 的 csv，流式输出）',
      querystring: LedgerExportQuery,
      response: {
        200: {
          description: '登记台账文件：序号、编号、受理时间、渠道、咨询人、联系电话、咨询内容、交办单位、交办时间、办理时限、答复时间、答复内容、回复方式、是否超期、状态、满意度、是否重办',
          content: {
            ...FileResponse('', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').content,
            ...FileResponse('', 'text/csv').content,
          },
        },
        ...errorResponses(403, 404),
      },
    },
  }, async (req, reply) => {
    const { format, unit, ...q } = req.query
    const file = await ledger.export(format ?? 'xlsx', q, await stats.scope(req.actor, unit))
    return reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.filename)).send(file.stream)
  })
}
