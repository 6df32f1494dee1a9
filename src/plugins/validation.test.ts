import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../test/app.testkit.ts'

describe('integers in paths and query strings', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    for (let i = 1; i <= 16; i++) await t.app.services.units.createUnit({ code: `u${i}`, name: `单位${i}` })
  })
  afterAll(async () => { await t.close() })

  it.each(['0x10', '+1', '1e1', '1.0', ' 1', '0b1', '١'])('refuses path id %j instead of reading it as a number', async (id) => {
    const res = await t.call({ method: 'GET', url: `/api/v1/units/${encodeURIComponent(id)}` })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'id', message: 'id 应为十进制整数（只含数字 0-9）' }] })
  })

  it('takes decimal path ids, leading zeros included', async () => {
    expect((await t.call({ method: 'GET', url: '/api/v1/units/16' })).json()).toMatchObject({ code: 'u16' })
    expect((await t.call({ method: 'GET', url: '/api/v1/units/016' })).json()).toMatchObject({ code: 'u16' })
  })

  it('refuses a page number written as 0x2 or 1e1 in the query string', async () => {
    for (const page of ['0x2', '1e1']) {
      const res = await t.call({ method: 'GET', url: `/api/v1/audit?page=${page}` })
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'page' }] })
    }
    expect((await t.call({ method: 'GET', url: '/api/v1/audit?page=2' })).statusCode).toBe(200)
  })
})
