// Refusals that happen before a route runs: an unknown path or method, a URL or header block that is
// too large, a request Node's HTTP parser cannot read. They answer in the shape every other error
// has ({ statusCode, code, message }, in Chinese) instead of Fastify's or Node's English defaults.
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify'

/** Limits of the HTTP layer, passed to Fastify and Node in app.ts. */
export const HTTP_LIMITS = {
  /** Request line plus headers, as Node's parser counts them; past it Node answers 431 (or 414, below). */
  maxHeaderBytes: 16 * 1024,
  /** Path and query string; a longer URL gets 414 even when the header block fits. */
  maxUrlLength: 8 * 1024,
  /** One path parameter (an id, a code). */
  maxParamLength: 200,
  /** One consultation fits easily in 1 MiB; the bulk import raises its own route's limit. */
  bodyLimit: 1024 * 1024,
} as const

export interface HttpRefusal { statusCode: number; code: string; message: string }

export const REFUSALS = {
  uriTooLong: { statusCode: 414, code: 'URI_TOO_LONG', message: `请求地址过长（上限 ${HTTP_LIMITS.maxUrlLength} 个字符）` },
  paramTooLong: { statusCode: 414, code: 'URI_TOO_LONG', message: `请求地址中的参数过长（上限 ${HTTP_LIMITS.maxParamLength} 个字符）` },
  headersTooLarge: { statusCode: 431, code: 'HEADERS_TOO_LARGE', message: `请求头过大（请求行与请求头合计上限 ${HTTP_LIMITS.maxHeaderBytes / 1024} KiB）` },
  badUrl: { statusCode: 400, code: 'BAD_URL', message: '请求地址不合法' },
  malformed: { statusCode: 400, code: 'MALFORMED_REQUEST', message: '请求格式不合法，无法解析' },
  timeout: { statusCode: 408, code: 'REQUEST_TIMEOUT', message: '请求超时：未在规定时间内收到完整请求' },
} as const satisfies Record<string, HttpRefusal>

/** Stable codes for 4xx that carry none of ours (e.g. from @fastify/static), by status. */
export const GENERIC_CLIENT_ERRORS: Record<number, { code: string; message: string }> = {
  400: { code: 'BAD_REQUEST', message: '请求不合法' },
  403: { code: 'FORBIDDEN', message: '禁止访问' },
  404: { code: 'NOT_FOUND', message: '资源不存在' },
  405: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方法' },
  406: { code: 'NOT_ACCEPTABLE', message: '无法提供所要求的内容类型' },
  408: REFUSALS.timeout,
  413: { code: 'BODY_TOO_LARGE', message: '请求体过大' },
  414: REFUSALS.uriTooLong,
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: '不支持的内容类型，请使用 application/json' },
  416: { code: 'RANGE_NOT_SATISFIABLE', message: '请求的范围无效' },
  431: REFUSALS.headersTooLarge,
}

export const refusalBody = (r: HttpRefusal) => ({ statusCode: r.statusCode, code: r.code, message: r.message })

/**
 * Node's parser refused the request, so there is no request object: the answer is written to the
 * socket. A request line that alone overflows the header limit is a URL that is too long (414).
 */
export function clientErrorHandler(err: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const refusal = err.code === 'HPE_HEADER_OVERFLOW' ? (requestLineOverflows(err.rawPacket) ? REFUSALS.uriTooLong : REFUSALS.headersTooLarge)
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? REFUSALS.timeout
      : REFUSALS.malformed
  if (socket.writable) {
    const body = JSON.stringify(refusalBody(refusal))
    socket.write(`HTTP/1.1 ${refusal.statusCode} ${STATUS_CODES[refusal.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`)
  }
  socket.destroy(err)
}

function requestLineOverflows(packet: unknown): boolean {
  if (!Buffer.isBuffer(packet)) return false
  const text = packet.subarray(0, HTTP_LIMITS.maxHeaderBytes + 2).toString('latin1')
  return /^[A-Z]+ /.test(text) && !text.includes('\r\n')
}

/** Fastify's own refusals before routing (a bad escape in the path, a path parameter too long). */
export function frameworkErrors(err: Error & { code?: string }, _req: FastifyRequest, reply: FastifyReply) {
  const refusal = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? REFUSALS.paramTooLong
    : err.code === 'FST_ERR_BAD_URL' ? REFUSALS.badUrl
      : REFUSALS.malformed
  return reply.status(refusal.statusCode).send(refusalBody(refusal))
}

/**
 * The methods each registered path answers, to tell "no such path" (404) from "not this method"
 * (405 with Allow). Paths are find-my-way patterns: `:name` is one segment, `*` the rest.
 */
export function createMethodIndex() {
  const patterns = new Map<string, { regex: RegExp; methods: Set<string> }>()
  return {
    add(route: Pick<RouteOptions, 'method' | 'url'>) {
      let entry = patterns.get(route.url)
      if (!entry) {
        const source = route.url.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*'
          : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')
        entry = { regex: new RegExp(`^${source}$`), methods: new Set() }
        patterns.set(route.url, entry)
      }
      for (const m of [route.method].flat()) entry.methods.add(m)
    },
    /** The methods `path` answers, sorted; empty when no route has this path. */
    allowed(path: string): string[] {
      const methods = new Set<string>()
      for (const { regex, methods: ms } of patterns.values()) if (regex.test(path)) for (const m of ms) methods.add(m)
      return [...methods].sort()
    },
  }
}
