import multipart from '@fastify/multipart'
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { IdParams, Page, PageQuery, errorResponses, paging } from '../common/schemas.ts'
import { contentDisposition } from '../stats/ledger.routes.ts'
import { FileResponse } from '../stats/stats.schemas.ts'
import type { ImportKind } from './sheets.table.ts'
import type { ImportsService } from './imports.service.ts'
import type { ExportsService } from './exports.service.ts'
import { DocumentExportQuery, EntryExportQuery, ImportJobSchema, ImportListQuery, ReportQuery, RowProblemSchema } from './sheets.schemas.ts'
import { SheetFileMissingError } from './sheets.errors.ts'
import { CONTENT_TYPES, sheetStream } from './sheets.writer.ts'
import { SHEET_NAMES } from './sheets.columns.ts'
import { pathId, resultId } from '../plugins/route-config.ts'

const tags = ['kb']
const readers = ['admin', 'agent', 'unit', 'reviewer'] as const
const editors = ['admin', 'unit'] as const
const XLSX = CONTENT_TYPES.xlsx
const fileOf = (description: string, csv = true) => ({
  description,
  content: { ...FileResponse('', XLSX).content, ...(csv ? FileResponse('', 'text/csv').content : {}) },
})
const UPLOAD_DESCRIPTION = '以 multipart/form-data 上传，文件字段名为 file（.xlsx 或 .csv，最多 100,000 行、50 MB）。'
  + '立即返回 202 和导入任务，随后在后台逐行校验（不写入）；用 GET /imports/{id} 查看进度与校验报告，无误后 POST /imports/{id}/commit 导入。'
  + '可带 Idempotency-Key 头，重试不会重复创建任务。'

const send = (reply: FastifyReply, file: { stream: NodeJS.ReadableStream | Buffer; contentType: string; filename: string }) =>
  reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.filename)).send(file.stream)

