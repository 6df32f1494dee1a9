import { Type } from '@fastify/type-provider-typebox'
import { DOMAIN_EVENT_TYPES } from '../common/events.ts'
import { IsoDateTime, LIMITS, Nullable, PageQuery, Text, Url } from '../common/schemas.ts'

const EventType = Type.Enum(DOMAIN_EVENT_TYPES, { description: '事件类型' })
const OutboxState = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')], {
  description: 'pending 待投递（含重试中）；delivered 已送达；dead 多次失败后停止投递',
})

export const IntegrationSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  webhookUrl: Nullable(Type.String({ description: '事件推送地址；为空则只能轮询' })),
  active: Type.Boolean({ description: '停用后事件照常记录，但暂停推送' }),
  token: Type.Object({ id: Type.Integer(), prefix: Type.String(), revokedAt: Nullable(Type.String()) }),
  events: Type.Object({ pending: Type.Integer(), delivered: Type.Integer(), dead: Type.Integer() }),
  createdAt: Type.String(),
  secretRotatedAt: Nullable(Type.String()),
  deletedAt: Nullable(Type.String()),
})

export const RegisteredIntegrationSchema = Type.Object({
  ...IntegrationSchema.properties,
  credentials: Type.Object({
    token: Type.String({ description: '接入系统调用本服务所用的令牌（integration 角色），只显示这一次' }),
    secret: Type.String({ description: '事件签名密钥，只显示这一次' }),
  }),
})

export const RotatedSecretSchema = Type.Object({
  ...IntegrationSchema.properties,
  credentials: Type.Object({ secret: Type.String({ description: '新的签名密钥，只显示这一次；旧密钥立即失效' }) }),
})

export const RegisterIntegrationBody = Type.Object({
  name: Text(LIMITS.shortText),
  webhookUrl: Type.Optional(Type.Unsafe<string>({ ...Url, description: '事件推送地址（http 或 https）；不填则只能轮询' })),
}, { additionalProperties: false })

export const UpdateIntegrationBody = Type.Object({
  name: Type.Optional(Text(LIMITS.shortText)),
  webhookUrl: Type.Optional(Nullable(Url)),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 })

export const EventIdParams = Type.Object({ eventId: Type.String({ format: 'uuid', maxLength: 36 }) })

export const EventQuery = Type.Object({
  ...PageQuery,
  integrationId: Type.Optional(Type.Integer({ minimum: 1 })),
  state: Type.Optional(OutboxState),
  type: Type.Optional(EventType),
  externalId: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })

export const EventSummarySchema = Type.Object({
  id: Type.String({ description: '事件编号（UUID），接收方据此去重' }),
  seq: Type.Integer(),
  type: Type.String(),
  integration: Type.Object({ id: Type.Integer(), name: Type.String() }),
  consultationId: Nullable(Type.Integer()),
  externalId: Nullable(Type.String()),
  state: OutboxState,
  attempts: Type.Integer({ description: '本轮已尝试次数' }),
  nextAttemptAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  lastError: Nullable(Type.String()),
  createdAt: Type.String(),
})

export const DeliverySchema = Type.Object({
  attempt: Type.Integer(),
  at: Type.String(),
  outcome: Type.Union([Type.Literal('in_flight'), Type.Literal('delivered'), Type.Literal('failed'), Type.Literal('interrupted')]),
  url: Nullable(Type.String()),
  statusCode: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  durationMs: Type.Integer(),
})

export const EventDetailSchema = Type.Object({
  ...EventSummarySchema.properties,
  data: Type.Record(Type.String(), Type.Unknown()),
  deliveries: Type.Array(DeliverySchema),
})

export const EnvelopeSchema = Type.Object({
  id: Type.String({ description: '事件编号（UUID），重复推送时不变，接收方据此去重' }),
  type: EventType,
  occurredAt: IsoDateTime,
  externalId: Nullable(Type.String({ description: '来信在接入系统中的编号' })),
  consultationId: Nullable(Type.Integer()),
  data: Type.Record(Type.String(), Type.Unknown(), { description: '事件内容：办件（编号、状态、办理时限、承办单位），答复内容等' }),
})

export const PollQuery = Type.Object({
  after: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: '上次返回的 nextCursor；不填则从头开始' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize, default: 50 })),
}, { additionalProperties: false })

export const PollResultSchema = Type.Object({
  items: Type.Array(Type.Object({ cursor: Type.String(), ...EnvelopeSchema.properties })),
  nextCursor: Type.String({ description: '下次请求时作为 after 传回' }),
  hasMore: Type.Boolean(),
})
