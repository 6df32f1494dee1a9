import { Type } from '@fastify/type-provider-typebox'
import { Code, Nullable, PageQuery } from '../common/schemas.ts'
import { EntryStatusSchema } from '../kb/kb.schemas.ts'

export const FormatQuery = Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx', description: 'xlsx（默认）或 csv（UTF-8 带 BOM，Excel 可直接打开）' })

export const EntryExportQuery = Type.Object({
  format: Type.Optional(FormatQuery),
  topic: Type.Optional(Code),
  unit: Type.Optional(Code),
  status: Type.Optional(EntryStatusSchema),
  inForce: Type.Optional(Type.Boolean({ description: 'true 只导出有效的条目，false 只导出所依据文件均已失效或废止的条目' })),
  version: Type.Optional(Type.Union([Type.Literal('latest'), Type.Literal('published')], {
    default: 'latest',
    description: 'latest（默认）每条的最新版本，用于修改后再导入；published 只导出已发布的内容（交给门户网站、12345 知识库）',
  })),
}, { additionalProperties: false })

export const DocumentExportQuery = Type.Object({ format: Type.Optional(FormatQuery) }, { additionalProperties: false })

export const ReportQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { description: '默认与上传的文件相同' })),
  onlyErrors: Type.Optional(Type.Boolean({ default: false, description: 'true 只包含有误的行' })),
}, { additionalProperties: false })

const Counts = Type.Object({
  rows: Type.Integer({ description: '已读取的数据行' }),
  create: Type.Integer({ description: '将新建' }),
  update: Type.Integer({ description: '将修改' }),
  unchanged: Type.Integer({ description: '与库中一致，不变' }),
  errorRows: Type.Integer({ description: '有误的行' }),
})

export const RowProblemSchema = Type.Object({
  rowNo: Type.Integer({ description: '表格中的行号（第 1 行为表头）' }),
  column: Type.String({ description: '列名' }),
  message: Type.String(),
}, { title: '有误的单元格' })

export const ImportJobSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('entries'), Type.Literal('documents')], { description: 'entries 问答条目，documents 政策文件' }),
  fileName: Type.String(),
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')]),
  fileSize: Type.Integer({ description: '字节' }),
  status: Type.Union([Type.Literal('validating'), Type.Literal('validated'), Type.Literal('importing'), Type.Literal('done'), Type.Literal('failed')], {
    description: 'validating 校验中，validated 已校验（可查看报告、确认导入），importing 导入中，done 已导入，failed 未导入（问答库没有改动）',
  }),
  statusLabel: Type.String(),
  progress: Type.Object({
    phase: Type.Union([Type.Literal('validate'), Type.Literal('import')]),
    fraction: Nullable(Type.Number({ description: '0 到 1；导入阶段在一个事务中完成，进度未知时为 null' })),
    rowsDone: Type.Integer(),
    rowsPerSecond: Nullable(Type.Integer()),
    secondsLeft: Nullable(Type.Integer({ description: '预计剩余秒数' })),
  }),
  counts: Counts,
  result: Nullable(Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer(), published: Type.Integer() })),
  error: Nullable(Type.Object({ code: Type.String(), message: Type.String() })),
  note: Nullable(Type.String()),
  errors: Type.Array(RowProblemSchema, { description: '前 100 行错误；全部错误见 /errors 或错误报告文件' }),
  createdAt: Type.String(),
  validatedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
}, { title: '导入任务' })

export const ImportListQuery = Type.Object({
  ...PageQuery,
  kind: Type.Optional(Type.Union([Type.Literal('entries'), Type.Literal('documents')])),
}, { additionalProperties: false })
