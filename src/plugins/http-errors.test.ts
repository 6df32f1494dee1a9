// What a client gets when the request never reaches a route. Node's parser answers 431 (and the
// 414 of a request line past the header limit) on the socket, so those go through a real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, rawRequest, type TestApp } from '../../test/app.testkit.ts'
import { HTTP_LIMITS } from './http-errors.ts'

const CHINESE = /[\u4e00-\u9fff]/

describe('refusals before a route runs', () => {
  let t: TestApp
  let port: number
  beforeAll(async () => {
    t = await createTestApp()
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    port = (t.app.server.address() as { port: number }).port
  })
  afterAll(async () => { await t.close() })

  const shape = (body: any, status: number, code: string) => {
    expect(body).toEqual({ statusCode: status, code, message: expect.stringMatching(CHINESE) })
  }

  it('answers an unknown path with 404 ROUTE_NOT_FOUND even without a token, instead of 401', async () => {
    const res = await t.call({ method: 'GET', url: '/api/v1/no-such-thing', token: null })
    expect(res.statusCode).toBe(404)
    shape(res.json(), 404, 'ROUTE_NOT_FOUND')
  })

  it('answers a known path with the wrong method with 405 and Allow, instead of 404 or 401', async () => {
    for (const [method, url, allow] of [['DELETE', '/health', 'GET, HEAD'], ['PUT', '/api/v1/units', 'GET, HEAD, POST'], ['TRACE', '/api/v1/units/1', 'GET, HEAD, PATCH']] as const) {
      const res = await t.call({ method, url, token: null })
      expect(res.statusCode, `${method} ${url}`).toBe(405)
      expect(res.headers.allow).toBe(allow)
      shape(res.json(), 405, 'METHOD_NOT_ALLOWED')
    }
  })

  it('answers a path parameter past its limit with 414 URI_TOO_LONG in Chinese, instead of FST_ERR_MAX_PARAM_LENGTH', async () => {
    const res = await t.call({ method: 'GET', url: `/api/v1/units/${'1'.repeat(HTTP_LIMITS.maxParamLength + 1)}` })
    expect(res.statusCode).toBe(414)
    shape(res.json(), 414, 'URI_TOO_LONG')
  })

  it('answers a URL past its limit with 414 URI_TOO_LONG', async () => {
    const res = await t.call({ method: 'GET', url: `/api/v1/units?x=${'a'.repeat(HTTP_LIMITS.maxUrlLength)}` })
    expect(res.statusCode).toBe(414)
    shape(res.json(), 414, 'URI_TOO_LONG')
  })

  it('answers a bad escape in the path with 400 BAD_URL in Chinese, instead of FST_ERR_BAD_URL', async () => {
    const res = await rawRequest(port, 'GET /api/v1/units/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(res.status).toBe(400)
    shape(res.body, 400, 'BAD_URL')
  })

  it('answers a path the static files refuse with a stable code, instead of BAD_REQUEST', async () => {
    const res = await rawRequest(port, 'GET /console/%2e%2e/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(res.status).toBe(403)
    shape(res.body, 403, 'FORBIDDEN')
  })

  it('answers oversized headers with 431 HEADERS_TOO_LARGE in Chinese, instead of English JSON', async () => {
    const res = await rawRequest(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(HTTP_LIMITS.maxHeaderBytes + 1)}\r\nConnection: close\r\n\r\n`)
    expect(res.status).toBe(431)
    shape(res.body, 431, 'HEADERS_TOO_LARGE')
  })

  it('answers a request line past the header limit with 414 URI_TOO_LONG, instead of 431 in English', async () => {
    const res = await rawRequest(port, `GET /health?x=${'a'.repeat(HTTP_LIMITS.maxHeaderBytes + 1)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    expect(res.status).toBe(414)
    shape(res.body, 414, 'URI_TOO_LONG')
  })

  it('answers a request the parser cannot read with 400 MALFORMED_REQUEST in Chinese', async () => {
    const res = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n')
    expect(res.status).toBe(400)
    shape(res.body, 400, 'MALFORMED_REQUEST')
  })

  it('answers an oversized body with 413 BODY_TOO_LARGE in Chinese', async () => {
    const res = await t.call({ method: 'POST', url: '/api/v1/units', payload: { code: 'x', name: 'x'.repeat(HTTP_LIMITS.bodyLimit) } })
    expect(res.statusCode).toBe(413)
    shape(res.json(), 413, 'BODY_TOO_LARGE')
  })
})
