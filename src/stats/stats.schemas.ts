import { Type } from '@fastify/type-provider-typebox'
import { CHANNELS } from '../consultations/consultations.types.ts'
import { TICKET_STATUSES } from '../tickets/tickets.types.ts'
import { Code, IsoDate, Nullable, PageQuery, Text, LIMITS, codesDescription } from '../common/schemas.ts'
import { CHANNEL_LABELS } from '../consultations/consultations.labels.ts'
import { TICKET_STATUS_LABELS } from '../tickets/tickets.labels.ts'

const ChannelEnum = Type.Union(CHANNELS.map((c) => Type.Literal(c)), { description: codesDescription(CHANNEL_LABELS) })
const StatusEnum = Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)), { description: codesDescription(TICKET_STATUS_LABELS) })
const Ratio = Nullable(Type.Number({ minimum: 0, maximum: 1, description: '比例（0 到 1，保留四位小数）；分母为 0 时为 null' }))
const UnitRef = Type.Object({ code: Type.String(), name: Type.String() })

export const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: '月份，如 2025-10' })
export const MonthParams = Type.Object({ month: Month })

const PeriodFields = {
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
}
const UnitField = { unit: Type.Optional(Code) }
const Limit = (dflt: number, max: number) => Type.Optional(Type.Integer({ minimum: 1, maximum: max, default: dflt }))

export const PeriodQuerySchema = Type.Object({ ...PeriodFields, ...UnitField }, {
  additionalProperties: false,
  description: 'from、to 为上海时间日期（含首尾）；缺省为本月 1 日至今天。unit 为单位编码（仅管理员可指定其他单位）',
})
export const LimitedPeriodQuery = Type.Object({ ...PeriodFields, ...UnitField, limit: Limit(20, 200) }, { additionalProperties: false })
export const UnitQuery = Type.Object({ ...UnitField }, { additionalProperties: false })
export const MaintenanceQuery = Type.Object({
  ...UnitField,
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: '多少个月未复核算作过期未复核；缺省取配置 STALE_ENTRY_MONTHS' })),
  limit: Limit(50, 500),
}, { additionalProperties: false })

const LedgerFilterFields = {
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  unit: Type.Optional(Code),
  channel: Type.Optional(ChannelEnum),
  status: Type.Optional(StatusEnum),
  overdue: Type.Optional(Type.Boolean({ description: '是否超期：true 只列超期的工单（已过办理时限仍未回复咨询人，或回复晚于时限），false 只列未超期的' })),
}
export const LedgerListQuery = Type.Object({ ...LedgerFilterFields, ...PageQuery }, { additionalProperties: false })
export const LedgerExportQuery = Type.Object({
  format: Type.Union([Type.Literal('xlsx'), Type.Literal('csv')], { default: 'xlsx' }),
  ...LedgerFilterFields,
}, { additionalProperties: false })

export const LedgerRowSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: '编号' }),
  receivedAt: Type.String({ description: '受理时间（UTC）' }),
  channel: Type.String(),
  channelLabel: Type.String(),
  kind: Type.String(),
  asker: Type.Object({ name: Nullable(Type.String()), phone: Nullable(Type.String()) }, { description: '咨询人（已脱敏）' }),
  question: Type.String({ description: '咨询内容（其中的身份证号、电话号码已脱敏）' }),
  unit: UnitRef,
  assignedAt: Nullable(Type.String()),
  dueAt: Type.String({ description: '办理时限' }),
  dueAtProvisional: Type.Boolean(),
  answeredAt: Nullable(Type.String({ description: '单位答复时间' })),
  answer: Nullable(Type.String()),
  replyMethod: Nullable(Type.String()),
  replyMethodLabel: Type.String(),
  repliedAt: Nullable(Type.String({ description: '回复咨询人的时间' })),
  overdue: Type.Boolean({ description: '是否超期：回复晚于时限，或时限已过仍未回复' }),
  status: Type.String(),
  statusLabel: Type.String(),
  round: Type.Integer({ description: '办理轮次：1 为首次，重办后加 1' }),
  redone: Type.Boolean({ description: '是否重办' }),
  rating: Nullable(Type.String({ description: '满意度：satisfied、basically_satisfied、unsatisfied（最近一次评价）；未评价为空' })),
  ratingLabel: Nullable(Type.String({ description: '满意度：满意、基本满意、不满意' })),
}, { title: '登记台账行' })

