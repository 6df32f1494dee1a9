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

describe('JSON bodies', () => {
  let t: TestApp
  beforeAll(async () => { t = await createTestApp() })
  afterAll(async () => { await t.close() })

  it('take UTF-8, declared or not, with or without a byte order mark', async () => {
    for (const [type, payload] of [
      ['application/json', '{"code":"a1","name":"区医保局"}'],
      ['application/json; charset=UTF-8', '{"code":"a2","name":"区医保局"}'],
      ['application/json;charset="utf8"', '{"code":"a3","name":"区医保局"}'],
      ['application/json', '\uFEFF{"code":"a4","name":"区医保局"}'],
    ]) {
      const res = await t.call({ method: 'POST', url: '/api/v1/units', payload, headers: { 'content-type': type } })
      expect(res.statusCode, `${type} ${payload}`).toBe(201)
      expect(res.json().name).toBe('区医保局')
    }
  })

  it('refuse another charset, bytes that are not UTF-8, and plain text, in Chinese', async () => {
    const gbk = await t.call({ method: 'POST', url: '/api/v1/units', payload: '{"code":"b1","name":"x"}', headers: { 'content-type': 'application/json; charset=GBK' } })
    expect(gbk.statusCode).toBe(415)
    expect(gbk.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持请求体的字符集 gbk，请用 UTF-8 编码发送 JSON' })
    const bytes = Buffer.concat([Buffer.from('{"code":"b2","name":"'), Buffer.from([0xc9, 0xe7, 0xb1, 0xa3]), Buffer.from('"}')])
    const mojibake = await t.call({ method: 'POST', url: '/api/v1/units', payload: bytes, headers: { 'content-type': 'application/json' } })
    expect(mojibake.statusCode).toBe(400)
    expect(mojibake.json().code).toBe('INVALID_ENCODING')
    const text = await t.call({ method: 'POST', url: '/api/v1/units', payload: '区医保局', headers: { 'content-type': 'text/plain' } })
    expect(text.statusCode).toBe(415)
    expect((await t.call({ method: 'GET', url: '/api/v1/units' })).json().items.map((u: { code: string }) => u.code)).not.toContain('b2')
  })
})
