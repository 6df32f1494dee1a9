import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { LIMITS } from '../common/schemas.ts'
import { findSchemaProblems, resolveRefs, type JsonSchema } from './schema-walk.ts'
import { PUBLIC_WRITE_ROUTES } from '../portal/portal.routes.ts'
import { isWriteMethod } from './write-transaction.ts'

interface Operation { requestBody?: { content?: Record<string, { schema?: unknown }> } }
interface OpenApi { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } }

/** Every operation's JSON body schema, refs inlined. */
function writeBodies(doc: OpenApi) {
  const out: { route: string; schema: JsonSchema | undefined }[] = []
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!isWriteMethod(method)) continue
      const raw = op.requestBody?.content?.['application/json']?.schema
      out.push({ route: `${method.toUpperCase()} ${path}`, schema: raw ? resolveRefs(raw, doc.components?.schemas) : undefined })
    }
  }
  return out
}

/** Property schemas by name, anywhere in a schema. */
function propertiesNamed(schema: JsonSchema | undefined, test: (name: string) => boolean, out: [string, JsonSchema][] = []) {
  if (!schema || typeof schema !== 'object') return out
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    if (test(k)) out.push([k, v])
    propertiesNamed(v, test, out)
  }
  for (const b of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) propertiesNamed(b, test, out)
  if (schema.items) propertiesNamed(schema.items, test, out)
  return out
}
const maxLengthsOf = (s: JsonSchema): (number | undefined)[] => {
  const subs = [...(s.anyOf ?? []), ...(s.oneOf ?? [])]
  if (subs.length) return subs.filter((b) => b.type !== 'null').flatMap(maxLengthsOf)
  if (s.type === 'array' && s.items) return maxLengthsOf(s.items)
  return [s.maxLength as number | undefined]
}

describe('limits on every route', () => {
  let t: TestApp
  let doc: OpenApi
  beforeAll(async () => {
    t = await createTestApp()
    await t.app.ready()
    doc = t.app.swagger() as unknown as OpenApi
  })
  afterAll(async () => { await t.close() })

  it('finds the write routes to check', () => {
    expect(writeBodies(doc).map((b) => b.route)).toEqual(expect.arrayContaining(['POST /api/v1/units', 'PATCH /api/v1/units/{id}', 'POST /api/v1/tokens']))
  })

  it('refuses unknown fields and bounds every string and list in every write body', () => {
    const problems = writeBodies(doc).flatMap(({ route, schema }) => findSchemaProblems(schema, `${route} body`))
    expect(problems).toEqual([])
  })

  it('caps questions at 2,000 characters (a consultation as received, a letter, at 10,000), answers at 20,000 and lists at the bulk limit', () => {
    const problems: string[] = []
    for (const { route, schema } of writeBodies(doc)) {
      const letter = route === 'POST /api/v1/consultations'
      for (const [name, s] of propertiesNamed(schema, (n) => /question$/i.test(n) || /questions$/i.test(n))) {
        const cap = letter && name === 'question' ? LIMITS.letter : LIMITS.question
        if (maxLengthsOf(s).some((m) => m === undefined || m > cap)) problems.push(`${route} ${name}: over ${cap}`)
      }
      for (const [name, s] of propertiesNamed(schema, (n) => /answer$/i.test(n))) {
        if (maxLengthsOf(s).some((m) => m === undefined || m > LIMITS.answer)) problems.push(`${route} ${name}: over ${LIMITS.answer}`)
      }
      for (const [name, s] of propertiesNamed(schema, () => true)) {
        if (s.type === 'array' && Number(s.maxItems) > LIMITS.bulkEntries) problems.push(`${route} ${name}: more than ${LIMITS.bulkEntries} items`)
      }
    }
    expect(problems).toEqual([])
  })

  it('caps every page size at 100 and bounds every query string', () => {
    const problems: string[] = []
    for (const route of t.app.routeCatalog) {
      const query = route.schema?.querystring as JsonSchema | undefined
      if (!query) continue
      const where = `${route.method} ${route.url} query`
      problems.push(...findSchemaProblems(query, where).filter((p) => !p.includes('unknown fields')))
      const pageSize = query.properties?.pageSize
      if (pageSize && !(Number(pageSize.maximum) <= LIMITS.pageSize)) problems.push(`${where}.pageSize: maximum over ${LIMITS.pageSize}`)
      const limit = query.properties?.limit
      if (limit && typeof limit.maximum !== 'number') problems.push(`${where}.limit: no maximum`)
    }
    expect(problems).toEqual([])
  })

  it('needs a token or a session on every API route and every write but sign-in and the public pages\' listed forms', () => {
    const open = t.app.routeCatalog.filter((r) => r.roles === 'public' && (r.url.startsWith('/api/') || isWriteMethod(r.method)))
    expect(open.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['POST /api/v1/session', ...PUBLIC_WRITE_ROUTES].sort())
  })

  it('documents every write route in the OpenAPI document', () => {
    const documented = new Set(writeBodies(doc).map((b) => b.route))
    const hidden = t.app.routeCatalog
      .filter((r) => isWriteMethod(r.method))
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .filter((r) => !documented.has(r))
    expect(hidden).toEqual([])
  })

  it('keeps the 1 MiB body limit unless a route raises it for bulk work, and then to at most 50 MiB', () => {
    expect(t.app.initialConfig.bodyLimit).toBe(1024 * 1024)
    const raised = t.app.routeCatalog.filter((r) => r.bodyLimit !== undefined && r.bodyLimit > 50 * 1024 * 1024)
    expect(raised.map((r) => r.url)).toEqual([])
  })
})