const Period = Type.Object({ from: Type.String(), to: Type.String() })
const Counts = {
  total: Type.Integer(),
  answeredAtOnce: Type.Integer({ description: '当场答复' }),
  answeredAutomatically: Type.Integer({ description: '其中自动答复' }),
  ticketed: Type.Integer({ description: '登记交办' }),
  answeredAtOnceShare: Ratio,
  ticketedShare: Ratio,
}
export const ConsultationStatsSchema = Type.Object({
  period: Period,
  ...Counts,
  byChannel: Type.Array(Type.Object({ channel: Type.String(), label: Type.String(), ...Counts })),
  byKind: Type.Array(Type.Object({ kind: Type.String(), label: Type.String(), ...Counts })),
})

export const UnitStatsSchema = Type.Object({
  period: Period,
  items: Type.Array(Type.Object({
    unit: UnitRef,
    received: Type.Integer({ description: '期间受理、现由该单位办理的工单数' }),
    answered: Type.Integer({ description: '单位已提供答复内容' }),
    replied: Type.Integer({ description: '已回复咨询人' }),
    repliedOnTime: Type.Integer({ description: '在办理时限内回复' }),
    onTimeRate: Ratio,
    overdueNow: Type.Integer({ description: '目前超期未回复' }),
    overdueEver: Type.Integer({ description: '曾经超期（超期回复或目前超期）' }),
    avgWorkingDays: Nullable(Type.Number({ description: '受理至回复的平均工作日数' })),
    p90WorkingDays: Nullable(Type.Integer({ description: '受理至回复工作日数的第 90 百分位（最近秩法）' })),
    reassigned: Type.Integer({ description: '该单位转办出去的工单数' }),
    returned: Type.Integer({ description: '该单位退回的工单数' }),
  })),
})

export const UnmatchedStatsSchema = Type.Object({
  period: Period,
  totalAsked: Type.Integer(),
  groups: Type.Array(Type.Object({
    question: Type.String({ description: '问得最多的问法（已去标识化）' }),
    count: Type.Integer(),
    lastAskedAt: Type.String(),
    variants: Type.Array(Type.Object({ question: Type.String(), count: Type.Integer() })),
  })),
})

const EntryRef = Type.Object({ id: Type.Integer(), externalId: Nullable(Type.String()), question: Type.String(), unit: UnitRef })
export const EntryStatsSchema = Type.Object({
  period: Period,
  mostHit: Type.Array(Type.Object({ entry: EntryRef, status: Type.String(), periodHits: Type.Integer(), hitCount: Type.Integer() })),
  neverHit: Type.Object({ total: Type.Integer(), items: Type.Array(Type.Object({ entry: EntryRef, publishedAt: Nullable(Type.String()) })) }),
})

export const CoverageSchema = Type.Object({
  requiredAreas: Type.Integer(),
  requiredCovered: Type.Integer(),
  uncoveredAreas: Type.Array(UnitRef),
  topics: Type.Array(Type.Object({
    topic: UnitRef,
    required: Type.Boolean(),
    published: Type.Integer({ description: '已发布条目数' }),
    inForce: Type.Integer({ description: '其中依据现行有效的条目数' }),
    uncovered: Type.Boolean({ description: '必须覆盖的领域却没有现行有效的条目' }),
  })),
  withoutTopic: Type.Object({ published: Type.Integer(), inForce: Type.Integer() }),
})

export const MaintenanceSchema = Type.Object({
  expiredPolicies: Type.Object({
    total: Type.Integer(),
    items: Type.Array(Type.Object({
      entry: EntryRef,
      inForce: Type.Boolean({ description: '是否仍有现行有效的依据' }),
      documents: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), docNumber: Nullable(Type.String()), validity: Type.String(), expiresOn: Nullable(Type.String()) })),
    })),
  }),
  stale: Type.Object({
    months: Type.Integer(),
    cutoff: Type.String(),
    total: Type.Integer(),
    items: Type.Array(Type.Object({ entry: EntryRef, lastReviewedAt: Type.String() })),
  }),
})

