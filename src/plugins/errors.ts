import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import createError from '@fastify/error'
import fp from 'fastify-plugin'
import { PRINTABLE_NOT_BLANK } from '../common/schemas.ts'
import { INSTANT_RULE } from '../common/instants.ts'
import { isDatabaseBusy } from '../db/client.ts'
import { isDatabaseUnavailable } from '../db/constraints.ts'
import { createMethodIndex, GENERIC_CLIENT_ERRORS, HTTP_LIMITS, REFUSALS, refusalBody } from './http-errors.ts'

export { createError }

interface AjvError { instancePath: string; schemaPath?: string; keyword: string; params: Record<string, unknown>; message?: string; parentSchema?: { description?: unknown } }

const FORMAT_NAMES: Record<string, string> = { email: '电子邮箱地址', uri: '网址', url: '网址', uuid: 'UUID（如 3f2b…-…）', date: '日期，如 2025-10-09', time: '时间，如 09:30:00' }

const TYPE_NAMES: Record<string, string> = { string: '字符串', integer: '整数', number: '数字', boolean: '布尔值', object: '对象', array: '数组', null: '空值' }

/** A Chinese message for one AJV error, with the field it is about. */
export function describeValidationError(e: AjvError, part: string): { field: string; message: string } {
  const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const child = (name: unknown) => (path ? `${path}.${String(name)}` : String(name))
  const field = e.keyword === 'required' ? child(e.params.missingProperty)
    : e.keyword === 'additionalProperties' ? child(e.params.additionalProperty)
      : path || part
  const p = e.params
  const message = (() => {
    switch (e.keyword) {
      case 'required': return `缺少必填字段 ${field}`
      case 'additionalProperties': return `不允许的字段 ${field}`
      case 'type': return `${field} 应为${String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join('或')}`
      case 'minLength': return Number(p.limit) <= 1 ? `${field} 不能为空` : `${field} 至少 ${p.limit} 个字符`
      case 'maxLength': return `${field} 不能超过 ${p.limit} 个字符`
      // Text() fields share one pattern; any other pattern is a format (a code, a month, a cursor),
      // said by the field's description: a regular expression says nothing to a person.
      case 'pattern': return p.pattern === PRINTABLE_NOT_BLANK ? `${field} 不能为空白，也不能含控制字符` : `${field} 格式不正确${expected(e)}`
      case 'format': return p.format === 'date-time' ? `${field} ${INSTANT_RULE}` : `${field} 格式不正确，应为${FORMAT_NAMES[String(p.format)] ?? String(p.format)}`
      case 'minimum': case 'exclusiveMinimum': return `${field} 不能小于 ${p.limit}`
      case 'maximum': case 'exclusiveMaximum': return `${field} 不能大于 ${p.limit}`
      case 'minItems': return `${field} 至少需要 ${p.limit} 项`
      case 'maxItems': return `${field} 最多 ${p.limit} 项`
      case 'enum': return outsideList(field, Array.isArray(p.allowedValues) ? p.allowedValues : [], e.parentSchema?.description)
      case 'const': return outsideList(field, 'allowedValue' in p ? [p.allowedValue] : [], e.parentSchema?.description)
      case 'anyOf': case 'oneOf': return `${field} 不符合任何一种允许的形式`
      case 'minProperties': return `${field} 至少需要 ${p.limit} 个字段`
      case 'maxProperties': return `${field} 最多 ${p.limit} 个字段`
      case 'uniqueItems': return `${field} 不能有重复项`
      case 'decimal': return `${field} 应为十进制整数（只含数字 0-9）`
      default: return `${field} 不合要求（${e.keyword}）`
    }
  })()
  return { field, message }
}

/**
 * A value outside a list, said with the values allowed: in the words of the schema's description when
 * it names each of them (`adopted 采纳；partially_adopted 部分采纳…`, codesDescription), else the values.
 */
function outsideList(field: string, values: unknown[], description: unknown): string {
  if (values.length === 0) return `${field} 取值不在允许范围内`
  const named = typeof description === 'string' && values.every((v) => description.includes(String(v)))
  return `${field} 取值不在允许范围内，应为以下之一：${named ? description : values.map(String).join('、')}`
}

