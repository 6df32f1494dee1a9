import { Type } from '@fastify/type-provider-typebox'
import { Code, Id, LIMITS, Nullable, PageQuery, Text, Url, optionalOf } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'
import { DocumentRefSchema } from './documents.schemas.ts'
import { KEYWORD_PATTERN } from './entries.content.ts'

const TopicRef = Type.Object({ code: Type.String(), name: Type.String() }, { title: '政策领域（简要）' })

export const EntryStatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('published'), Type.Literal('archived')], {
  description: '条目状态：draft 草稿，in_review 审核中（从未发布过），published 已发布，archived 已归档',
})
export const VersionStateSchema = Type.Union(
  [Type.Literal('draft'), Type.Literal('in_review'), Type.Literal('returned'), Type.Literal('published'), Type.Literal('superseded'), Type.Literal('withdrawn')],
  { description: '版本状态：draft 草稿，in_review 审核中，returned 已退回，published 已发布（当前服务），superseded 已被新版本取代' },
)

export const MediaSchema = Type.Object({
  kind: Type.Union([Type.Literal('image'), Type.Literal('animation'), Type.Literal('video')], { description: 'image 图解，animation 动画，video 短视频' }),
  title: Text(LIMITS.shortText),
  url: Url,
}, { additionalProperties: false, title: '多媒体附件' })

const WorkingVersion = Type.Object({
  version: Type.Integer(),
  state: VersionStateSchema,
  reviewStep: Nullable(Type.Integer()),
  reviewStepName: Nullable(Type.String()),
}, { title: '在办版本' })

export const EntrySchema = Type.Object({
  id: Type.Integer(),
  externalId: Nullable(Type.String()),
  status: EntryStatusSchema,
  inForce: Type.Boolean({ description: '未关联政策文件，或至少一份关联文件现行有效；为 false 时不作为现行答复口径' }),
  unit: UnitRef,
  topic: Nullable(TopicRef),
  version: Type.Integer({ description: '以下内容所属的版本：已发布的版本；从未发布时为最新版本' }),
  versionState: VersionStateSchema,
  question: Type.String(),
  similarQuestions: Type.Array(Type.String()),
  answer: Type.String(),
  keywords: Type.Array(Type.String()),
  media: Type.Array(MediaSchema),
  policyDocuments: Type.Array(DocumentRefSchema),
  publishedVersion: Nullable(Type.Integer()),
  latestVersion: Type.Integer(),
  workingVersion: Nullable(WorkingVersion),
  hitCount: Type.Integer(),
  lastHitAt: Nullable(Type.String()),
  sourceTicketId: Nullable(Type.Integer()),
  publishedAt: Nullable(Type.String()),
  archivedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
}, { $id: 'KbEntry', title: '问答条目' })

const content = {
  question: Text(LIMITS.question, { description: '标准问' }),
  answer: Text(LIMITS.answer, { description: '答复口径' }),
  similarQuestions: Type.Array(Text(LIMITS.question), { maxItems: LIMITS.listItems, description: '相似问' }),
  // No line break and no 「」: a spreadsheet cell separates keywords with 、，；or line breaks and keeps
  // one holding a separator whole inside 「」 (sheets.columns.ts joinKeywords), so the export re-imports as it was.
  keywords: Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: KEYWORD_PATTERN, description: '不含换行、控制字符和「」的文字' }), { maxItems: LIMITS.listItems }),
  topic: Nullable(Code),
  media: Type.Array(MediaSchema, { maxItems: 20 }),
  policyDocumentIds: Type.Array(Id, { maxItems: 50, uniqueItems: true }),
  changeNote: Nullable(Text(LIMITS.note, { description: '本版修改说明' })),
  externalId: Nullable(Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\s\\u0000-\\u001F\\u007F](?:[^\\u0000-\\u001F\\u007F]*[^\\s\\u0000-\\u001F\\u007F])?$', description: '外部系统（如 12345 知识库）中的编号，唯一' })),
  unitCode: Code,
}
const opt = <K extends keyof typeof content>(...keys: K[]) => optionalOf(content, ...keys)

export const CreateEntryBody = Type.Object({
  question: content.question,
  answer: content.answer,
  ...opt('similarQuestions', 'keywords', 'topic', 'media', 'policyDocumentIds', 'changeNote', 'externalId', 'unitCode'),
}, { additionalProperties: false })