export const PublicationItemSchema = Type.Object({
  id: Type.Integer(),
  month: Type.String(),
  ticketId: Type.Integer(),
  summary: Type.String({ description: '留言摘要（已去标识化）' }),
  receivedOn: Type.String({ description: '受理日期' }),
  repliedOn: Nullable(Type.String({ description: '答复日期' })),
  unitName: Type.String({ description: '答复部门' }),
  answer: Type.String({ description: '答复内容（已去标识化）' }),
  createdAt: Type.String(),
}, { title: '答复公开条目' })

export const PublicationListSchema = Type.Object({ month: Type.String(), items: Type.Array(PublicationItemSchema) })

export const SelectPublicationsBody = Type.Object({
  ticketIds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: LIMITS.listItems, description: '选入本月答复公开的工单 id' }),
}, { additionalProperties: false })

export const UpdatePublicationBody = Type.Object({
  summary: Type.Optional(Text(LIMITS.note)),
  answer: Type.Optional(Text(LIMITS.answer)),
}, { additionalProperties: false, minProperties: 1 })

/** A file download. Plain JSON Schema on purpose: the reply is a stream, which the serializer never sees. */
export const FileResponse = (description: string, mediaType: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', format: 'binary' } as Record<string, unknown> } },
})

const FollowupFigures = {
  replied: Type.Integer({ description: '期内回复咨询人的次数（重办的每一轮各算一次）' }),
  rated: Type.Integer({ description: '其中已评价' }),
  satisfied: Type.Integer({ description: '满意' }),
  basicallySatisfied: Type.Integer({ description: '基本满意' }),
  unsatisfied: Type.Integer({ description: '不满意' }),
  satisfactionRate: Nullable(Type.Number({ description: '满意率：（满意 + 基本满意）÷ 已评价' })),
  ratedShare: Nullable(Type.Number({ description: '评价率：已评价 ÷ 回复' })),
  redone: Type.Integer({ description: '其中后来被重办' }),
  redoRate: Nullable(Type.Number({ description: '重办率：被重办 ÷ 回复' })),
  promisesDue: Type.Integer({ description: '期内到期（且时限已过）的承诺事项' }),
  promisesKeptOnTime: Type.Integer({ description: '按期办结' }),
  promisesFulfilledLate: Type.Integer({ description: '逾期办结' }),
  promisesOverdue: Type.Integer({ description: '逾期未办结' }),
  promisesKeptOnTimeRate: Nullable(Type.Number({ description: '承诺按期兑现率：按期办结 ÷ 到期' })),
}
export const FollowupStatsSchema = Type.Object({
  period: Period,
  total: Type.Object(FollowupFigures),
  items: Type.Array(Type.Object({
    unit: UnitRef, ...FollowupFigures,
    promisesOpenNow: Type.Integer({ description: '目前进行中的承诺事项' }),
    promisesOverdueNow: Type.Integer({ description: '目前已逾期未办结的承诺事项' }),
  })),
  months: Type.Array(Type.Object({ month: Type.String({ description: '月份（北京时间），如 2025-10' }), ...FollowupFigures })),
}, { title: '答复后的满意度、重办与承诺兑现' })

export const TrendsQuery = Type.Object({
  ...PeriodFields, ...UnitField,
  interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { description: 'day 按日；week 按周（周一开始）；month 按月。缺省按日', default: 'day' })),
}, { additionalProperties: false, description: 'from、to 为北京时间日期（含首尾），缺省为本月 1 日至今天' })

const Series = Type.Array(Type.Integer())
const ShareSeries = Type.Array(Nullable(Type.Number()), { description: '比例，0 到 1；该段没有数据时为 null' })
export const TrendsSchema = Type.Object({
  period: Period,
  interval: Type.String(),
  buckets: Type.Array(Type.String(), { description: '每段的第一天（北京时间）：日、周一或月初' }),
  consultations: Type.Object({
    total: Series,
    channels: Type.Array(Type.Object({ channel: Type.String(), label: Type.String(), counts: Series })),
    answeredAtOnceShare: ShareSeries,
  }),
  tickets: Type.Object({ opened: Series, replied: Series, overdue: Type.Array(Type.Integer(), { description: '按办理时限所在的段：逾期回复或至今未回复' }) }),
  units: Type.Array(Type.Object({ unit: UnitRef, onTimeRate: ShareSeries })),
})
