import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { TSchema } from '@fastify/type-provider-typebox'
import { ErrorSchema } from '../common/schemas.ts'
import { DocumentSchema } from '../kb/documents.schemas.ts'
import { EntrySchema, ReviewItemSchema, VersionSchema } from '../kb/kb.schemas.ts'

/**
 * Response schemas used by many routes, registered once at the root: routes point at them with
 * `ref(...)` (common/schemas.ts), and the OpenAPI document lists each once under components,
 * named by its `$id`.
 */
export const SHARED_SCHEMAS: TSchema[] = [ErrorSchema, DocumentSchema, EntrySchema, VersionSchema, ReviewItemSchema]

export const TAGS = [
  { name: 'system', description: '系统状态与接口文档' },
  { name: 'auth', description: '令牌与角色' },
  { name: 'units', description: '政策制定单位与政策领域' },
  { name: 'policies', description: '政策文件与解读材料' },
  { name: 'kb', description: '政策咨询问答库：问答条目、版本与审核' },
  { name: 'search', description: '检索匹配、同义词与词典' },
  { name: 'calendar', description: '工作日历与办理时限' },
  { name: 'consultations', description: '咨询受理' },
  { name: 'tickets', description: '登记台账：交办、转办、答复与办结；答复后的回访评价、重办与承诺事项' },
  { name: 'links', description: '链接检查：政策文件、解读材料与条目图解视频的链接是否能打开' },
  { name: 'integrations', description: '接入系统（网站公开信箱）与事件推送' },
  { name: 'stats', description: '督办统计、台账导出与答复公开' },
  { name: 'proposals', description: '问答库从咨询中学习：相似问法建议与起草任务' },
  { name: 'audit', description: '审计日志' },
]

export const swaggerPlugin = fp(async function swaggerDocs(app: FastifyInstance) {
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: '政策咨询问答库 API',
        description: '政策咨询的检索匹配、登记台账、交办答复与督办统计。除 /health、/openapi.json 与账号登录（POST /api/v1/session）外，所有接口需要登录会话（HttpOnly Cookie，修改类请求另带 X-CSRF-Token 请求头）或 `Authorization: Bearer <令牌>`。',
        version: '1.0.0',
      },
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  })
})
