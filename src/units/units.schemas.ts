import { Type } from '@fastify/type-provider-typebox'
import { Code, Nullable, Phone, Text, LIMITS } from '../common/schemas.ts'

const Email = Type.String({ format: 'email', maxLength: 200 })

export const UnitSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  contactEmail: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
}, { title: '政策制定单位' })

export const UnitRef = Type.Object({ code: Type.String(), name: Type.String() }, { title: '单位（简要）' })

export const CreateUnitBody = Type.Object({
  code: Code,
  name: Text(LIMITS.shortText),
  contactName: Type.Optional(Nullable(Text(50))),
  contactPhone: Type.Optional(Nullable(Phone())),
  contactEmail: Type.Optional(Nullable(Email)),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })

export const UpdateUnitBody = Type.Object({
  name: Type.Optional(Text(LIMITS.shortText)),
  contactName: Type.Optional(Nullable(Text(50))),
  contactPhone: Type.Optional(Nullable(Phone())),
  contactEmail: Type.Optional(Nullable(Email)),
  active: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 })

export const TopicSchema = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  required: Type.Boolean(),
  defaultUnit: Nullable(UnitRef),
}, { title: '政策领域' })

export const CreateTopicBody = Type.Object({
  code: Code,
  name: Text(50),
  required: Type.Optional(Type.Boolean({ description: '是否为必须覆盖的领域（A3）' })),
  defaultUnitCode: Type.Optional(Nullable(Code)),
}, { additionalProperties: false })

export const UpdateTopicBody = Type.Object({
  name: Type.Optional(Text(50)),
  required: Type.Optional(Type.Boolean()),
  defaultUnitCode: Type.Optional(Nullable(Code)),
}, { additionalProperties: false, minProperties: 1 })
