import { describe, expect, it } from 'vitest'
import { MAX_BACKOFF_MS, backoffMs, sign, verifySignature, webhookHeaders } from './integrations.webhook.ts'

describe('webhook signatures', () => {
  const secret = 'whsec_test'
  const body = '{"id":"e1","type":"ticket.created"}'
  const now = 1_760_000_000
  const headers = webhookHeaders(secret, { id: 'e1', type: 'ticket.created' }, body, String(now), 1)

  it('signs "<timestamp>.<body>" with HMAC-SHA256 in hex', () => {
    // Known answer computed independently: printf '1760000000.<body>' | openssl dgst -sha256 -hmac whsec_test
    expect(sign(secret, String(now), body)).toBe('6fba8bb764d60bc247eeebdec4b60f7373103270eab4ef19db6497cd1f252ede')
    expect(headers['x-signature']).toBe(`sha256=${sign(secret, String(now), body)}`)
    expect(sign(secret, String(now), body)).not.toBe(sign(secret, String(now + 1), body))
  })

  it('verifies a genuine delivery', () => {
    expect(verifySignature({ secret, signature: headers['x-signature'], timestamp: headers['x-timestamp'], body, nowSeconds: now + 10 })).toBe(true)
  })

  it('refuses a changed body, a wrong secret, a missing header and a stale timestamp', () => {
    const base = { secret, signature: headers['x-signature'], timestamp: headers['x-timestamp'], body, nowSeconds: now }
    expect(verifySignature({ ...base, body: body.replace('e1', 'e2') })).toBe(false)
    expect(verifySignature({ ...base, secret: 'whsec_other' })).toBe(false)
    expect(verifySignature({ ...base, signature: undefined })).toBe(false)
    expect(verifySignature({ ...base, signature: 'sha256=abc' })).toBe(false)
    expect(verifySignature({ ...base, nowSeconds: now + 301 })).toBe(false)
  })
})

describe('backoff', () => {
  it('doubles per attempt, with jitter between half and all of the step', () => {
    expect(backoffMs(1, 1000, () => 0)).toBe(500)
    expect(backoffMs(1, 1000, () => 1)).toBe(1000)
    expect(backoffMs(4, 1000, () => 0)).toBe(4000)
    expect(backoffMs(4, 1000, () => 1)).toBe(8000)
    const delays = Array.from({ length: 200 }, () => backoffMs(3, 1000))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000)
    expect(new Set(delays).size).toBeGreaterThan(1)
  })

  it('never waits longer than the cap', () => {
    expect(backoffMs(40, 2000, () => 1)).toBe(MAX_BACKOFF_MS)
  })
})
