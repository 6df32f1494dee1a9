import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox'
import { INSTANT_RANGE } from './instants.ts'

// Control characters other than tab and newlines are refused; so is text that is only white space.
export const PRINTABLE_NOT_BLANK = '^(?=[\\s\\S]*\\S)[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$'

export const LIMITS = {
  question: 2000,
  /** A consultation as received: a mailbox letter runs long (the matcher reads its first 900 characters). */
  letter: 10_000,
  answer: 20_000,
  shortText: 200,
  note: 2000,
  listItems: 100,
  pageSize: 100,
  bulkEntries: 5000,
} as const

/** Human text: printable, not blank, at most `max` characters. */
export const Text = (max: number, opts: { minLength?: number; description?: string } = {}) =>
  Type.String({ minLength: opts.minLength ?? 1, maxLength: max, pattern: PRINTABLE_NOT_BLANK, ...(opts.description ? { description: opts.description } : {}) })

export const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: '小写字母、数字、下划线或连字符' })

/** A telephone number as people write it: digits, +, -, spaces and brackets ((023)68123456, +86 138 …). */
export const PHONE_PATTERN = '^[0-9+\\-() ]{3,20}$'
export const PHONE_RULE = '数字，可含 +、-、括号和空格，3 到 20 个字符'
export const Phone = (what = '电话号码') => Type.String({ pattern: PHONE_PATTERN, description: `${what}：${PHONE_RULE}` })
export const Id = Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 })
export const IdParams = Type.Object({ id: Id })
/** A date-time a client sends: RFC 3339 with an offset, 2000-01-01 to 2100-12-31 Beijing time (common/instants.ts). */
export const DateTime = (description?: string) => Type.String({
  format: 'date-time', maxLength: 40,
  description: `${description ? `${description}；` : ''}含时区的 ISO 8601 时间，${INSTANT_RANGE.firstDay} 至 ${INSTANT_RANGE.lastDay}（北京时间）`,
})
export const IsoDateTime = DateTime()
export const IsoDate = Type.String({ format: 'date', maxLength: 10 })
export const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/**
 * A `$ref` to a response schema registered once at the root (SHARED_SCHEMAS in plugins/swagger.ts),
 * typed as the schema itself. The serializer resolves it, and the OpenAPI document lists the schema
 * once under components instead of inlining it in every route. For responses only: request bodies
 * are compiled by our own AJV instances (plugins/validation.ts), which do not know shared schemas.
 */
export function ref<T extends TSchema>(schema: T) {
  const id = (schema as { $id?: unknown }).$id
  if (typeof id !== 'string') throw new Error('ref() needs a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(id))
}

/** Some of a set of field schemas, each made optional: for bodies that share their fields. */
export const optionalOf = <P extends Record<string, TSchema>, K extends keyof P>(props: P, ...keys: K[]) =>
  Object.fromEntries(keys.map((k) => [k, Type.Optional(props[k])])) as { [Q in K]: ReturnType<typeof Type.Optional<P[Q]>> }

/** A code list's description from its labels, in their order: 'registered 待交办；assigned 已交办…'. */
export const codesDescription = (labels: Readonly<Record<string, string>>) => Object.entries(labels).map(([code, label]) => `${code} ${label}`).join('；')

/** The page a list shows when the query names none: the first, of 20 rows. */
export const PAGE_DEFAULTS = { page: 1, pageSize: 20 } as const

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: PAGE_DEFAULTS.page })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSize, default: PAGE_DEFAULTS.pageSize })),
}

/** `page` and `pageSize` of a list query, the defaults filled in. */
export const paging = (q: { page?: number; pageSize?: number }) => ({ page: q.page ?? PAGE_DEFAULTS.page, pageSize: q.pageSize ?? PAGE_DEFAULTS.pageSize })

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  })

export const ErrorSchema = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({
    field: Type.String(),
    message: Type.String(),
  }, { additionalProperties: true }))),
}, { $id: 'Error', description: '错误' })

const ErrorRef = Type.Ref('Error')

/** The error responses every authenticated route can give, plus any listed. */
export function errorResponses(...statuses: (400 | 403 | 404 | 409 | 413 | 422 | 429)[]) {
  const out: Record<number, ReturnType<typeof Type.Ref>> = { 401: ErrorRef, 500: ErrorRef }
  for (const s of [400, ...statuses]) out[s] = ErrorRef
  return out
}
