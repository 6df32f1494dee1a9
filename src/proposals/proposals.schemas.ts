import { Type } from '@fastify/type-provider-typebox'
import { Code, Id, IsoDateTime, Nullable, PageQuery, Text } from '../common/schemas.ts'

const Unit = Type.Object({ code: Type.String(), name: Type.String() })

export const ProposalStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('rejected')], { description: 'open 待处理 / accepted 已采纳 / rejected 已驳回' })

export const ProposalSchema = Type.Object({
  id: Type.Integer(),
  question: Type.String({ description: '咨询中的问法（已去标识化；含个人信息的问题不作建议）' }),
  asked: Type.Integer({ description: '以该问法咨询并用此条目答复的次数' }),
  askedAutomatically: Type.Integer({ description: '其中自动答复（信箱、门户）的次数' }),
  firstAskedAt: IsoDateTime, lastAskedAt: IsoDateTime,
  status: ProposalStatusSchema, statusName: Type.String(),
  decidedAt: Nullable(Type.String()), comment: Nullable(Type.String()),
  entryVersionId: Nullable(Type.Integer({ description: '采纳后写入的条目版本（经审核后生效）' })),
  entry: Type.Object({ id: Type.Integer(), question: Type.String(), status: Type.String() }),
  unit: Unit,
}, { description: '相似问法建议' })

export const ProposalListQuery = Type.Object({
  status: Type.Optional(ProposalStatusSchema),
  unit: Type.Optional(Code),
  entryId: Type.Optional(Id),
  ...PageQuery,
}, { additionalProperties: false })

export const AcceptProposalBody = Type.Object({
  question: Type.Optional(Text(500, { description: '采纳时可修改措辞；不填则按原问法' })),
  comment: Type.Optional(Text(500)),
  submit: Type.Optional(Type.Boolean({ description: '是否随即提交审核，默认是；否则留作草稿，可继续采纳其他问法后一并提交' })),
}, { additionalProperties: false })

export const RejectProposalBody = Type.Object({ comment: Type.Optional(Text(500)) }, { additionalProperties: false })

export const DraftingTaskStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('drafted'), Type.Literal('dismissed')], { description: 'open 待起草 / drafted 已起草 / dismissed 不予起草' })

export const DraftingTaskSchema = Type.Object({
  id: Type.Integer(),
  question: Type.String(), variants: Type.Array(Type.String()), asked: Type.Integer(), note: Nullable(Type.String()),
  status: DraftingTaskStatusSchema, statusName: Type.String(),
  createdAt: IsoDateTime, closedAt: Nullable(Type.String()), closingComment: Nullable(Type.String()),
  entryId: Nullable(Type.Integer({ description: '为该任务起草的问答条目' })),
  unit: Unit,
}, { description: '起草任务：库中没有答案、被多次问到的问题，交由单位起草条目' })

export const CreateDraftingTaskBody = Type.Object({
  question: Text(500, { minLength: 2, description: '代表性问法（请勿包含个人信息）' }),
  unitCode: Code,
  variants: Type.Optional(Type.Array(Text(500), { maxItems: 50, description: '其他问法' })),
  asked: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: '被问到的次数' })),
  note: Type.Optional(Text(1000)),
}, { additionalProperties: false })

export const DraftingTaskListQuery = Type.Object({
  status: Type.Optional(DraftingTaskStatusSchema),
  unit: Type.Optional(Code),
  ...PageQuery,
}, { additionalProperties: false })

export const CloseDraftingTaskBody = Type.Object({
  outcome: Type.Union([Type.Literal('drafted'), Type.Literal('dismissed')]),
  entryId: Type.Optional(Id),
  comment: Type.Optional(Text(1000)),
}, { additionalProperties: false })
