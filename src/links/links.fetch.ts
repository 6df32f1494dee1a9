// One link check: HEAD, then GET if HEAD did not say 2xx (many servers refuse or mishandle HEAD),
// each with a timeout, redirects followed by hand (every hop checked against the address policy
// again), and at most `maxBytes` of a body read before the connection is dropped. The address
// policy is the webhooks' one: no loopback, private or link-local targets unless allowlisted.
import http from 'node:http'
import https from 'node:https'
import { describeRefusal, WebhookAddressRefusedError, type AddressPolicy } from '../integrations/integrations.address.ts'
import { describeConnectionError } from '../integrations/integrations.transport.ts'
import type { LinkState } from './links.table.ts'

export const MAX_REDIRECTS = 5

export interface LinkResult { state: LinkState; httpStatus: number | null; method: 'HEAD' | 'GET' | null; finalUrl: string | null; error: string | null; durationMs: number }

interface Attempt { ok: boolean; refused: boolean; status: number | null; finalUrl: string; error: string | null }

const refusal = (text: string) => text.replace(/^事件推送地址/, '链接地址')

export function createLinkFetcher({ policy, timeoutMs, maxBytes }: { policy: AddressPolicy; timeoutMs: number; maxBytes: number }) {
  function once(method: 'HEAD' | 'GET', url: string, hop: number): Promise<Attempt> {
    const refused = policy.checkUrl(url)
    if (refused) return Promise.resolve({ ok: false, refused: true, status: null, finalUrl: url, error: `拒绝访问：${refusal(describeRefusal(refused))}` })
    const target = new URL(url)
    const signal = AbortSignal.timeout(timeoutMs)
    return new Promise<Attempt>((resolve) => {
      let settled = false
      const settle = (a: Attempt | Promise<Attempt>) => { if (!settled) { settled = true; resolve(a) } }
      const failed = (e: Error & { code?: string }) => settle({
        ok: false, refused: e instanceof WebhookAddressRefusedError, status: null, finalUrl: url,
        error: signal.aborted ? `超时（${timeoutMs} 毫秒内未答复）`
          : e instanceof WebhookAddressRefusedError ? `拒绝访问：${refusal(e.message)}`
            : e.code ? describeConnectionError(e.code) : `请求失败：${e.message}`,
      })
      const req = (target.protocol === 'https:' ? https : http).request(target, {
        method, agent: false, lookup: policy.lookup as never, signal,
        headers: { 'user-agent': 'policy-qa-kb-link-check/1.0', accept: '*/*' },
      }, (res) => {
        const status = res.statusCode ?? 0
        const location = res.headers.location
        if (status >= 300 && status < 400 && location) {
          res.destroy()
          if (hop >= MAX_REDIRECTS) return settle({ ok: false, refused: false, status, finalUrl: url, error: `重定向超过 ${MAX_REDIRECTS} 次` })
          let next: string
          try { next = new URL(location, url).toString() } catch { return settle({ ok: false, refused: false, status, finalUrl: url, error: '重定向地址无效' }) }
          return settle(once(method, next, hop + 1))
        }
        const ok = status >= 200 && status < 300
        if (method === 'HEAD' || !ok) {
          res.destroy()
          return settle({ ok, refused: false, status, finalUrl: url, error: ok ? null : `HTTP ${status}` })
        }
        // A GET that opened: read up to the cap, then stop; the link works either way.
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size >= maxBytes) { settle({ ok: true, refused: false, status, finalUrl: url, error: null }); res.destroy() }
        })
        res.on('end', () => settle({ ok: true, refused: false, status, finalUrl: url, error: null }))
        res.on('error', (e) => (size > 0 ? settle({ ok: true, refused: false, status, finalUrl: url, error: null }) : failed(e)))
      })
      req.on('error', failed)
      req.end()
    })
  }

  return {
    async check(url: string): Promise<LinkResult> {
      const started = Date.now()
      const done = (a: Attempt, method: 'HEAD' | 'GET'): LinkResult => ({
        state: a.ok ? 'ok' : a.refused ? 'refused' : 'broken', httpStatus: a.status, method,
        finalUrl: a.finalUrl !== url ? a.finalUrl : null, error: a.error, durationMs: Date.now() - started,
      })
      const head = await once('HEAD', url, 0)
      if (head.ok || head.refused) return done(head, 'HEAD')
      return done(await once('GET', url, 0), 'GET')
    },
  }
}

export type LinkFetcher = ReturnType<typeof createLinkFetcher>
