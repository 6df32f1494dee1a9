import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generateOpenApi } from './openapi.ts'
import { createTestApp } from './app.testkit.ts'

const committedPath = new URL('../openapi/openapi.json', import.meta.url)

describe('OpenAPI document', () => {
  it('matches the committed openapi/openapi.json (run `npm run openapi` after changing a route)', async () => {
    expect(await generateOpenApi()).toBe(readFileSync(committedPath, 'utf8'))
  })

  it('is served at /openapi.json without a token', async () => {
    const t = await createTestApp()
    const res = await t.call({ method: 'GET', url: '/openapi.json', token: null })
    expect(res.statusCode).toBe(200)
    expect(res.json().openapi).toBe('3.1.0')
    await t.close()
  })

  it('gives every operation tags, an operationId, a Chinese summary and error responses', async () => {
    const doc = JSON.parse(readFileSync(committedPath, 'utf8'))
    const problems: string[] = []
    for (const [path, ops] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`
        if (!Array.isArray(op.tags) || op.tags.length === 0) problems.push(`${where}: no tags`)
        if (typeof op.operationId !== 'string') problems.push(`${where}: no operationId`)
        if (typeof op.summary !== 'string' || !/[\u4e00-\u9fa5]/.test(op.summary)) problems.push(`${where}: no Chinese summary`)
        const responses = Object.keys((op.responses as object) ?? {})
        if (!responses.some((s) => s.startsWith('2'))) problems.push(`${where}: no success response schema`)
        if (!path.startsWith('/health') && !responses.some((s) => s.startsWith('4'))) problems.push(`${where}: no error response schema`)
      }
    }
    expect(problems).toEqual([])
  })
})
