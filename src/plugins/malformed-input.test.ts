// Throws malformed and hostile input at EVERY write route in the OpenAPI document, so the suite
// grows as modules land. Invalid input must get a 4xx with a stable code; valid but hostile text
// (SQL-like, script-like, emoji, rare CJK) must never get a 5xx; /health must answer between cases.
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import type { LightMyRequestResponse, InjectOptions } from 'fastify'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import { createTestApp, rawRequest } from '../../test/app.testkit.ts'
import { loadDemoData } from '../../seeds/load.ts'
import type { Role } from '../auth/auth.types.ts'
import { LIMITS } from '../common/schemas.ts'
import { isFreeText, oversize, resolveRefs, sampleFor, stringLeaves, withValueAt, type JsonSchema } from './schema-walk.ts'
import { isWriteMethod } from './write-transaction.ts'
import { HONEYPOT_FIELD } from '../portal/portal.forms.ts'

interface Parameter { in: string; name: string; schema: JsonSchema }
interface Operation { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: unknown }> } }
interface OpenApi { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }

const t = await createTestApp({ integrationRateLimit: 1_000_000 })
afterAll(async () => { await t.close() })
await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
await loadDemoData(t.app.services) // once the seeds land, id 1 exists for most things and handlers run deeper
const tokens: Record<Role, string> = {
  // Not the bootstrap admin (id 1): a route called with id 1 must not lock the suite out.
  admin: await t.token('admin', { name: '测试管理员' }),
  agent: await t.token('agent'),
  unit: await t.token('unit', { unitCode: 'rsj' }),
  reviewer: await t.token('reviewer', { reviewStep: 0 }),
  integration: await t.token('integration'),
}
await t.app.ready()
const doc = t.app.swagger() as unknown as OpenApi

const ajv = new Ajv({ coerceTypes: false, useDefaults: false, removeAdditional: false, allErrors: true, strict: false })
addFormats.default(ajv)
const accepts = (schema: JsonSchema, value: unknown) => ajv.validate(schema, value) === true

interface WriteRoute {
  method: string
  path: string
  params: Parameter[]
  body: JsonSchema | undefined
  token: string | undefined
  bodyLimit: number
  idempotency: boolean
}

interface Route extends WriteRoute { query: Parameter[] }

const allRoutes: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops)
  .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
  .map(([method, op]) => {
    const fastifyUrl = path.replace(/\{(\w+)\}/g, ':$1')
    const route = t.app.routeCatalog.find((r) => r.method === method.toUpperCase() && r.url === fastifyUrl)
    const roles = route?.roles ?? ['admin']
    const raw = op.requestBody?.content?.['application/json']?.schema
    return {
      method: method.toUpperCase(),
      path,
      params: (op.parameters ?? []).filter((p) => p.in === 'path'),
      query: (op.parameters ?? []).filter((p) => p.in === 'query'),
      body: raw ? resolveRefs(raw, doc.components?.schemas) : undefined,
      token: roles === 'public' ? undefined : tokens[roles.includes('admin') ? 'admin' : roles[0]],
      bodyLimit: route?.bodyLimit ?? t.app.initialConfig.bodyLimit!,
      idempotency: route?.idempotency ?? false,
    }
  }))
const routes = allRoutes.filter((r) => isWriteMethod(r.method))

/** Requests sent by the suite and those answered with a 5xx, reported at the end. */
let casesSent = 0
let serverErrors = 0
const counted = (status: number) => { casesSent++; if (status >= 500) serverErrors++ }
afterAll(() => { console.info(`malformed-input: ${casesSent} requests, ${serverErrors} answered with a 5xx`) })

type Detail = { field: string; index?: number }
/**
 * A detail about `entries.0.question`: by its full path, something inside it (`asker.wrong` for a
 * malformed `asker`), or by row (a bulk import's `{ index: 0, field: 'question' }`).
 */
const names = (d: Detail, path: string) =>
  d.field === path || d.field.startsWith(`${path}.`) || (d.index !== undefined && path.endsWith(`.${d.index}.${d.field}`))

