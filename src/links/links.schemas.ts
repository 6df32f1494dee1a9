import { Type } from '@fastify/type-provider-typebox'
import { Code, Nullable, PageQuery } from '../common/schemas.ts'

const UnitRef = Type.Object({ code: Type.String(), name: Type.String() })
const StateEnum = Type.Enum(['ok', 'broken', 'refused', 'unchecked'], { description: 'ok 正常；broken 无法打开（错误状态、无响应、超时、重定向过多）；refused 地址指向内网等，不允许访问；unchecked 尚未检查' })

export const LinkRunSchema = Type.Object({
  id: Type.Integer(),
  trigger: Type.String({ description: 'schedule 定期；manual 手动' }),
  triggerName: Type.String(),
  state: Type.String({ description: 'running 进行中；done 已完成；interrupted 中断（服务重启）' }),
  stateName: Type.String(),
  startedAt: Type.String(),
  finishedAt: Nullable(Type.String()),
  total: Type.Integer({ description: '本次要检查的链接数' }),
  checked: Type.Integer(),
  ok: Type.Integer(),
  broken: Type.Integer({ description: '无法打开或不允许访问' }),
  startedBy: Nullable(Type.Integer()),
}, { title: '链接检查记录' })

export const LinkSchema = Type.Object({
  url: Type.String(),
  state: StateEnum,
  stateName: Type.String(),
  httpStatus: Nullable(Type.Integer()),
  method: Nullable(Type.String({ description: '给出结论的请求：HEAD，或 HEAD 不成功时的 GET' })),
  finalUrl: Nullable(Type.String({ description: '重定向后的地址' })),
  error: Nullable(Type.String()),
  checkedAt: Nullable(Type.String()),
  lastOkAt: Nullable(Type.String({ description: '最近一次能打开的时间' })),
  failingSince: Nullable(Type.String({ description: '自何时起连续无法打开' })),
  sources: Type.Array(Type.Object({
    type: Type.String({ description: 'policy_document 政策文件；interpretation 解读材料；entry_media 条目的图解、动画、短视频' }),
    typeName: Type.String(),
    id: Type.Integer(),
    title: Type.String(),
    unit: Nullable(UnitRef),
  })),
}, { title: '链接' })

export const LinkListQuery = Type.Object({
  ...PageQuery,
  unit: Type.Optional(Code),
  state: Type.Optional(StateEnum),
}, { additionalProperties: false })

export const LinkListSchema = Type.Object({
  items: Type.Array(LinkSchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  counts: Type.Object({ ok: Type.Integer(), broken: Type.Integer(), refused: Type.Integer(), unchecked: Type.Integer() }),
  lastRun: Nullable(LinkRunSchema),
})

export const FlaggedEntriesSchema = Type.Object({
  total: Type.Integer(),
  items: Type.Array(Type.Object({
    entry: Type.Object({ id: Type.Integer(), question: Type.String(), unit: UnitRef }),
    documents: Type.Array(Type.Object({
      id: Type.Integer(), title: Type.String(), docNumber: Nullable(Type.String()), url: Type.String(),
      state: Type.String(), error: Nullable(Type.String()), checkedAt: Nullable(Type.String()),
    })),
  })),
}, { title: '政策链接全部无法打开的条目' })

export const UnitOnlyQuery = Type.Object({ unit: Type.Optional(Code) }, { additionalProperties: false })
