import { Type } from '@fastify/type-provider-typebox'
import { Code, IsoDate, LIMITS, Nullable, PageQuery, Text } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import { RATINGS } from './tickets.types.ts'

const literals = <const T extends string>(values: readonly T[], description: string) => Type.Enum([...values], { description })

export const RatingEnum = literals(RATINGS, 'satisfied 满意；basically_satisfied 基本满意；unsatisfied 不满意')
const SourceEnum = literals(['callback', 'integration', 'public'] as const, 'callback 坐席回访；integration 接入系统；public 公开页面')
const Comment = Type.Optional(Text(LIMITS.note, { description: '咨询人的意见（可选）' }))

export const RateBody = Type.Object({ rating: RatingEnum, comment: Comment }, { additionalProperties: false })
export const LookupRateBody = Type.Object({
  number: Type.String({ pattern: '^ZX\\d{8}-\\d{4,}$', maxLength: 30, examples: ['ZX20251009-0001'], description: '台账编号，如 ZX20251009-0001' }),
  lookupCode: Type.String({
    pattern: '^[A-Za-z0-9 -]{1,20}$', maxLength: 20, examples: ['K7QM-3WXA'],
    description: '受理时告知咨询人的查询码：8 位字母和数字，如 K7QM-3WXA（不区分大小写，空格和连字符可有可无）；此前受理的工单为 6 位数字，仍然有效',
  }),
  rating: RatingEnum,
  comment: Comment,
}, { additionalProperties: false })

export const RatingViewSchema = Type.Object({
  round: Type.Integer({ description: '评价的是第几轮办理的答复' }),
  rating: RatingEnum,
  ratingName: Type.String(),
  comment: Nullable(Type.String()),
  source: SourceEnum,
  ratedAt: Type.String(),
  changedAt: Nullable(Type.String({ description: '最近一次修改评价的时间' })),
}, { title: '咨询人评价' })

export const RatingResultSchema = Type.Object({
  ticketId: Type.Integer(),
  number: Type.String(),
  round: Type.Integer(),
  rating: RatingEnum,
  ratingName: Type.String(),
  comment: Nullable(Type.String({ description: '已脱敏' })),
  source: SourceEnum,
  ratedAt: Type.String(),
  changedAt: Nullable(Type.String()),
  changeableUntil: Type.String({ description: '此前可修改评价（RATING_CHANGE_DAYS）' }),
  redone: Type.Boolean({ description: '此次不满意评价是否已使台账转入重办' }),
}, { title: '评价结果' })

export const RatingItemSchema = Type.Object({
  ...RatingResultSchema.properties,
  unit: UnitRef,
  ticketStatus: Type.String(),
  ticketStatusName: Type.String(),
  currentRound: Type.Integer(),
}, { title: '评价（列表行）' })

export const RatingListQuery = Type.Object({
  ...PageQuery,
  unit: Type.Optional(Code),
  rating: Type.Optional(RatingEnum),
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  pending: Type.Optional(Type.Boolean({ description: 'true：只列出尚未重办的不满意评价，供督办办公室研判' })),
}, { additionalProperties: false })

export const CallbackListQuery = Type.Object({ ...PageQuery, unit: Type.Optional(Code) }, { additionalProperties: false })

export const RedoBody = Type.Object({
  unitCode: Type.Optional(Code),
  reason: Text(LIMITS.note, { description: '重办理由' }),
}, { additionalProperties: false })

export const PromiseInputSchema = Type.Object({
  content: Text(500, { description: '承诺事项，如“两周内完成路灯维修”' }),
  dueOn: Type.Optional(IsoDate),
  workingDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, description: '自登记时起的工作日数（与 dueOn 二选一）' })),
}, { additionalProperties: false, title: '承诺事项（登记）' })

export const PromisesBody = Type.Object({ promises: Type.Array(PromiseInputSchema, { minItems: 1, maxItems: 10 }) }, { additionalProperties: false })
export const FulfilBody = Type.Object({ note: Text(LIMITS.note, { description: '落实情况（必填）' }) }, { additionalProperties: false })

export const PromiseSchema = Type.Object({
  id: Type.Integer(),
  ticket: Type.Object({ id: Type.Integer(), number: Type.String() }),
  unit: UnitRef,
  round: Type.Integer(),
  content: Type.String({ description: '承诺内容：督办办公室、作出承诺的单位和持有工单的单位看到单位填写的原文，其他人和事件推送看到脱敏文本' }),
  dueOn: Nullable(Type.String()),
  workingDays: Nullable(Type.Integer()),
  dueAt: Type.String({ description: '承诺时限：当日 23:59:59（北京时间）' }),
  dueAtProvisional: Type.Boolean(),
  state: literals(['open', 'fulfilled'] as const, 'open 进行中；fulfilled 已办结'),
  stateName: Type.String({ description: '进行中、已逾期、按期办结、逾期办结' }),
  overdue: Type.Boolean({ description: '进行中已过时限，或办结晚于时限' }),
  remainingWorkingDays: Nullable(Type.Integer()),
  fulfilledAt: Nullable(Type.String()),
  fulfilmentNote: Nullable(Type.String()),
  keptOnTime: Nullable(Type.Boolean()),
  createdAt: Type.String(),
}, { title: '承诺事项' })

export const PromiseListQuery = Type.Object({
  ...PageQuery,
  unit: Type.Optional(Code),
  state: Type.Optional(literals(['open', 'overdue', 'fulfilled'] as const, 'open 进行中（含逾期）；overdue 已逾期未办结；fulfilled 已办结')),
}, { additionalProperties: false })

export const RoundSchema = Type.Object({
  round: Type.Integer(),
  unit: UnitRef,
  startedAt: Type.String(),
  dueAt: Type.String(),
  answer: Nullable(Type.String()),
  answeredAt: Nullable(Type.String()),
  reply: Nullable(Type.Object({ method: Type.String(), repliedAt: Type.String(), repliedBy: Nullable(Type.String()) })),
  closedAt: Nullable(Type.String()),
  redoneAt: Type.String(),
  redoTrigger: literals(['rating', 'office'] as const, 'rating 咨询人不满意自动重办；office 督办办公室决定'),
  redoReason: Type.String(),
  rating: Nullable(RatingViewSchema),
}, { title: '已结束的办理轮次' })

/** What the ticket's own view adds after the reply. */
export const FollowupProps = {
  round: Type.Integer({ description: '第几轮办理：1 为首次，每重办一次加 1' }),
  reopenedAt: Nullable(Type.String({ description: '本轮重办开始时间' })),
  lookupCode: Nullable(Type.String({ description: '查询码（如 K7QM-3WXA），咨询人凭编号和查询码在公开页面查询进度、评价答复；只对坐席、管理员和提交来信的接入系统显示；公开页面受理的工单为 null（查询码只有咨询人知道）' })),
  rating: Nullable(RatingViewSchema),
  rounds: Type.Array(RoundSchema),
  promises: Type.Array(PromiseSchema),
}

