import { Type } from '@fastify/type-provider-typebox'
import { CHANNELS } from './consultations.types.ts'
import { Code, DateTime, IsoDate, IsoDateTime, LIMITS, Nullable, PageQuery, Phone, Text, codesDescription } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import { CHANNEL_LABELS, REPLY_METHOD_LABELS, REPLY_METHODS } from './consultations.labels.ts'

const literals = <const T extends string>(values: readonly T[], description: string) => Type.Enum([...values], { description })

export const ChannelSchema = literals(CHANNELS, codesDescription(CHANNEL_LABELS))
export const KindSchema = literals(['question', 'suggestion'] as const, 'question 咨询；suggestion 对政策文件的建议')
export const OutcomeSchema = literals(['answered', 'ticketed'] as const, 'answered 已即时答复；ticketed 已登记台账')
export const ReplyMethodSchema = literals(REPLY_METHODS, codesDescription(REPLY_METHOD_LABELS))

const Email = Type.String({ format: 'email', maxLength: 200 })
/** Either a day (Asia/Shanghai) or an exact time. */
export const DayOrTime = Type.Union([IsoDate, IsoDateTime], { description: '日期（按北京时间）或 ISO 时间' })

export const AskerInput = Type.Object({
  name: Type.Optional(Text(50)),
  phone: Type.Optional(Phone()),
  email: Type.Optional(Email),
  preferredReply: Type.Optional(ReplyMethodSchema),
}, { additionalProperties: false, description: '咨询人（均可不填）' })

export const CreateConsultationBody = Type.Object({
  channel: ChannelSchema,
  question: Text(LIMITS.letter, { description: `咨询内容（来信全文），不超过 ${LIMITS.letter} 字` }),
  asker: Type.Optional(AskerInput),
  receivedAt: Type.Optional(DateTime('受理时间，默认为当前时间，不能晚于当前时间')),
  kind: Type.Optional(KindSchema),
  answeredEntryId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: '坐席据以即时答复的问答条目' })),
  matchId: Type.Optional(Type.String({ format: 'uuid', maxLength: 36, description: '此前检索匹配的编号（POST /match 返回的 matchId）；不是任何一次匹配的编号时不予保存，咨询照常登记' })),
  openTicket: Type.Optional(Type.Boolean({ description: '虽有匹配但不能即时答复，仍登记台账' })),
  unitCode: Type.Optional(Code),
  topicCode: Type.Optional(Code),
  externalId: Type.Optional(Text(100, { description: '来信在接入系统中的编号；同一令牌下唯一，重试返回原咨询' })),
  policyDocumentId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1, description: '建议所涉的政策文件' })),
}, { additionalProperties: false, title: '受理咨询' })

export const AskerSchema = Type.Object({
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  preferredReply: Nullable(Type.String()),
  masked: Type.Boolean({ description: '是否已脱敏显示' }),
}, { title: '咨询人' })

const TopicRef = Type.Object({ code: Type.String(), name: Type.String() })

export const ConsultationSchema = Type.Object({
  id: Type.Integer(),
  channel: Type.String(),
  kind: Type.String(),
  question: Type.String(),
  asker: AskerSchema,
  receivedAt: Type.String(),
  outcome: OutcomeSchema,
  answeredEntryId: Nullable(Type.Integer()),
  answeredAutomatically: Type.Boolean(),
  matchId: Nullable(Type.String()),
  confidence: Nullable(Type.Number()),
  topic: Nullable(TopicRef),
  policyDocumentId: Nullable(Type.Integer()),
  externalId: Nullable(Type.String()),
  createdAt: Type.String(),
}, { title: '咨询' })

export const AnsweredEntrySchema = Type.Object({
  id: Type.Integer(),
  externalId: Nullable(Type.String()),
  question: Nullable(Type.String()),
  answer: Nullable(Type.String()),
  unit: UnitRef,
  topic: Nullable(TopicRef),
  inForce: Type.Boolean({ description: '所依据的政策文件是否现行有效' }),
}, { title: '答复所用的问答条目' })

export const TicketBriefSchema = Type.Object({
  id: Type.Integer(),
  number: Type.String({ description: '台账编号，如 ZX20251009-0001' }),
  lookupCode: Nullable(Type.String({ description: '查询码（8 位字母和数字，如 K7QM-3WXA），与台账编号一起告知咨询人，凭二者在公开页面查询进度、评价答复；单位令牌看不到' })),
  unit: UnitRef,
  status: Type.String(),
  receivedAt: Type.String(),
  dueAt: Type.String({ description: '办理时限：第 N 个工作日 23:59:59（北京时间）' }),
  dueAtProvisional: Type.Boolean({ description: '时限跨入尚未公布节假日安排的年份，暂按周一至周五（除去元旦、春节等法定节日）计算' }),
}, { title: '台账（简要）' })

export const ConsultationResultSchema = Type.Object({
  consultation: ConsultationSchema,
  entry: Type.Optional(AnsweredEntrySchema),
  ticket: Type.Optional(TicketBriefSchema),
}, { title: '受理结果' })

export const ConsultationListQuery = Type.Object({
  ...PageQuery,
  channel: Type.Optional(ChannelSchema),
  kind: Type.Optional(KindSchema),
  outcome: Type.Optional(OutcomeSchema),
  from: Type.Optional(DayOrTime),
  to: Type.Optional(DayOrTime),
}, { additionalProperties: false })

