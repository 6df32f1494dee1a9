import { Type } from '@fastify/type-provider-typebox'
import { Code, DateTime, Id, LIMITS, Nullable, PageQuery, Text, codesDescription } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import { CandidateSchema } from '../search/search.schemas.ts'
import { AskerSchema, ChannelSchema, DayOrTime, KindSchema, ReplyMethodSchema } from '../consultations/consultations.schemas.ts'
import { TICKET_STATUSES } from './tickets.types.ts'
import { FollowupProps, PromiseInputSchema } from './followup.schemas.ts'
import { TICKET_STATUS_LABELS } from './tickets.labels.ts'

const literals = <const T extends string>(values: readonly T[], description: string) => Type.Enum([...values], { description })

export const StatusSchema = literals(TICKET_STATUSES, codesDescription(TICKET_STATUS_LABELS))
export const DecisionSchema = literals(['adopted', 'partially_adopted', 'not_adopted'] as const, 'adopted 采纳；partially_adopted 部分采纳；not_adopted 不采纳')

const TicketRowProps = {
  id: Type.Integer(),
  number: Type.String(),
  kind: Type.String(),
  channel: Type.String(),
  status: StatusSchema,
  statusName: Type.String(),
  unit: UnitRef,
  question: Type.String(),
  askerName: Nullable(Type.String({ description: '脱敏' })),
  receivedAt: Type.String(),
  dueAt: Type.String(),
  dueAtProvisional: Type.Boolean(),
  remainingWorkingDays: Nullable(Type.Integer({ description: '距办理时限的剩余工作日（当天到期为 0，逾期为负）；已回复的为空' })),
  overdue: Type.Boolean({ description: '未回复且已过时限，或回复晚于时限' }),
  repliedAt: Nullable(Type.String()),
  reassignCount: Type.Integer(),
  returnCount: Type.Integer(),
}

export const TicketRowSchema = Type.Object(TicketRowProps, { title: '台账（列表行）' })

const HistorySchema = Type.Object({
  at: Type.String(),
  action: Type.String({ description: 'created 登记；assign 交办；reassign 转办；return 退回；answer 答复；answer_revised 修改答复；public_summary 修改建议的公开摘要；reply 回复咨询人；close 办结；promote 转入问答库；due_recomputed 因工作日历变更重算时限；rate 咨询人评价；rate_changed 修改评价；redo 重办；promise 登记承诺事项；promise_fulfilled 承诺事项办结' }),
  actor: Nullable(Type.Object({ name: Type.String(), role: Type.String() })),
  fromStatus: Nullable(Type.String()),
  toStatus: Nullable(Type.String()),
  fromUnit: Nullable(UnitRef),
  toUnit: Nullable(UnitRef),
  note: Nullable(Type.String()),
}, { title: '台账办理记录' })

export const TicketSchema = Type.Object({
  ...TicketRowProps,
  consultationId: Type.Integer(),
  externalId: Nullable(Type.String()),
  routing: Type.String({ description: '首次交办依据：chosen 坐席指定；policy 政策文件制定单位；candidates 相近条目所属单位；topic 领域默认单位；dispatch 派单单位人工交办' }),
  asker: AskerSchema,
  assignedAt: Nullable(Type.String()),
  workingDays: Type.Integer(),
  answer: Nullable(Type.String()),
  answeredAt: Nullable(Type.String()),
  reply: Nullable(Type.Object({ method: Type.String(), repliedAt: Type.String(), repliedBy: Nullable(Type.String()) })),
  closedAt: Nullable(Type.String()),
  suggestion: Nullable(Type.Object({
    policyDocument: Nullable(Type.Object({ id: Type.Integer(), title: Type.String(), docNumber: Nullable(Type.String()) })),
    decision: Nullable(Type.String()),
    decisionReason: Nullable(Type.String()),
    publicSummary: Type.String({ description: '公开摘要：作出决定后在政策文件页面“意见建议采纳情况”中公开的建议内容。尚未作出决定时为默认文本（去标识化后的建议），请核对，答复时可用 publicSummary 改写' }),
    publicSummaryConfirmed: Type.Boolean({ description: 'true：已随决定保存（已公开）；false：尚未作出决定（或重办后待重新决定），publicSummary 为默认文本（最多 2000 字）或上次保存的摘要' }),
  })),
  promotedEntryId: Nullable(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  history: Type.Array(HistorySchema),
  ...FollowupProps,
}, { title: '台账' })

export const TicketListQuery = Type.Object({
  ...PageQuery,
  unitCode: Type.Optional(Code),
  status: Type.Optional(Type.Array(StatusSchema, { maxItems: 5, description: '可重复，如 status=assigned&status=answered' })),
  channel: Type.Optional(ChannelSchema),
  kind: Type.Optional(KindSchema),
  from: Type.Optional(DayOrTime),
  to: Type.Optional(DayOrTime),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '台账编号前缀或咨询内容（% 与 _ 按字面匹配；对无权查看完整信息的台账，只在脱敏后的内容中查找）' })),
  sort: Type.Optional(literals(['dueAt', '-dueAt', 'receivedAt', '-receivedAt'] as const, '排序，默认按办理时限升序')),
}, { additionalProperties: false })

