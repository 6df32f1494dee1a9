// Walks JSON Schemas (as served in the OpenAPI document) to check limits and to build sample
// requests: used by the security tests, which must keep up with routes added by every module.

export type JsonSchema = Record<string, unknown> & {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  enum?: unknown[]
  const?: unknown
  $ref?: string
}

/** Inlines `#/components/schemas/...` references. */
export function resolveRefs(schema: unknown, components: Record<string, unknown> = {}, depth = 0): JsonSchema {
  if (depth > 20 || schema === null || typeof schema !== 'object') return schema as JsonSchema
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(s, components, depth + 1)) as unknown as JsonSchema
  const s = schema as JsonSchema
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace(/^#\/components\/schemas\//, '')
    return resolveRefs(components[name], components, depth + 1)
  }
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, resolveRefs(v, components, depth + 1)])) as JsonSchema
}

const typesOf = (s: JsonSchema): string[] => {
  if (s.type) return [s.type].flat()
  if (s.properties) return ['object']
  if (s.const !== undefined) return [typeof s.const]
  if (s.enum) return [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))]
  return []
}
const branches = (s: JsonSchema) => [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]

/** A pattern that is anchored and has no unbounded repetition cannot match an unbounded string. */
export function isBoundedPattern(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false
  // Escapes and character classes first: `+` inside [0-9+] is a literal.
  const bare = pattern.replace(/\\./g, 'e').replace(/\[[^\]]*\]/g, 'c')
  return !/[*+]|\{\d+,\}/.test(bare)
}

/**
 * Problems that let a client send unbounded or unexpected input: objects that allow unknown
 * fields, strings without a maximum length, arrays without a maximum number of items, and
 * schemas that accept anything.
 */
export function findSchemaProblems(schema: JsonSchema | undefined, path: string, out: string[] = []): string[] {
  if (!schema || typeof schema !== 'object') return out
  const subs = branches(schema)
  if (subs.length > 0) {
    subs.forEach((b) => findSchemaProblems(b, path, out))
    if (!schema.type && !schema.properties) return out
  }
  const types = typesOf(schema)
  if (types.length === 0 && subs.length === 0) out.push(`${path}: accepts any value`)
  if (types.includes('object')) {
    if (schema.additionalProperties !== false) out.push(`${path}: allows unknown fields (additionalProperties is not false)`)
    for (const [k, v] of Object.entries(schema.properties ?? {})) findSchemaProblems(v, path ? `${path}.${k}` : k, out)
  }
  if (types.includes('string') && schema.const === undefined && !schema.enum) {
    const bounded = typeof schema.maxLength === 'number' || (typeof schema.pattern === 'string' && isBoundedPattern(schema.pattern))
    if (!bounded) out.push(`${path}: string without maxLength`)
  }
  if (types.includes('array')) {
    if (typeof schema.maxItems !== 'number') out.push(`${path}: array without maxItems`)
    findSchemaProblems(schema.items, `${path}[]`, out)
  }
  return out
}

const STRING_CANDIDATES = ['测试文本', 'abc', 'rsj', 'a1', 'A1', '13800138000', '2025', '2025-03', '2025-03-03', '12', 'x']
const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2025-03-03T09:00:00+08:00',
  date: '2025-03-03',
  time: '09:00:00',
  email: 'test@example.com',
  uri: 'https://example.com/hook',
  url: 'https://example.com/hook',
  uuid: '3f1b6c1e-6a4e-4c2b-9a53-0a5b8f8d2c11',
}

function sampleString(s: JsonSchema): string | undefined {
  if (typeof s.format === 'string' && FORMAT_SAMPLES[s.format]) return FORMAT_SAMPLES[s.format]
  const min = typeof s.minLength === 'number' ? s.minLength : 0
  const max = typeof s.maxLength === 'number' ? s.maxLength : Infinity
  const re = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined
  for (const c of STRING_CANDIDATES) {
    let v = c
    while ([...v].length < min) v += c
    if ([...v].length > max) v = [...v].slice(0, max).join('')
    if (!re || re.test(v)) return v
  }
  return undefined
}

/**
 * A value the schema accepts: an `examples[0]` or `default` when the schema has one, else built
 * from the types. `all` includes optional properties too.
 */
export function sampleFor(schema: JsonSchema | undefined, all = false): unknown {
  if (!schema) return undefined
  if (Array.isArray(schema.examples) && schema.examples.length) return structuredClone(schema.examples[0])
  if (schema.default !== undefined) return structuredClone(schema.default)
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  const subs = schema.anyOf ?? schema.oneOf
  if (subs) {
    const nonNull = subs.filter((b) => !typesOf(b).includes('null') || typesOf(b).length > 1)
    return sampleFor(nonNull[0] ?? subs[0], all)
  }
  const type = typesOf(schema).find((t) => t !== 'null') ?? typesOf(schema)[0]
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0
      for (const [k, v] of Object.entries(schema.properties ?? {})) {
        if (all || schema.required?.includes(k)) out[k] = sampleFor(v, all)
      }
      for (const [k, v] of Object.entries(schema.properties ?? {})) {
        if (Object.keys(out).length >= minProperties) break
        if (!(k in out)) out[k] = sampleFor(v, all)
      }
      return out
    }
    case 'array': {
      const n = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 0, all ? 1 : 0)
      return Array.from({ length: n }, (_v, i) => {
        const item = sampleFor(schema.items, all)
        return typeof item === 'string' && schema.uniqueItems ? `${item}${i || ''}` : item
      })
    }
    case 'string': return sampleString(schema)
    case 'integer': case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : 1
      return Math.max(min, Math.min(1, typeof schema.maximum === 'number' ? schema.maximum : 1))
    }
    case 'boolean': return true
    case 'null': return null
    default: return undefined
  }
}

export interface Leaf { path: (string | number)[]; schema: JsonSchema }

/** The string leaves of a sample (`items.0.question`), with the schema that governs each. */
export function stringLeaves(schema: JsonSchema | undefined, value: unknown, path: (string | number)[] = [], out: Leaf[] = []): Leaf[] {
  if (!schema) return out
  const subs = schema.anyOf ?? schema.oneOf
  if (subs) {
    const fitting = subs.find((b) => typesOf(b).includes(Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value)) ?? subs[0]
    return stringLeaves(fitting, value, path, out)
  }
  if (typeof value === 'string') out.push({ path, schema })
  else if (Array.isArray(value) && value.length) stringLeaves(schema.items, value[0], [...path, 0], out)
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) stringLeaves(schema.properties?.[k], v, [...path, k], out)
  }
  return out
}

/** A copy of `base` with the value at `path` replaced, taking missing parents from `full`. */
export function withValueAt(base: unknown, full: unknown, path: (string | number)[], value: unknown): unknown {
  const out = structuredClone(base) as Record<string | number, unknown>
  let node = out
  let fullNode = full as Record<string | number, unknown> | undefined
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value
      return
    }
    fullNode = fullNode?.[key] as Record<string | number, unknown> | undefined
    if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = structuredClone(fullNode)
    node = node[key] as Record<string | number, unknown>
  })
  return out
}

/** A string the leaf would accept apart from its length: the sample's first character, repeated. */
export const oversize = (schema: JsonSchema, sample: string) =>
  ([...sample][0] ?? 'x').repeat((typeof schema.maxLength === 'number' ? schema.maxLength : 10_000) + 1)

/** Whether a leaf is free text (not a code, an enum, a date or an address). */
export const isFreeText = (s: JsonSchema) =>
  !s.enum && s.const === undefined && !s.format && (typeof s.pattern !== 'string' || !isBoundedPattern(s.pattern))
