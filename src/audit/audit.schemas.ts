import { Type } from '@fastify/type-provider-typebox'
import { Id, IsoDateTime, Nullable, PageQuery } from '../common/schemas.ts'
import { ROLES } from '../auth/auth.types.ts'

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ description: '发生时间（UTC）' }),
  actor: Nullable(Type.Object({
    tokenId: Nullable(Type.Integer()),
    role: Nullable(Type.String()),
    name: Nullable(Type.String({ description: '令牌名称' })),
  }, { description: '操作者；命令行与后台任务为空' })),
  action: Type.String({ description: '操作（接口的 operationId，或如 readContactDetails）' }),
  targetType: Type.String({ description: '对象类型，如 consultation、ticket、entry' }),
  targetIds: Type.Array(Type.Union([Type.Integer(), Type.String()])),
  details: Nullable(Type.Object({}, { additionalProperties: true, description: '涉及的编号与字段名，不含个人信息' })),
  requestId: Nullable(Type.String()),
}, { title: '审计记录' })

export const AuditQuery = Type.Object({
  ...PageQuery,
  actorTokenId: Type.Optional(Id),
  role: Type.Optional(Type.Union(ROLES.map((r) => Type.Literal(r)))),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: '对象编号，与 targetIds 中任一项相同即命中' })),
  from: Type.Optional(IsoDateTime),
  to: Type.Optional(IsoDateTime),
}, { additionalProperties: false })