/**
 * The Chinese messages of a request's AJV errors. A list of allowed values written as a union of
 * literals fails once per value and once more as a whole: that is one message, naming the values.
 */
export function describeValidationErrors(errors: readonly AjvError[], part: string): { field: string; message: string }[] {
  const absorbed = new Set<AjvError>()
  const collapsed = new Map<AjvError, { field: string; message: string }>()
  for (const e of errors) {
    if ((e.keyword !== 'anyOf' && e.keyword !== 'oneOf') || !e.schemaPath) continue
    const branches = errors.filter((b) => b !== e && b.instancePath === e.instancePath && b.schemaPath?.startsWith(`${e.schemaPath}/`))
    if (branches.length === 0 || !branches.every((b) => b.keyword === 'const' || b.keyword === 'enum')) continue
    const values = branches.flatMap((b) => (b.keyword === 'const' ? [b.params.allowedValue] : Array.isArray(b.params.allowedValues) ? b.params.allowedValues : []))
    for (const b of branches) absorbed.add(b)
    const { field } = describeValidationError(e, part)
    collapsed.set(e, { field, message: outsideList(field, values, e.parentSchema?.description) })
  }
  return errors.filter((e) => !absorbed.has(e)).map((e) => collapsed.get(e) ?? describeValidationError(e, part))
}

/** "，应为<the field's description>", or nothing when the schema has none. */
function expected(e: AjvError): string {
  const description = e.parentSchema?.description
  return typeof description === 'string' && description ? `，应为${description}` : ''
}

// Fastify's own client errors, mapped to stable codes and Chinese messages.
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: '请求体不是合法的 JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_JSON', message: '请求体为空，应为 JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: '请求体过大' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的内容类型，请使用 application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_CONTENT_LENGTH', message: 'Content-Length 与请求体不符' },
  FST_ERR_BAD_URL: { code: 'BAD_URL', message: '请求地址不合法' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'BAD_REQUEST', message: '请求不合法' },
}

export const UnsupportedCharsetError = createError('UNSUPPORTED_MEDIA_TYPE', '不支持请求体的字符集 %s，请用 UTF-8 编码发送 JSON', 415)
export const InvalidEncodingError = createError('INVALID_ENCODING', '请求体不是合法的 UTF-8 编码（可能按 GBK 等其他编码发送了），请用 UTF-8 重新发送', 400)

export const RETRY_AFTER_BUSY_SECONDS = 2

/** PostgreSQL restarting or failing over to its standby (db/constraints.ts isDatabaseUnavailable): retry with the same key. */
export const DatabaseUnavailableError = createError('DATABASE_UNAVAILABLE', '数据库暂时不可用（可能正在重启或主备切换），请 %s 秒后用同一请求重试', 503)

/** A refusal of a request no route answers (404, 405), as the JSON body says it. */
export interface RouteRefusal { statusCode: 404 | 405; code: 'ROUTE_NOT_FOUND' | 'METHOD_NOT_ALLOWED'; message: string }

/**
 * Answers such a refusal for a reader rather than a program (a browser on the public pages, which
 * render it: portal/portal.http.ts); false leaves it to the JSON answer.
 */
export type RefusalPage = (req: FastifyRequest, reply: FastifyReply, refusal: RouteRefusal) => boolean

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Where the pages that own the paths outside the API put their refusal page. The one handler of
     * unknown routes is the root's (a prefix has one, and the public pages have none), so the pages
     * hand it theirs here.
     */
    routeRefusals: { page?: RefusalPage }
  }
}

