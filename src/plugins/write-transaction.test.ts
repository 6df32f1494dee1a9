import { sql } from 'drizzle-orm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Type } from '@fastify/type-provider-typebox'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { engineOf } from '../db/open.ts'
import { first } from '../db/query.ts'
import { resultId } from './route-config.ts'

/** Each test route creates a unit and is audited against it. */
const config = { audit: { target: 'unit', id: resultId('id') } }
const schema = (operationId: string) => ({ tags: ['system'], operationId, summary: '测试用', body: Type.Object({ code: Type.String({ maxLength: 32 }) }, { additionalProperties: false }) })

describe('write transactions', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
    const { db, units: service } = t.app.services
    const create = (code: string) => service.createUnit({ code, name: '测试单位' })
    // Shapes of handler other modules write: a plain function returning the service's promise, an
    // async function returning it, an async function that awaits something else first.
    t.app.post('/api/v1/test-sync', { config, schema: schema('testSync') }, (req: { body: { code: string } }) => create(req.body.code))
    t.app.post('/api/v1/test-async-value', { config, schema: schema('testAsyncValue') }, async (req: { body: { code: string } }) => create(req.body.code))
    t.app.post('/api/v1/test-awaits', { config, schema: schema('testAwaits') }, async (req: { body: { code: string } }, reply) => {
      await new Promise((r) => setTimeout(r, 5))
      // Whether the connection is in a transaction begun before the await: better-sqlite3 says so; on
      // PostgreSQL the transaction's start (now()) is then earlier than the statement's.
      const inTransactionDuringAwait = engineOf(db) === 'postgresql'
        ? (await first(db.all<{ open: boolean }>(sql`select now() < statement_timestamp() as open`)))!.open
        : db.$client.inTransaction
      return reply.code(201).send({ ...(await create(req.body.code)), inTransactionDuringAwait })
    })
    t.app.post('/api/v1/test-throws-after-write', { config, schema: schema('testThrows') }, async (req: { body: { code: string } }) => {
      await create(req.body.code)
      throw new Error('boom after the write')
    })
  })
  afterEach(async () => { await t.close() })

  const post = (url: string, code: string) => t.call({ method: 'POST', url: `/api/v1/${url}`, payload: { code } })
  const unitExists = async (code: string) => (await t.app.services.units.unitByCode(code)) !== undefined
  const auditedIds = async (action: string) => (await t.app.services.audit.list({ action, page: 1, pageSize: 100 })).items.map((r) => r.targetIds)

  it('answers a handler inside its transaction, so its write and audit row commit together', async () => {
    const res = await post('test-sync', 'a1')
    expect(res.statusCode).toBe(200)
    expect(await auditedIds('testSync')).toEqual([[res.json().id]])
    await t.app.services.db.run(sql`DROP TABLE audit_log`)
    expect((await post('test-sync', 'a2')).statusCode).toBe(500)
    expect(await unitExists('a2')).toBe(false)
  })

  it('audits handlers that answer later: an async value, or an await before the write', async () => {
    const value = await post('test-async-value', 'b1')
    const awaited = await post('test-awaits', 'b2')
    expect([value.statusCode, awaited.statusCode]).toEqual([200, 201])
    expect(await auditedIds('testAsyncValue')).toEqual([[value.json().id]])
    expect(await auditedIds('testAwaits')).toEqual([[awaited.json().id]])
  })

  it('holds the transaction open across the handler\'s awaits; another write waits for its commit', async () => {
    const [slow, other] = await Promise.all([post('test-awaits', 'c1'), post('test-sync', 'c2')])
    expect(slow.json().inTransactionDuringAwait).toBe(true)
    expect(other.statusCode).toBe(200)
    // The second write began while the first was awaiting, and was not let into its transaction.
    const ids = (await t.app.services.units.listUnits({ page: 1, pageSize: 100 })).items.filter((u) => ['c1', 'c2'].includes(u.code)).map((u) => u.code)
    expect(ids.sort()).toEqual(['c1', 'c2'])
    expect(await auditedIds('testAwaits')).toHaveLength(1)
    expect(await auditedIds('testSync')).toHaveLength(1)
  })

  it('keeps what a handler wrote before it failed, as it would without the transaction, and answers 500', async () => {
    const res = await post('test-throws-after-write', 'd1')
    expect(res.statusCode).toBe(500)
    expect(await unitExists('d1')).toBe(true)
    expect(await auditedIds('testThrows')).toEqual([])
  })
})