/** Spreadsheets in and out of the library: templates, exports, and import jobs, under /api/v1. */
export const sheetsRoutes: FastifyPluginAsyncTypebox<{ imports: ImportsService; exports: ExportsService }> = async (app, { imports, exports }) => {
  // Multipart only here, with the import's limits: one file, a few small fields.
  await app.register(multipart, { limits: { fileSize: imports.limits.maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 100 } })

  async function upload(kind: ImportKind, req: FastifyRequest, reply: FastifyReply) {
    if (!req.isMultipart()) throw new SheetFileMissingError()
    const file = await req.file()
    if (!file || file.fieldname !== 'file') throw new SheetFileMissingError()
    return reply.status(202).send(await imports.receive(kind, { filename: file.filename, file: file.file }, req.actor))
  }
  const uploadRoute = (operationId: string, summary: string) => ({
    config: { roles: editors, idempotency: true, audit: { target: 'import', id: resultId('id') } },
    schema: { tags, operationId, summary, description: UPLOAD_DESCRIPTION, consumes: ['multipart/form-data'], response: { 202: ImportJobSchema, ...errorResponses(403, 413, 422) } },
  })
  const templateRoute = (operationId: string, summary: string) => ({
    config: { roles: readers },
    schema: { tags, operationId, summary, response: { 200: fileOf('导入模板（.xlsx）：第一张表为表头和一行示例，「填写说明」表解释每一列，「可选值」表列出可填的领域和承办单位', false), ...errorResponses(403) } },
  })

  app.get('/entries/import-template', templateRoute('getEntryImportTemplate', '下载问答条目导入模板（.xlsx）'), async (_req, reply) => send(reply, await exports.template('entries')))
  app.get('/policy-documents/import-template', templateRoute('getDocumentImportTemplate', '下载政策文件导入模板（.xlsx）'), async (_req, reply) => send(reply, await exports.template('documents')))

  app.get('/entries/export', {
    config: { roles: readers },
    schema: {
      tags, operationId: 'exportEntries', summary: '导出问答库（xlsx 或带 BOM 的 csv，与导入模板同格式，流式输出）',
      querystring: EntryExportQuery, response: { 200: fileOf('问答条目表：外部编号、标准问题、相似问法、答复口径、关键词、领域、承办单位、政策文件文号、图解/视频链接、状态'), ...errorResponses(403, 404) },
    },
  }, async (req, reply) => {
    const { format, ...q } = req.query
    return send(reply, await exports.entries(format ?? 'xlsx', q, req.actor))
  })

  app.get('/policy-documents/export', {
    config: { roles: readers },
    schema: {
      tags: ['policies'], operationId: 'exportDocuments', summary: '导出政策文件（xlsx 或带 BOM 的 csv，与导入模板同格式）',
      querystring: DocumentExportQuery, response: { 200: fileOf('政策文件表：文号、标题、发文单位、发布日期、施行日期、失效日期、效力、链接、承办单位'), ...errorResponses(403) },
    },
  }, async (req, reply) => send(reply, exports.documents(req.query.format ?? 'xlsx')))

  app.post('/entries/imports', uploadRoute('uploadEntryImport', '上传问答条目表格（先校验，不写入）'), async (req, reply) => upload('entries', req, reply))
  app.post('/policy-documents/imports', uploadRoute('uploadDocumentImport', '上传政策文件表格（先校验，不写入）'), async (req, reply) => upload('documents', req, reply))

  app.get('/imports', {
    config: { roles: editors },
    schema: { tags, operationId: 'listImports', summary: '导入任务列表（本令牌的；管理员可见全部）', querystring: ImportListQuery, response: { 200: Page(ImportJobSchema), ...errorResponses(403) } },
  }, async (req) => imports.list(req.actor, { kind: req.query.kind, ...paging(req.query) }))

  app.get('/imports/:id', {
    config: { roles: editors },
    schema: { tags, operationId: 'getImport', summary: '导入任务的进度与校验报告', params: IdParams, response: { 200: ImportJobSchema, ...errorResponses(403, 404) } },
  }, async (req) => imports.get(req.params.id, req.actor))

  app.get('/imports/:id/errors', {
    config: { roles: editors },
    schema: {
      tags, operationId: 'listImportErrors', summary: '导入任务的全部错误（逐行逐列）', params: IdParams,
      querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }), response: { 200: Page(RowProblemSchema), ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { page, pageSize } = paging(req.query)
    return imports.errors(req.params.id, req.actor, page, pageSize)
  })

  app.get('/imports/:id/report', {
    config: { roles: editors },
    schema: {
      tags, operationId: 'downloadImportReport', summary: '下载错误报告：上传的表格加一列「错误说明」，在 Excel 中修改后可直接重新上传',
      params: IdParams, querystring: ReportQuery, response: { 200: fileOf('上传的各行及「错误说明」列'), ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => {
    const { job, chunks } = await imports.reportRows(req.params.id, req.actor, req.query.onlyErrors ?? false)
    const format = req.query.format ?? job.format
    const stream = sheetStream(format, job.kind, chunks, { withErrors: true })
    return send(reply, { stream, contentType: CONTENT_TYPES[format], filename: `${SHEET_NAMES[job.kind]}_校验报告_${job.id}.${format}` })
  })

  app.post('/imports/:id/commit', {
    config: { roles: editors, idempotency: true, audit: { target: 'import', id: pathId() } },
    schema: {
      tags, operationId: 'commitImport', summary: '确认导入（后台在一个事务中写入，全部成功或全部不写入）',
      description: '只能导入校验无误的任务。立即返回 202，用 GET /imports/{id} 查看结果。重复提交返回同一任务，不会重复导入。',
      params: IdParams, response: { 202: ImportJobSchema, ...errorResponses(403, 404, 409) },
    },
  }, async (req, reply) => reply.status(202).send(await imports.commit(req.params.id, req.actor)))
}
