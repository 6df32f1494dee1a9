import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'
import { auditLog } from './audit.table.ts'

describe('audit log', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  const auditRows = () => t.app.services.db.select().from(auditLog)

  it('logs a successful write with who, what, when, the ids touched and the request id', async () => {
    const before = new Date().toISOString()
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
    const unit = res.json()
    const [row] = await auditRows()
    const me = (await t.call({ method: 'GET', url: '/api/v1/me' })).json()
    expect(row).toMatchObject({
      actorTokenId: me.id, actorRole: 'admin', action: 'createUnit', targetType: 'unit', targetIds: [unit.id],
      details: { method: 'POST', route: '/api/v1/units', statusCode: 201, fields: ['code', 'name'] },
    })
    expect(row.requestId).toEqual(expect.any(String))
    expect(row.at >= before).toBe(true)
  })

  it('never keeps the values of the request body: names and phones stay out of the log', async () => {
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'wjw', name: '区卫生健康委', contactName: '张三丰', contactPhone: '13812345678', contactEmail: 'zhang@example.com' } })
    const stored = JSON.stringify(await auditRows())
    expect(stored).toContain('contactPhone')
    expect(stored).not.toContain('13812345678')
    expect(stored).not.toContain('张三丰')
    expect(stored).not.toContain('zhang@example.com')
  })

  it('takes the ids from the path of an update and a revocation', async () => {
    const unit = (await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })).json()
    await t.call({ method: 'PATCH', url: `/api/v1/units/${unit.id}`, payload: { active: false } })
    const agent = (await t.call({ method: 'POST', url: '/api/v1/tokens', payload: { name: '坐席', role: 'agent' } })).json()
    await t.call({ method: 'DELETE', url: `/api/v1/tokens/${agent.id}` })
    const rows = (await auditRows()).map((r) => [r.action, r.targetType, r.targetIds])
    expect(rows).toEqual([
      ['createUnit', 'unit', [unit.id]],
      ['updateUnit', 'unit', [unit.id]],
      ['createToken', 'token', [agent.id]],
      ['revokeToken', 'token', [agent.id]],
    ])
  })

  it('does not log reads or refused writes', async () => {
    await t.call({ method: 'GET', url: '/api/v1/units' })
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'BAD!', name: 'x' } })
    const agent = await t.token('agent')
    const before = (await auditRows()).length
    await t.call({ method: 'POST', url: '/api/v1/units', token: agent, payload: { code: 'x', name: 'x' } })
    expect((await auditRows()).length).toBe(before)
    expect((await auditRows()).map((r) => r.action)).toEqual(['createToken'])
  })

  it('rolls a write back when its audit row cannot be written, and answers 500', async () => {
    await t.app.services.db.run(sql`DROP TABLE audit_log`)
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
    expect(res.statusCode).toBe(500)
    expect(res.json().code).toBe('INTERNAL_ERROR')
    expect((await t.app.services.units.listUnits({ page: 1, pageSize: 10 })).total).toBe(0)
    expect((await t.call({ method: 'GET', url: '/health' })).statusCode).toBe(200)
  })

  it('commits a record made by a module with the transaction it is given, or not at all', async () => {
    const { db, audit } = t.app.services
    const actor = { tokenId: 1, role: 'agent' as const }
    await expect(db.transaction(async (tx) => {
      await audit.record({ actor, action: 'readContactDetails', targetType: 'consultation', targetIds: [7] }, tx)
      throw new Error('rolled back')
    })).rejects.toThrow('rolled back')
    await db.transaction((tx) => audit.record({ actor, action: 'readContactDetails', targetType: 'consultation', targetIds: [8], details: { note: '来电 13812345678' } }, tx))
    expect((await auditRows()).map((r) => [r.targetIds, r.details])).toEqual([[[8], { note: '来电 138****5678' }]])
  })

})

describe('GET /api/v1/audit', () => {
  let t: TestApp
  let agent: string
  let integration: string
  afterAll(async () => { await t.close() })
  beforeAll(async () => {
    t = await createTestApp()
    agent = await t.token('agent', { name: '坐席甲' })
    integration = await t.token('integration', { name: '网站信箱' })
    const { audit } = t.app.services
    const agentId = (await t.call({ method: 'GET', url: '/api/v1/me', token: agent })).json().id
    await audit.record({ actor: { tokenId: agentId, role: 'agent' }, action: 'readContactDetails', targetType: 'consultation', targetIds: [42, 'ZX-1'], requestId: 'req-1' })
    await audit.record({ actor: { tokenId: agentId, role: 'agent' }, action: 'readContactDetails', targetType: 'consultation', targetIds: [43] })
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
  })
  const list = async (query: string) => (await t.call({ method: 'GET', url: `/api/v1/audit${query}` })).json()

  it('lists newest first with the actor named', async () => {
    const page = await list('')
    expect(page.total).toBe(5)
    expect(page.items.map((i: { action: string }) => i.action)).toEqual(['createUnit', 'readContactDetails', 'readContactDetails', 'createToken', 'createToken'])
    expect(page.items[1].actor).toMatchObject({ role: 'agent', name: '坐席甲' })
  })

  it('filters by actor, role, action, target type and target id', async () => {
    const agentId = (await list('?role=agent')).items[0].actor.tokenId
    expect((await list(`?actorTokenId=${agentId}`)).total).toBe(2)
    expect((await list('?role=admin')).total).toBe(3)
    expect((await list('?action=createUnit')).items).toMatchObject([{ targetType: 'unit' }])
    expect((await list('?targetType=consultation')).total).toBe(2)
    expect((await list('?targetId=42')).items).toMatchObject([{ targetIds: [42, 'ZX-1'], requestId: 'req-1' }])
    expect((await list('?targetId=ZX-1')).total).toBe(1)
    expect((await list('?targetId=4')).total).toBe(0)
  })

  it('filters by period and pages', async () => {
    const future = new Date(Date.now() + 60_000).toISOString()
    const past = new Date(Date.now() - 60_000).toISOString()
    expect((await list(`?from=${future}`)).total).toBe(0)
    expect((await list(`?from=${past}&to=${future}`)).total).toBe(5)
    expect((await list(`?to=${past}`)).total).toBe(0)
    const second = await list('?page=2&pageSize=3')
    expect(second).toMatchObject({ total: 5, page: 2, pageSize: 3 })
    expect(second.items.map((i: { action: string }) => i.action)).toEqual(['createToken', 'createToken'])
  })

  it('refuses page sizes over 100 and impossible dates', async () => {
    expect((await t.call({ method: 'GET', url: '/api/v1/audit?pageSize=101' })).json().code).toBe('VALIDATION_FAILED')
    expect((await t.call({ method: 'GET', url: '/api/v1/audit?from=2025-02-30T00:00:00Z' })).json().code).toBe('VALIDATION_FAILED')
  })

  it('is for admins only', async () => {
    for (const token of [agent, integration]) {
      const res = await t.call({ method: 'GET', url: '/api/v1/audit', token })
      expect(res.statusCode).toBe(403)
    }
  })
})
