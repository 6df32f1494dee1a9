import { Type } from '@fastify/type-provider-typebox'
import { Code, IsoDate, LIMITS, Nullable, PageQuery, Text, Url, optionalOf } from '../common/schemas.ts'
import { UnitRef } from '../units/units.schemas.ts'

export const ValiditySchema = Type.Union([Type.Literal('in_force'), Type.Literal('expired'), Type.Literal('repealed')], {
  description: '效力：in_force 现行有效，expired 失效，repealed 废止',
})

export const InterpretationKind = Type.Union([Type.Literal('text'), Type.Literal('image'), Type.Literal('video')], {
  description: '解读材料类型：text 文字解读，image 图解，video 视频',
})

export const InterpretationSchema = Type.Object({
  id: Type.Integer(),
  kind: InterpretationKind,
  title: Type.String(),
  url: Nullable(Type.String()),
  createdAt: Type.String(),
}, { title: '解读材料' })

export const DocumentRefSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  docNumber: Nullable(Type.String()),
  issuer: Type.String(),
  url: Nullable(Type.String()),
  validity: ValiditySchema,
}, { title: '政策文件（简要）' })

export const DocumentSchema = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  docNumber: Nullable(Type.String({ description: '文号' })),
  issuer: Type.String({ description: '发文单位' }),
  url: Nullable(Type.String()),
  publishedOn: Nullable(Type.String()),
  effectiveOn: Nullable(Type.String()),
  expiresOn: Nullable(Type.String()),
  validity: ValiditySchema,
  validityChangedAt: Nullable(Type.String()),
  unit: Nullable(UnitRef),
  interpretations: Type.Array(InterpretationSchema),
  entryCount: Type.Integer({ description: '以本文件为依据、已发布且未归档的问答条目数' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
}, { $id: 'PolicyDocument', title: '政策文件' })

const documentFields = {
  title: Text(LIMITS.shortText),
  docNumber: Nullable(Text(100, { description: '文号，如 渝北府办发〔2021〕12号；唯一' })),
  issuer: Text(LIMITS.shortText, { description: '发文单位' }),
  url: Nullable(Url),
  publishedOn: Nullable(IsoDate),
  effectiveOn: Nullable(IsoDate),
  expiresOn: Nullable(IsoDate),
  validity: ValiditySchema,
  unitCode: Nullable(Code),
}

const optionalFields = ['docNumber', 'url', 'publishedOn', 'effectiveOn', 'expiresOn', 'validity', 'unitCode'] as const

export const CreateDocumentBody = Type.Object({
  title: documentFields.title,
  issuer: documentFields.issuer,
  ...optionalOf(documentFields, ...optionalFields),
}, { additionalProperties: false })

export const UpdateDocumentBody = Type.Object({
  ...optionalOf(documentFields, 'title', 'issuer', ...optionalFields),
}, { additionalProperties: false, minProperties: 1 })

export const ListDocumentsQuery = Type.Object({
  ...PageQuery,
  validity: Type.Optional(ValiditySchema),
  unit: Type.Optional(Code),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: '按标题、文号或发文单位查找' })),
}, { additionalProperties: false })

export const CreateInterpretationBody = Type.Object({
  kind: InterpretationKind,
  title: Text(LIMITS.shortText),
  url: Url,
}, { additionalProperties: false })

export const InterpretationParams = Type.Object({ id: Type.Integer({ minimum: 1 }), interpretationId: Type.Integer({ minimum: 1 }) })
