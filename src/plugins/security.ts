import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet, { type HelmetOptions } from 'helmet'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import { postgresClientOf } from '../db/postgres.ts'
import type { AuditService } from '../audit/audit.service.ts'
import { writeTransactionPlugin } from './write-transaction.ts'
import { createIdempotencyParticipant, createIdempotencyStore, declareIdempotencyHeader } from './idempotency.ts'
import { createAuditParticipant, requireAuditDeclaration } from './audit-hook.ts'
import { routeCatalogPlugin } from './route-catalog.ts'
import { RateLimitedError } from './security.errors.ts'
import { waitText } from '../common/time.ts'
import { ensureRateLimitTable, postgresRateLimitStore } from './rate-limit-store.ts'

export interface SecurityPluginOptions {
  services: { config: Config; db: Db; audit: AuditService }
}

/** The integration rate limit, idempotency keys and the audit of every write (headers: securityHeadersPlugin). */
export const securityPlugin = fp(async function security(app: FastifyInstance, { services }: SecurityPluginOptions) {
  const { config, db, audit } = services

  await app.register(routeCatalogPlugin)

  // Registered before any other onSend hook: the participants' onSend work starts as soon as the
  // response is sent, and the key's record and the audit row are written inside the handler's own
  // transaction, which waits for them before it commits.
  const idempotency = createIdempotencyParticipant(createIdempotencyStore({ db }), app.log)
  const auditing = createAuditParticipant(audit, idempotency.isReplay)
  app.addHook('onRoute', declareIdempotencyHeader)
  app.addHook('onRoute', requireAuditDeclaration)
  app.addHook('preSerialization', auditing.keepResult)
  await app.register(writeTransactionPlugin, {
    db,
    participants: [idempotency.participant, auditing.participant],
  })

  // Machine clients retry and loop; people do not. Only integration tokens are limited, per token;
  // routes set their own limits in `config.rateLimit` (sign-in, the public pages). On PostgreSQL the
  // counts are shared by the replicas (rate-limit-store.ts); on SQLite one process counts in memory.
  const pg = postgresClientOf(db)
  if (pg) await ensureRateLimitTable(pg)
  await app.register(rateLimit, {
    ...(pg ? { store: postgresRateLimitStore(pg, { log: app.log }) } : {}),
    global: true,
    max: config.integrationRateLimit,
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (req) => `token:${req.actor?.tokenId ?? req.ip}`,
    allowList: (req) => req.actor?.role !== 'integration',
    errorResponseBuilder: (_req, ctx) => new RateLimitedError(ctx.max, waitText(ctx.ttl / 1000)),
  })
})

/**
 * Helmet's security headers (CSP for the console, nosniff, frame options …) on every response,
 * refusals included: registered before authentication, whose onRequest hook may answer first.
 */
export const securityHeadersPlugin = fp(async function securityHeaders(app: FastifyInstance) {
  const securityHeaders = helmetHeaders({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // The console may set inline style attributes; scripts stay same-origin only.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // The service is often reached over plain HTTP inside the government network; upgrading
        // the console's own scripts to https would break it there.
        'upgrade-insecure-requests': null,
      },
    },
  })
  app.addHook('onRequest', function applySecurityHeaders(_req, reply, done) { reply.headers(securityHeaders); done() })
})

/**
 * The headers helmet sets for `options`, worked out once. Without nonces they are the same on every
 * response, and @fastify/helmet rebuilt helmet's middleware on each request (parsing the CSP
 * directives anew): ~10% of a /match request's CPU.
 */
export function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const recorder = { setHeader(name: string, value: string) { headers[name.toLowerCase()] = String(value) }, removeHeader() {} }
  // Only static options can be worked out once: a directive computed per response (a nonce) cannot.
  const directives = options.contentSecurityPolicy && typeof options.contentSecurityPolicy === 'object' ? options.contentSecurityPolicy.directives ?? {} : {}
  if (Object.values(directives).some((v) => typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function')))) {
    throw new Error('helmetHeaders: per-response CSP directives cannot be precomputed')
  }
  helmet(options)({} as never, recorder as never, (err?: unknown) => { if (err) throw err })
  if (Object.keys(headers).length === 0) throw new Error('helmetHeaders: helmet set no headers synchronously')
  return headers
}
