// One webhook POST over node:http(s): the address policy decides where the socket may connect, at
// most MAX_ANSWER_BYTES of the receiver's answer are read (the rest is cut off, not buffered), and
// only the status and a short scrubbed excerpt come back, for `lastError` and the log.
import http from 'node:http'
import https from 'node:https'
import type { AddressPolicy } from './integrations.address.ts'
import { describeRefusal, WebhookAddressRefusedError } from './integrations.address.ts'

/** Bytes of a receiver's answer read at most; a larger answer is aborted. */
export const MAX_ANSWER_BYTES = 4096
/** Characters of the scrubbed answer kept in lastError and the log. */
export const EXCERPT_CHARS = 200

/** What a system error code of a failed connection means, for the office reading `lastError`. */
const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: '对方服务器拒绝连接（对方服务未运行，或地址、端口有误）',
  ECONNRESET: '连接被对方服务器中断',
  EPIPE: '连接已被对方服务器关闭',
  ECONNABORTED: '连接被中止',
  ETIMEDOUT: '连接对方服务器超时',
  ENOTFOUND: '找不到该域名（域名有误或无法解析）',
  EAI_AGAIN: '域名解析暂时失败，稍后会重试',
  EHOSTUNREACH: '网络不通，无法到达对方服务器',
  ENETUNREACH: '网络不通，无法到达对方服务器',
  CERT_HAS_EXPIRED: '对方服务器的证书已过期',
  DEPTH_ZERO_SELF_SIGNED_CERT: '对方服务器的证书不受信任（自签名证书）',
  SELF_SIGNED_CERT_IN_CHAIN: '对方服务器的证书不受信任（证书链中有自签名证书）',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '对方服务器的证书无法验证（证书链不完整）',
  ERR_TLS_CERT_ALTNAME_INVALID: '对方服务器的证书与域名不符',
}

/** `连接失败：<what happened, in Chinese>（<the system's code>）`: the code stays for whoever fixes the receiver. */
export function describeConnectionError(code: string): string {
  return `连接失败：${CONNECTION_ERRORS[code] ?? '网络错误'}（${code}）`
}

export interface PostOutcome { ok: boolean; statusCode: number | null; error: string | null }

/**
 * A receiver's answer as a short single line: control characters and runs of white space become
 * one space, and what may be a credential or a person's number is replaced.
 */
export function scrubExcerpt(bytes: Buffer, max = EXCERPT_CHARS): string {
  const text = bytes.toString('utf8')
    .replace(/\u001b\[[0-9;?]*[ -\/]*[@-~]/g, ' ') // terminal escape sequences
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ')
    .replace(/\b(bearer|basic|token|secret|password|passwd|api[-_]?key)(["'\s:=]+)[^\s"',;&]+/gi, '$1$2[已隐去]')
    .replace(/\b(pqa|whsec)_[A-Za-z0-9_-]+/g, '[已隐去]')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[邮箱]')
    .replace(/\d[\d\s.-]{4,}\d/g, (run) => (run.replace(/\D/g, '').length >= 6 ? '[数字]' : run))
    .replace(/\s+/g, ' ')
    .trim()
  // Cut by code point, so a surrogate pair is never split.
  const chars = [...text]
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text
}

export function createWebhookTransport({ policy, timeoutMs }: { policy: AddressPolicy; timeoutMs: number }) {
  // Kept-alive sockets were opened through the policy's lookup, so they lead to checked addresses.
  const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) }

  function post(url: string, headers: Record<string, string>, body: string): Promise<PostOutcome> {
    const refusal = policy.checkUrl(url)
    if (refusal) return Promise.resolve({ ok: false, statusCode: null, error: `拒绝投递：${describeRefusal(refusal)}` })
    const target = new URL(url)
    const protocol = target.protocol as 'http:' | 'https:'
    const signal = AbortSignal.timeout(timeoutMs)

    return new Promise<PostOutcome>((resolve) => {
      let settled = false
      const settle = (outcome: PostOutcome) => { if (!settled) { settled = true; resolve(outcome) } }
      const failed = (e: Error & { code?: string }) => {
        const reason = signal.aborted ? `超时（${timeoutMs} 毫秒内未答复）`
          : e instanceof WebhookAddressRefusedError ? `拒绝投递：${e.message}`
            : e.code ? describeConnectionError(e.code) : `请求失败：${e.message}`
        settle({ ok: false, statusCode: null, error: reason.slice(0, EXCERPT_CHARS + 100) })
      }

      const req = (protocol === 'https:' ? https : http).request(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: agents[protocol],
        lookup: policy.lookup as never,
        signal,
      }, (res) => {
        const status = res.statusCode ?? 0
        const chunks: Buffer[] = []
        let size = 0
        const done = () => {
          const ok = status >= 200 && status < 300
          const excerpt = ok ? '' : scrubExcerpt(Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES))
          settle({ ok, statusCode: status, error: ok ? null : `HTTP ${status}${excerpt ? `：${excerpt}` : ''}` })
        }
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk)
          size += chunk.length
          // Enough to describe the answer: stop reading and drop the connection.
          if (size >= MAX_ANSWER_BYTES) { done(); res.destroy() }
        })
        res.on('end', done)
        res.on('error', (e) => (size >= MAX_ANSWER_BYTES ? done() : failed(e)))
        res.on('aborted', () => failed(new Error('answer aborted')))
      })
      req.on('error', failed)
      req.end(body)
    })
  }

  return {
    post,
    close() { agents['http:'].destroy(); agents['https:'].destroy() },
  }
}

export type WebhookTransport = ReturnType<typeof createWebhookTransport>
