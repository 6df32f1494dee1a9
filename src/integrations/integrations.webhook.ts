// The wire contract of outgoing webhooks, as pure functions: signing, verifying, backoff, the body.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { DomainEvent, DomainEventType } from '../common/events.ts'

export const SIGNATURE_PREFIX = 'sha256='
/** How far a receiver should let X-Timestamp drift from its clock (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 300
/** Backoff never waits longer than this between two attempts. */
export const MAX_BACKOFF_MS = 6 * 3600_000

export const generateSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

/** Hex HMAC-SHA256, keyed by the integration's secret, over "<timestamp>.<body>". */
export function sign(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/** What a receiver does: recompute, compare in constant time, and refuse stale timestamps. */
export function verifySignature(opts: {
  secret: string; signature: string | undefined; timestamp: string | undefined; body: string
  nowSeconds?: number; toleranceSeconds?: number
}): boolean {
  const { secret, signature, timestamp, body } = opts
  if (!signature?.startsWith(SIGNATURE_PREFIX) || !timestamp || !/^\d+$/.test(timestamp)) return false
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(timestamp)) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false
  const expected = Buffer.from(sign(secret, timestamp, body), 'hex')
  const given = Buffer.from(signature.slice(SIGNATURE_PREFIX.length), 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/**
 * The wait before the attempt after `attempt` failures: base·2^(attempt−1), capped, with "equal
 * jitter" (half fixed, half random) so receivers coming back up are not hit by every sender at once.
 */
export function backoffMs(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export interface EventEnvelope {
  id: string
  type: DomainEventType
  occurredAt: string
  externalId: string | null
  consultationId: number | null
  data: DomainEvent['payload']
}

/** The JSON a receiver gets, by webhook or by polling. */
export function toEnvelope(row: { id: string; type: DomainEventType; createdAt: string; externalId: string | null; consultationId: number | null; payload: DomainEvent['payload'] }): EventEnvelope {
  return { id: row.id, type: row.type, occurredAt: row.createdAt, externalId: row.externalId, consultationId: row.consultationId, data: row.payload }
}

/** The headers of one POST; `timestamp` is in Unix seconds. */
export function webhookHeaders(secret: string, event: { id: string; type: string }, body: string, timestamp: string, attempt: number) {
  return {
    'content-type': 'application/json',
    'user-agent': 'policy-qa-kb-webhooks/1',
    'x-event-id': event.id,
    'x-event-type': event.type,
    'x-timestamp': timestamp,
    'x-signature': `${SIGNATURE_PREFIX}${sign(secret, timestamp, body)}`,
    'x-delivery-attempt': String(attempt),
  }
}
