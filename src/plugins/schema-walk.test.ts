import { describe, expect, it } from 'vitest'
import { Type } from '@fastify/type-provider-typebox'
import { Code, IsoDate, Nullable, Text } from '../common/schemas.ts'
import { findSchemaProblems, isBoundedPattern, sampleFor, stringLeaves, withValueAt, type JsonSchema } from './schema-walk.ts'

const asJson = (s: unknown) => JSON.parse(JSON.stringify(s)) as JsonSchema

describe('schema walk', () => {
  it('tells bounded patterns from unbounded ones', () => {
    expect(isBoundedPattern('^[a-z0-9][a-z0-9_-]{0,31}$')).toBe(true)
    expect(isBoundedPattern('^[0-9+\\- ]{3,20}$')).toBe(true)
    expect(isBoundedPattern('^[a-z]+$')).toBe(false)
    expect(isBoundedPattern('^a{2,}$')).toBe(false)
    expect(isBoundedPattern('[a-z]{1,3}')).toBe(false)
    expect(isBoundedPattern('^\\*{1,3}$')).toBe(true)
  })

  it('finds unknown fields, unbounded strings and arrays, nested and in unions', () => {
    const schema = asJson(Type.Object({
      ok: Text(10),
      code: Code,
      loose: Type.String(),
      list: Type.Array(Text(5)),
      nested: Type.Object({ deep: Nullable(Type.String()) }),
      anything: Type.Unknown(),
    }, { additionalProperties: false }))
    expect(findSchemaProblems(schema, '')).toEqual([
      'loose: string without maxLength',
      'list: array without maxItems',
      'nested: allows unknown fields (additionalProperties is not false)',
      'nested.deep: string without maxLength',
      'anything: accepts any value',
    ])
    expect(findSchemaProblems(asJson(Type.Object({ a: Text(5), b: Type.Array(Code, { maxItems: 3 }) }, { additionalProperties: false })), '')).toEqual([])
  })

  it('builds samples the schema accepts, with or without optional fields', () => {
    const schema = asJson(Type.Object({
      code: Code, name: Text(3), on: IsoDate, n: Type.Integer({ minimum: 5 }),
      tags: Type.Optional(Type.Array(Text(20), { maxItems: 3 })),
      kind: Type.Union([Type.Literal('question'), Type.Literal('suggestion')]),
    }, { additionalProperties: false }))
    expect(sampleFor(schema)).toEqual({ code: 'abc', name: '测试文', on: '2025-03-03', n: 5, kind: 'question' })
    expect(sampleFor(schema, true)).toMatchObject({ tags: ['测试文本'] })
    const leaves = stringLeaves(schema, sampleFor(schema, true)).map((l) => l.path.join('.'))
    expect(leaves).toEqual(['code', 'name', 'on', 'tags.0', 'kind'])
  })

  it('replaces a nested value, taking missing parents from the full sample', () => {
    expect(withValueAt({ a: 1 }, { a: 1, b: { c: 'x', d: 2 } }, ['b', 'c'], 'y')).toEqual({ a: 1, b: { c: 'y', d: 2 } })
    expect(withValueAt({ list: [] }, { list: [{ q: 'x' }] }, ['list', 0, 'q'], 'z')).toEqual({ list: [{ q: 'z' }] })
  })
})