export const UpdateEntryBody = Type.Object({
  ...opt('question', 'answer', 'similarQuestions', 'keywords', 'topic', 'media', 'policyDocumentIds', 'changeNote', 'externalId', 'unitCode'),
}, { additionalProperties: false, minProperties: 1 })

export const ListEntriesQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(EntryStatusSchema),
  unit: Type.Optional(Code),
  topic: Type.Optional(Code),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '在标准问、相似问、关键词、答复口径和外部编号中查找' })),
  inForce: Type.Optional(Type.Boolean()),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
}, { additionalProperties: false })

const TrailItem = Type.Object({
  action: Type.Union([
    Type.Literal('submit'), Type.Literal('approve'), Type.Literal('return'), Type.Literal('publish'),
    Type.Literal('withdraw'), Type.Literal('archive'), Type.Literal('restore'),
  ], { description: 'submit 提交，approve 通过，return 退回，publish 发布，withdraw 撤回，archive 归档，restore 恢复' }),
  step: Nullable(Type.Integer()),
  stepName: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  at: Type.String(),
  actor: Nullable(Type.Object({ tokenId: Type.Integer(), name: Type.String(), role: Nullable(Type.String()) })),
}, { title: '审核记录' })

export const VersionSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  state: VersionStateSchema,
  reviewStep: Nullable(Type.Integer()),
  reviewStepName: Nullable(Type.String()),
  question: Type.String(),
  similarQuestions: Type.Array(Type.String()),
  answer: Type.String(),
  keywords: Type.Array(Type.String()),
  media: Type.Array(MediaSchema),
  topic: Nullable(TopicRef),
  policyDocuments: Type.Array(DocumentRefSchema),
  changeNote: Nullable(Type.String()),
  createdBy: Nullable(Type.Integer()),
  submittedAt: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  trail: Type.Array(TrailItem),
}, { $id: 'KbEntryVersion', title: '条目版本' })

export const CommentBody = Type.Object({ comment: Type.Optional(Text(LIMITS.note)) }, { additionalProperties: false })
export const ApproveBody = Type.Object({
  comment: Type.Optional(Text(LIMITS.note)),
  version: Type.Optional(Type.Integer({ minimum: 1, description: '审核人看到的版本号；若待审核的已不是该版本则拒绝' })),
}, { additionalProperties: false })
export const ReturnBody = Type.Object({
  comment: Text(LIMITS.note, { description: '退回意见（必填）' }),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false })

export const ReviewQueueQuery = Type.Object({
  ...PageQuery,
  step: Type.Optional(Type.Integer({ minimum: 0, maximum: 8, description: '审核环节序号（0 起）；审核人令牌默认为其本环节' })),
  unit: Type.Optional(Code),
}, { additionalProperties: false })

export const ReviewItemSchema = Type.Object({
  entryId: Type.Integer(),
  externalId: Nullable(Type.String()),
  versionId: Type.Integer(),
  version: Type.Integer(),
  step: Type.Integer(),
  stepName: Type.String(),
  submittedAt: Nullable(Type.String()),
  unit: UnitRef,
  topic: Nullable(TopicRef),
  question: Type.String(),
  isNew: Type.Boolean({ description: '条目从未发布过' }),
  inForce: Type.Boolean(),
  policyDocuments: Type.Array(DocumentRefSchema),
  diff: Type.Array(Type.Object({ field: Type.String(), before: Type.Unknown(), after: Type.Unknown() }), { description: '与已发布版本相比改动的字段' }),
}, { $id: 'KbReviewItem', title: '待审核版本' })

export const BulkEntry = Type.Object({
  question: content.question,
  answer: content.answer,
  ...opt('externalId', 'similarQuestions', 'keywords', 'topic', 'unitCode', 'policyDocumentIds', 'media'),
  status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('published')], { description: '仅管理员可导入 published' })),
}, { additionalProperties: false, title: '导入条目' })

export const BulkBody = Type.Object({
  entries: Type.Array(BulkEntry, { minItems: 1, maxItems: LIMITS.bulkEntries }),
}, { additionalProperties: false })

export const BulkResult = Type.Object({
  created: Type.Integer(),
  published: Type.Integer(),
  drafts: Type.Integer(),
  entryIds: Type.Array(Type.Integer(), { description: '新条目编号，与提交的顺序一致' }),
})