const STABLE_CODE = /^[A-Z][A-Z0-9_]{2,}$/
const SQL_LIKE = ["'; DROP TABLE units; --", "1' OR '1'='1' --", '" UNION SELECT token_hash FROM api_tokens --']
const SCRIPT_LIKE = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>']
const RARE_TEXT = ['𠮷野家的问题😀👨‍👩‍👧 〇龘𪚥']
/** Date-times that are impossible, have no offset, or lie outside 2000-01-01 to 2100-12-31 Beijing time. */
const BAD_DATE_TIMES = [
  '2025-02-30T09:00:00+08:00', '2025-04-31T00:00:00Z', '2025-01-01T25:00:00Z', '2016-12-31T23:59:60Z',
  '0000-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '2025-01-01T09:00:00',
]
const IMPOSSIBLE_DATES: Record<string, string[]> = {
  date: ['2025-02-30', '2025-13-01', '2025-00-10'],
  'date-time': BAD_DATE_TIMES,
}
/** Path ids that Number() would read but that are not decimal digits, and ids out of range. */
const BAD_IDS = ['abc', '0', '-1', '1.5', '99999999999999999999', 'x'.repeat(300), '0x10', '+1', '1e1', ' 1', '1 ', '0b1']
const takesDateTime = (schema: JsonSchema | undefined): boolean =>
  schema?.format === 'date-time' || (schema?.anyOf ?? []).some((s) => takesDateTime(s as JsonSchema))
const WRONG_TYPES: unknown[] = [{ wrong: true }, 12345, '文本', true, [1], null]

/** Runs the cases of one route and collects what went wrong, checking /health after each. */
function harness(route: Route) {
  const failures: string[] = []
  const fill = (values: Record<string, string> = {}) =>
    route.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? String(sampleFor(route.params.find((p) => p.name === name)?.schema) ?? '1')))

  async function send(name: string, opts: Partial<InjectOptions> & { url?: string }): Promise<LightMyRequestResponse> {
    const res = await t.app.inject({
      method: route.method as InjectOptions['method'],
      url: opts.url ?? fill(),
      ...opts,
      headers: { ...(route.token ? { authorization: `Bearer ${route.token}` } : {}), ...opts.headers },
    })
    counted(res.statusCode)
    const health = await t.app.inject({ method: 'GET', url: '/health' })
    if (health.statusCode !== 200) failures.push(`${name}: /health answered ${health.statusCode} afterwards`)
    return res
  }

  function stableError(name: string, res: LightMyRequestResponse): { code: string; details?: Detail[] } | undefined {
    let body: { statusCode?: number; code?: string; details?: Detail[] }
    try { body = res.json() } catch { failures.push(`${name}: ${res.statusCode} without a JSON body`); return undefined }
    if (body.statusCode !== res.statusCode || !body.code || !STABLE_CODE.test(body.code) || body.code === 'INTERNAL_ERROR' || body.code === 'BAD_REQUEST') {
      failures.push(`${name}: ${res.statusCode} with unstable code ${body.code}`)
      return undefined
    }
    return body as { code: string; details?: Detail[] }
  }

  /** Invalid input: a 4xx with a stable code, optionally a given code and the field at fault. */
  function refused(name: string, res: LightMyRequestResponse, want: { code?: string; field?: string } = {}) {
    if (res.statusCode < 400 || res.statusCode >= 500) { failures.push(`${name}: expected a 4xx, got ${res.statusCode} ${res.body.slice(0, 200)}`); return }
    const body = stableError(name, res)
    if (!body) return
    if (want.code && body.code !== want.code) failures.push(`${name}: expected ${want.code}, got ${body.code}`)
    if (want.field && !body.details?.some((d) => names(d, want.field!))) failures.push(`${name}: expected details about ${want.field}, got ${JSON.stringify(body.details)}`)
  }

  /** Valid but hostile input: never a 5xx; a refusal must be stable and not blame the field. */
  function handled(name: string, res: LightMyRequestResponse, field?: string) {
    if (res.statusCode >= 500) { failures.push(`${name}: ${res.statusCode} ${res.body.slice(0, 200)}`); return }
    if (res.statusCode >= 400) {
      const body = stableError(name, res)
      if (field && body?.details?.some((d) => names(d, field))) failures.push(`${name}: refused valid text in ${field}: ${JSON.stringify(body.details)}`)
      return
    }
    if (res.body && !String(res.headers['content-type']).startsWith('application/json')) failures.push(`${name}: 2xx served as ${res.headers['content-type']}`)
  }

  return { failures, send, refused, handled, fill }
}

const json = (value: unknown) => ({ payload: JSON.stringify(value), headers: { 'content-type': 'application/json' } })