const Reason = Text(LIMITS.note)

export const AssignBody = Type.Object({ unitCode: Code, note: Type.Optional(Reason) }, { additionalProperties: false })
export const ReassignBody = Type.Object({ unitCode: Code, reason: Reason }, { additionalProperties: false })
export const ReturnBody = Type.Object({ reason: Reason }, { additionalProperties: false })
export const AnswerBody = Type.Object({
  answer: Text(LIMITS.answer, { description: '答复内容' }),
  decision: Type.Optional(DecisionSchema),
  decisionReason: Type.Optional(Text(LIMITS.note, { description: '采纳情况的理由' })),
  publicSummary: Type.Optional(Text(LIMITS.question, { description: '建议类：在政策文件页面公开的建议内容（公开摘要），公开前再作一次去标识化，但请勿写入个人信息；不能只有标点、符号或空白。不填时沿用已保存的摘要，首次答复时为台账 suggestion.publicSummary 给出的默认文本（去标识化后的建议）' })),
  promises: Type.Optional(Type.Array(PromiseInputSchema, { maxItems: 10, description: '答复中作出的承诺事项（C5）：内容，及完成日期或工作日数' })),
}, { additionalProperties: false })
export const PublicSummaryBody = Type.Object({
  publicSummary: Text(LIMITS.question, { description: '在政策文件页面公开的建议内容（公开摘要），公开前再作一次去标识化，但请勿写入个人信息；不能只有标点、符号或空白' }),
}, { additionalProperties: false })
export const ReplyBody = Type.Object({
  method: ReplyMethodSchema,
  repliedAt: Type.Optional(DateTime('回复时间，默认为当前时间')),
  repliedBy: Type.Optional(Text(50, { description: '回复人，默认为令牌名称' })),
  note: Type.Optional(Reason),
}, { additionalProperties: false })
export const CloseBody = Type.Object({ note: Type.Optional(Reason) }, { additionalProperties: false })

export const PromoteBody = Type.Object({
  mode: Type.Optional(literals(['new', 'similar'] as const, 'new 新建草稿条目；similar 作为已有条目的相似问。不填时若有相近条目则先提示')),
  entryId: Type.Optional(Id),
  question: Type.Optional(Text(LIMITS.question, { description: '修改后的问题（仍会去标识化）' })),
  answer: Type.Optional(Text(LIMITS.answer, { description: '修改后的答复（仍会去标识化）' })),
  submit: Type.Optional(Type.Boolean({ description: '是否立即提交审核，默认是；false 则留作草稿由单位修改后再提交' })),
}, { additionalProperties: false })

export const PromoteResultSchema = Type.Object({
  outcome: literals(['offered', 'drafted', 'similar_added'] as const, 'offered 有相近条目，可作为其相似问；drafted 已建草稿条目；similar_added 已作为相似问加入'),
  ticketId: Type.Integer(),
  question: Type.String({ description: '去标识化后的问题' }),
  answer: Type.String({ description: '去标识化后的答复' }),
  entryId: Nullable(Type.Integer()),
  versionId: Nullable(Type.Integer()),
  submitted: Type.Boolean({ description: '条目是否已提交审核' }),
  offer: Nullable(Type.Object({
    entryId: Type.Integer(), question: Type.String(), matchedQuestion: Type.String(), confidence: Type.Number(), unit: UnitRef,
  })),
}, { title: '转入问答库结果' })

export const TicketReferencesSchema = Type.Object({
  entries: Type.Array(CandidateSchema, { description: '问答库中最接近的条目（至多 3 条）' }),
  tickets: Type.Array(Type.Object({
    id: Type.Integer(), number: Type.String(), question: Type.String({ description: '按查看人权限脱敏' }), answer: Type.String(),
    unit: UnitRef, answeredAt: Nullable(Type.String()),
  }), { description: '以前答过的相似工单（至多 3 条），与本工单问题共有的词越多越靠前' }),
}, { title: '参考答复' })
