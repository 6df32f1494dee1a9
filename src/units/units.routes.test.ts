import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'

describe('units and topics API', () => {
  let t: TestApp
  beforeEach(async () => { t = await createTestApp() })
  afterEach(async () => { await t.close() })

  it('creates a unit and lists it', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局', contactPhone: '023-67891234' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ code: 'rsj', name: '区人力社保局', active: true })
    const list = await t.call({ method: 'GET', url: '/api/v1/units?q=人力' })
    expect(list.json()).toMatchObject({ total: 1, items: [{ code: 'rsj' }] })
  })

  it('refuses a duplicate unit code with 409 UNIT_CODE_TAKEN', async () => {
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '区人力社保局' } })
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'rsj', name: '另一个' } })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'UNIT_CODE_TAKEN' })
  })

  it('names the field at fault when validation fails', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'RSJ!', name: '   ', extra: 1 } })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.code).toBe('VALIDATION_FAILED')
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(['code', 'extra', 'name'])
  })

  it('creates a required topic with a default unit', async () => {
    await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'wjw', name: '区卫生健康委' } })
    const res = await t.call({ method: 'POST', url: '/api/v1/topics', payload: { code: 'birth', name: '生育', required: true, defaultUnitCode: 'wjw' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ code: 'birth', required: true, defaultUnit: { code: 'wjw', name: '区卫生健康委' } })
  })

  it('names defaultUnitCode when a topic is created or changed with an unknown unit', async () => {
    const created = await t.call({ method: 'POST', url: '/api/v1/topics', payload: { code: 'birth', name: '生育', defaultUnitCode: 'nope' } })
    expect(created.statusCode).toBe(404)
    expect(created.json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'defaultUnitCode', message: '单位 nope 不存在' }] })
    const topic = (await t.call({ method: 'POST', url: '/api/v1/topics', payload: { code: 'birth', name: '生育' } })).json()
    const patched = await t.call({ method: 'PATCH', url: `/api/v1/topics/${topic.id}`, payload: { defaultUnitCode: 'nope' } })
    expect(patched.statusCode).toBe(404)
    expect(patched.json()).toMatchObject({ code: 'UNIT_NOT_FOUND', details: [{ field: 'defaultUnitCode', message: '单位 nope 不存在' }] })
  })

  it('answers 401 without a token and 403 for a role that may not write', async () => {
    expect((await t.call({ method: 'GET', url: '/api/v1/units', token: null })).json().code).toBe('AUTH_REQUIRED')
    expect((await t.call({ method: 'GET', url: '/api/v1/units', token: 'nope' })).statusCode).toBe(401)
    const agent = await t.token('agent')
    expect((await t.call({ method: 'GET', url: '/api/v1/units', token: agent })).statusCode).toBe(200)
    const res = await t.call({ method: 'POST', url: '/api/v1/units', token: agent, payload: { code: 'x', name: 'x' } })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('FORBIDDEN')
  })
})