export const errorsPlugin = fp(async function errors(app: FastifyInstance) {
  const methods = createMethodIndex()
  const routeRefusals: FastifyInstance['routeRefusals'] = {}
  app.decorate('routeRefusals', routeRefusals)
  app.addHook('onRoute', (route) => methods.add(route))

  // Node's parser takes a URL up to the header limit; a URL past this one is refused before routing work.
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.length > HTTP_LIMITS.maxUrlLength) return reply.status(414).send(refusalBody(REFUSALS.uriTooLong))
  })

  app.setSchemaErrorFormatter((errors, dataVar) => {
    const err = new Error(describeValidationErrors(errors as AjvError[], dataVar).map((d) => d.message).join('；')) as FastifyError & { part: string }
    err.part = dataVar
    return err
  })

  app.setErrorHandler((error: FastifyError & { details?: unknown; part?: string }, req, reply) => {
    if (error.validation) {
      const details = describeValidationErrors(error.validation as AjvError[], error.validationContext ?? 'body')
      return reply.status(400).send({ statusCode: 400, code: 'VALIDATION_FAILED', message: `请求参数有误：${details.map((d) => d.message).join('；')}`, details })
    }
    if (isDatabaseBusy(error)) {
      // Another process holds the write lock (a backup, a script): worth a retry, not an alarm.
      req.log.warn({ err: error, reqId: req.id }, 'database busy')
      return reply.status(503).header('retry-after', String(RETRY_AFTER_BUSY_SECONDS))
        .send({ statusCode: 503, code: 'DATABASE_BUSY', message: `数据库正忙，请 ${RETRY_AFTER_BUSY_SECONDS} 秒后重试` })
    }
    if (isDatabaseUnavailable(error)) {
      // PostgreSQL restarting or failing over to its standby: the client retries with its Idempotency-Key.
      req.log.warn({ err: error, reqId: req.id }, 'database unavailable')
      const unavailable = new DatabaseUnavailableError(RETRY_AFTER_BUSY_SECONDS)
      return reply.status(503).header('retry-after', String(RETRY_AFTER_BUSY_SECONDS))
        .send({ statusCode: 503, code: unavailable.code, message: unavailable.message })
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined
    const status = error.statusCode ?? 500
    if (known) {
      return reply.status(status).send({ statusCode: status, code: known.code, message: known.message })
    }
    // A 429 of ours (a rate limit, an account locked after failed sign-ins) keeps its code and says how
    // long to wait; only one without a code of ours gets the generic message.
    if (status === 429 && !(error.code && !error.code.startsWith('FST_'))) {
      return reply.status(429).send({ statusCode: 429, code: 'RATE_LIMITED', message: '请求过于频繁，请稍后再试' })
    }
    if (status >= 400 && status < 500) {
      // Our own domain errors (created with @fastify/error) carry a stable code and a Chinese message;
      // anything else (Fastify's, a plugin's) gets the code of its status.
      const own = Boolean(error.code) && !error.code.startsWith('FST_')
      const generic = GENERIC_CLIENT_ERRORS[status] ?? GENERIC_CLIENT_ERRORS[400]!
      const body: Record<string, unknown> = { statusCode: status, code: own ? error.code : generic.code, message: own ? error.message : generic.message }
      if (Array.isArray(error.details)) body.details = error.details
      return reply.status(status).send(body)
    }
    req.log.error({ err: error, reqId: req.id }, 'request failed')
    return reply.status(500).send({ statusCode: 500, code: 'INTERNAL_ERROR', message: `服务内部错误，请联系管理员（请求编号 ${req.id}）` })
  })

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!
    const allowed = methods.allowed(path)
    if (allowed.length > 0) reply.header('allow', allowed.join(', '))
    const refusal: RouteRefusal = allowed.length > 0
      ? { statusCode: 405, code: 'METHOD_NOT_ALLOWED', message: `接口 ${path} 不支持 ${req.method} 方法（可用：${allowed.join('、')}）` }
      : { statusCode: 404, code: 'ROUTE_NOT_FOUND', message: `接口不存在：${req.method} ${path}` }
    if (routeRefusals.page?.(req, reply, refusal)) return reply
    return reply.status(refusal.statusCode).send(refusal)
  })
})

/** A domain error carrying per-field details, e.g. the bad rows of a bulk import. */
export function withDetails<E extends Error>(error: E, details: { field: string; message: string; [k: string]: unknown }[]): E {
  return Object.assign(error, { details })
}