describe.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_name, route) => {
  it('answers malformed input with a 4xx and a stable code, and keeps serving', async () => {
    const h = harness(route)

    h.refused('malformed JSON', await h.send('malformed JSON', { payload: '{"question": "未闭合', headers: { 'content-type': 'application/json' } }), { code: 'INVALID_JSON' })
    h.refused('prototype pollution', await h.send('prototype pollution', { payload: '{"__proto__": {"admin": true}}', headers: { 'content-type': 'application/json' } }))
    h.refused('XML body', await h.send('XML body', { payload: '<a>1</a>', headers: { 'content-type': 'application/xml' } }), { code: 'UNSUPPORTED_MEDIA_TYPE' })
    h.refused('plain text body', await h.send('plain text body', { payload: '灵活就业怎么交社保', headers: { 'content-type': 'text/plain' } }), { code: 'UNSUPPORTED_MEDIA_TYPE' })
    h.refused('GBK charset', await h.send('GBK charset', { payload: '{}', headers: { 'content-type': 'application/json; charset=gbk' } }), { code: 'UNSUPPORTED_MEDIA_TYPE' })
    // "{"question":"社保"}" in GBK: not UTF-8, and read as UTF-8 it would be stored as mojibake.
    const gbk = Buffer.concat([Buffer.from('{"question":"'), Buffer.from([0xc9, 0xe7, 0xb1, 0xa3]), Buffer.from('"}')])
    h.refused('GBK bytes', await h.send('GBK bytes', { payload: gbk, headers: { 'content-type': 'application/json' } }), { code: 'INVALID_ENCODING' })
    const limit = route.bodyLimit + 1024
    h.refused('oversize body', await h.send('oversize body', json({ x: 'a'.repeat(limit) })), { code: 'BODY_TOO_LARGE' })

    for (const p of route.params.filter((p) => p.schema?.type === 'integer')) {
      for (const bad of BAD_IDS) {
        h.refused(`path ${p.name}=${bad.slice(0, 20)}`, await h.send(`path ${p.name}`, { url: h.fill({ [p.name]: bad }), ...json(sampleFor(route.body)) }))
      }
    }

    const schema = route.body
    if (schema) {
      const base = sampleFor(schema)
      const full = sampleFor(schema, true)
      expect(accepts(schema, base), `cannot build a valid body for ${route.method} ${route.path} from ${JSON.stringify(base)}: give the schema \`examples\``).toBe(true)
      expect(accepts(schema, full), `cannot build a valid full body for ${route.method} ${route.path} from ${JSON.stringify(full)}: give the schema \`examples\``).toBe(true)

      h.refused('empty body', await h.send('empty body', { payload: '', headers: { 'content-type': 'application/json' } }))
      for (const top of [[], '文本', 42, null]) {
        if (!accepts(schema, top)) h.refused(`body ${JSON.stringify(top)}`, await h.send('wrong top type', json(top)))
      }
      if (schema.required?.length) {
        const res = await h.send('missing fields', json({}))
        for (const field of schema.required) h.refused(`missing ${field}`, res, { field })
      }
      if (full && typeof full === 'object' && !Array.isArray(full)) {
        h.refused('unknown field', await h.send('unknown field', json({ ...(base as object), unexpectedField: 1 })), { field: 'unexpectedField' })
        for (const [field, propSchema] of Object.entries(schema.properties ?? {})) {
          const wrong = WRONG_TYPES.find((v) => !accepts(propSchema, v))
          if (wrong === undefined) continue
          h.refused(`wrong type for ${field}`, await h.send(`wrong type ${field}`, json({ ...(full as object), [field]: wrong })), { field })
        }
      }

      for (const leaf of stringLeaves(schema, full)) {
        const field = leaf.path.join('.')
        const sample = leaf.path.reduce<unknown>((node, k) => (node as Record<string | number, unknown>)[k], full) as string
        const at = (value: unknown) => json(withValueAt(base, full, leaf.path, value))
        const invalid: [string, string][] = [
          ['oversize', oversize(leaf.schema, sample)],
          ['NUL', `${sample}\u0000`],
          ['escape sequence', `\u001b[31m${sample}`],
          ['bell', `\u0007${sample}`],
          ['whitespace only', ' \t\n  '],
          ...(IMPOSSIBLE_DATES[String(leaf.schema.format)] ?? []).map((d): [string, string] => ['impossible date', d]),
        ]
        for (const [kind, value] of invalid) {
          h.refused(`${kind} in ${field}`, await h.send(`${kind} in ${field}`, at(value)), { field })
        }
      }

      if (route.idempotency) {
        h.refused('bad Idempotency-Key', await h.send('bad key', { ...json(base), headers: { 'content-type': 'application/json', 'idempotency-key': 'k'.repeat(201) } }), { field: 'idempotency-key' })
      }
    }

    expect(h.failures).toEqual([])
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${tokens.admin}` } })).statusCode).toBe(200)
  })

  it.runIf(route.body)('takes SQL-like, script-like, emoji and rare CJK text without a 5xx', async () => {
    const h = harness(route)
    const schema = route.body!
    const base = sampleFor(schema)
    const full = sampleFor(schema, true)
    // Free text: what a person writes, so Chinese with spaces is valid (not a code, an id or a date).
    // The portal's honeypot is text to the schema, but any value in it is refused, naming it: it is not a person's text.
    const personal = (l: { path: (string | number)[] }) => !(!route.path.startsWith('/api/') && l.path.join('.') === HONEYPOT_FIELD)
    for (const leaf of stringLeaves(schema, full).filter((l) => isFreeText(l.schema) && accepts(l.schema, '中文 text') && personal(l))) {
      const field = leaf.path.join('.')
      const max = typeof leaf.schema.maxLength === 'number' ? leaf.schema.maxLength : 2000
      // Limits count characters, not UTF-16 units: a field full of 𠮷 is still within its limit.
      const values = [...SQL_LIKE, ...SCRIPT_LIKE, ...RARE_TEXT, '𠮷'.repeat(Math.min(max, 2000))].map((v) => [...v].slice(0, max).join(''))
      for (const value of values) {
        const res = await h.send(`${field}=${value.slice(0, 20)}`, json(withValueAt(base, full, leaf.path, value)))
        h.handled(`${field}=${value.slice(0, 20)}`, res, field)
        // A create that echoes a person's text (a question, an answer, a note) must have stored it verbatim. Short
        // terms may be normalised (synonyms), and an update may answer with the published content.
        const longText = typeof leaf.schema.maxLength === 'number' && leaf.schema.maxLength >= LIMITS.note
        const echoed = res.statusCode === 201 && longText && leaf.path.length === 1 ? (res.json() as Record<string, unknown>)[field] : undefined
        if (typeof echoed === 'string' && echoed !== value) h.failures.push(`${field}: stored ${JSON.stringify(echoed.slice(0, 40))} for ${JSON.stringify(value.slice(0, 40))}`)
      }
    }
    expect(h.failures).toEqual([])
    // The SQL-like text was data, not SQL: every table is still there.
    expect((await t.app.services.db.all(sql`select count(*) as n from api_tokens`))[0]).toMatchObject({ n: expect.any(Number) })
  })
})

const readsWithDatesOrIds = allRoutes.filter((r) => r.query.some((p) => takesDateTime(p.schema)) || (r.method === 'GET' && r.params.some((p) => p.schema?.type === 'integer')))

describe.each(readsWithDatesOrIds.map((r) => [`${r.method} ${r.path}`, r] as const))('%s: query and path', (_name, route) => {
  it('refuses bad date-times in the query and non-decimal ids in the path with a 4xx naming the field', async () => {
    const h = harness(route)
    for (const p of route.query.filter((q) => takesDateTime(q.schema))) {
      for (const bad of BAD_DATE_TIMES) {
        h.refused(`query ${p.name}=${bad}`, await h.send(`query ${p.name}`, { url: `${h.fill()}?${p.name}=${encodeURIComponent(bad)}` }), { code: 'VALIDATION_FAILED', field: p.name })
      }
    }
    if (route.method === 'GET') {
      for (const p of route.params.filter((q) => q.schema?.type === 'integer')) {
        for (const bad of BAD_IDS) {
          // A parameter past the router's length limit is refused as a whole URL (414), without a field.
          const field = bad.length > t.app.initialConfig.routerOptions!.maxParamLength! ? undefined : p.name
          h.refused(`path ${p.name}=${bad.slice(0, 20)}`, await h.send(`path ${p.name}`, { url: h.fill({ [p.name]: bad }) }), { field })
        }
      }
    }
    expect(h.failures).toEqual([])
  })
})

describe('requests refused before a route runs', () => {
  /** The methods any documented path matching `url` answers (/calendar/due is also /calendar/{year}). */
  const methodsAt = (url: string) => Object.entries(doc.paths)
    .filter(([path]) => new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`).test(url))
    .flatMap(([, ops]) => Object.keys(ops).map((m) => m.toUpperCase()))

  it('answers a method a path does not have with 405 METHOD_NOT_ALLOWED, with or without a token', async () => {
    const failures: string[] = []
    for (const path of Object.keys(doc.paths)) {
      const url = path.replace(/\{(\w+)\}/g, '1')
      const method = ['DELETE', 'PATCH', 'PUT', 'POST', 'GET'].find((m) => !methodsAt(url).includes(m))
      if (!method) continue
      for (const headers of [{}, { authorization: `Bearer ${tokens.agent}` }]) {
        const res = await t.app.inject({ method: method as InjectOptions['method'], url, headers })
        counted(res.statusCode)
        if (res.statusCode !== 405 || res.json().code !== 'METHOD_NOT_ALLOWED') failures.push(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
  })

  it('answers unknown paths, oversized and unreadable requests with a 4xx, a stable code and Chinese, and keeps serving', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as { port: number }
    const request = (head: string) => `${head}\r\nHost: localhost\r\nConnection: close\r\n\r\n`
    const cases: [string, string, number, string][] = [
      ['unknown path', request('GET /api/v1/no-such-route HTTP/1.1'), 404, 'ROUTE_NOT_FOUND'],
      ['unknown path outside the API', request('GET /wp-admin/setup.php HTTP/1.1'), 404, 'ROUTE_NOT_FOUND'],
      ['URL past the URL limit', request(`GET /api/v1/units?q=${'a'.repeat(9000)} HTTP/1.1`), 414, 'URI_TOO_LONG'],
      ['request line past the header limit', request(`GET /api/v1/units?q=${'a'.repeat(17_000)} HTTP/1.1`), 414, 'URI_TOO_LONG'],
      ['path parameter past its limit', request(`GET /api/v1/units/${'1'.repeat(300)} HTTP/1.1`), 414, 'URI_TOO_LONG'],
      ['header block past the limit', request(`GET /health HTTP/1.1\r\nX-Padding: ${'a'.repeat(17_000)}`), 431, 'HEADERS_TOO_LARGE'],
      ['many headers past the limit', request(`GET /health HTTP/1.1${Array.from({ length: 400 }, (_, i) => `\r\nX-H${i}: ${'v'.repeat(40)}`).join('')}`), 431, 'HEADERS_TOO_LARGE'],
      ['overlong bearer token', request(`GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer ${'t'.repeat(12_000)}`), 401, 'AUTH_INVALID_TOKEN'],
      ['bearer token with Latin-1 bytes', request('GET /api/v1/me HTTP/1.1\r\nAuthorization: Bearer t\u00e9st-token-0123456789'), 401, 'AUTH_INVALID_TOKEN'],
      ['header line without a colon', request('GET /health HTTP/1.1\r\nNot A Header'), 400, 'MALFORMED_REQUEST'],
      ['NUL in a header value', request('GET /health HTTP/1.1\r\nX-A: a\u0000b'), 400, 'MALFORMED_REQUEST'],
      ['non-numeric Content-Length', request('POST /api/v1/units HTTP/1.1\r\nContent-Length: abc'), 400, 'MALFORMED_REQUEST'],
      ['Content-Length and Transfer-Encoding together', request('POST /api/v1/units HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked'), 400, 'MALFORMED_REQUEST'],
      ['unknown HTTP method', request('BREW /health HTTP/1.1'), 400, 'MALFORMED_REQUEST'],
      ['bad percent escape in the path', request('GET /api/v1/units/%zz HTTP/1.1'), 400, 'BAD_URL'],
      ['path traversal into the console', request('GET /console/%2e%2e/%2e%2e/package.json HTTP/1.1'), 403, 'FORBIDDEN'],
    ]
    const failures: string[] = []
    for (const [name, text, status, code] of cases) {
      const res = await rawRequest(port, text)
      counted(res.status)
      if (res.status !== status || res.body?.code !== code || res.body?.statusCode !== status || !/[\u4e00-\u9fff]/.test(res.body?.message ?? '')) {
        failures.push(`${name}: expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`)
      }
      const health = await t.app.inject({ method: 'GET', url: '/health' })
      if (health.statusCode !== 200) failures.push(`${name}: /health answered ${health.statusCode} afterwards`)
    }
    expect(failures).toEqual([])
  })
})

it('covers every write route of the OpenAPI document', () => {
  expect(routes.length).toBeGreaterThanOrEqual(t.app.routeCatalog.filter((r) => isWriteMethod(r.method)).length)
  expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/v1/units')
})
