import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../config.ts'
import type { Db } from '../db/client.ts'
import type { AuditService } from '../audit/audit.service.ts'
import { writeTransactionPlugin } from './write-transaction.ts'
import { createIdempotencyParticipant, createIdempotencyStore, declareIdempotencyHeader } from './idempotency.ts'
import { createAuditParticipant } from './audit-hook.ts'
import { routeCatalogPlugin } from './route-catalog.ts'
import { RateLimitedError } from './security.errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour the `Idempotency-Key` header on this (creating) route. */
    idempotency?: boolean
    /** `false` for a POST that changes nothing worth auditing (e.g. a search); every other 2xx write is audited. */
    audit?: false
  }
}

export interface SecurityPluginOptions {
  services: { config: Config; db: Db; audit: AuditService }
}

/** Security headers, the integration rate limit, idempotency keys and the audit of every write. */
export const securityPlugin = fp(async function security(app: FastifyInstance, { services }: SecurityPluginOptions) {
  const { config, db, audit } = services

  await app.register(routeCatalogPlugin)

  // Registered before any other onSend hook so that, for a handler that answers synchronously, the
  // key's record and the audit row are written inside the handler's own transaction.
  const idempotency = createIdempotencyParticipant(createIdempotencyStore({ db }), app.log)
  app.addHook('onRoute', declareIdempotencyHeader)
  await app.register(writeTransactionPlugin, {
    db,
    participants: [idempotency.participant, createAuditParticipant(audit, idempotency.isReplay)],
  })

  await app.register(helmet, {
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

  // Machine clients retry and loop; people do not. Only integration tokens are limited, per token.
  await app.register(rateLimit, {
    global: true,
    max: config.integrationRateLimit,
    timeWindow: 60_000,
    hook: 'onRequest',
    keyGenerator: (req) => `token:${req.actor?.tokenId ?? req.ip}`,
    allowList: (req) => req.actor?.role !== 'integration',
    errorResponseBuilder: (_req, ctx) => new RateLimitedError(ctx.max, Math.max(1, Math.ceil(ctx.ttl / 1000))),
  })
})
