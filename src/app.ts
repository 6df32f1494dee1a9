import Fastify, { type FastifyServerOptions } from 'fastify'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import type { Db } from './db/client.ts'
import { errorsPlugin } from './plugins/errors.ts'
import { requestLogSerializers } from './plugins/request-log.ts'
import { clientErrorHandler, frameworkErrors, HTTP_LIMITS } from './plugins/http-errors.ts'
import { installBodyParsers, installValidators, lazySerializers } from './plugins/validation.ts'
import { swaggerPlugin } from './plugins/swagger.ts'
import { authPlugin } from './plugins/auth.ts'
import { createServices, type Services } from './services.ts'
import { systemRoutes } from './system.routes.ts'
import { metaRoutes } from './meta.routes.ts'
import { authRoutes } from './auth/auth.routes.ts'
import { accountsRoutes } from './auth/accounts.routes.ts'
import { unitsRoutes } from './units/units.routes.ts'
import { consoleRoutes } from './console/console.routes.ts'
// routes imports: kb
import { kbRoutes } from './kb/kb.routes.ts'

// routes imports: search
import { searchRoutes } from './search/search.routes.ts'

// routes imports: calendar
import { calendarRoutes } from './calendar/calendar.routes.ts'

// routes imports: consultations and tickets
import { consultationsRoutes } from './consultations/consultations.routes.ts'
import { ticketsRoutes } from './tickets/tickets.routes.ts'
import { followupRoutes } from './tickets/followup.routes.ts'

// routes imports: integrations
import { integrationsRoutes } from './integrations/integrations.routes.ts'

// routes imports: link checks
import { linksRoutes } from './links/links.routes.ts'

// routes imports: stats
import { supervisionRoutes } from './stats/index.ts'

// routes imports: portal
import { portalRoutes } from './portal/portal.routes.ts'
import { answerFeedbackRoutes } from './search/answer-feedback.routes.ts'

// routes imports: sheets
import { sheetsRoutes } from './sheets/sheets.routes.ts'

// routes imports: audit and security
import { securityHeadersPlugin, securityPlugin } from './plugins/security.ts'
import { auditRoutes } from './audit/audit.routes.ts'
import { proposalsRoutes } from './proposals/proposals.routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

export interface BuildAppOptions {
  config: Config
  db: Db
  logger?: FastifyServerOptions['logger']
}

/*
 * THE LIFE OF A REQUEST, in the order its hooks run. Each route states what concerns it in its
 * `config` (every key is declared in plugins/route-config.ts); nothing is inferred from its URL.
 *
 *  1. Before routing: a request line, header or body past the limits is refused in the one error
 *     shape (plugins/http-errors.ts); a URL past its limit answers 414 (plugins/errors.ts).
 *  2. onRequest, security headers: helmet's headers go on every answer, refusals too (plugins/security.ts).
 *  3. onRequest, auth and roles: a bearer token, or the session cookie with its X-CSRF-Token on a
 *     write, becomes `req.actor`; `config.roles` says who may call (admins only when it says
 *     nothing, `public` for none) (plugins/auth.ts).
 *  4. onRequest, rate limits: per integration token (`INTEGRATION_RATE_LIMIT`), or the route's own
 *     `config.rateLimit` (sign-in, the public pages) (plugins/security.ts).
 *  5. Parsing and validation: the body, params and query against the route's schema; a refusal names
 *     each field, in Chinese (plugins/validation.ts).
 *  6. The write transaction: every POST/PUT/PATCH/DELETE, unless `config.readOnly`, runs in one
 *     BEGIN IMMEDIATE, a unit of work carried by AsyncLocalStorage (db/unit-of-work.ts,
 *     plugins/write-transaction.ts). Inside it, first the idempotency key (`config.idempotency`):
 *     reserved, or the stored answer replayed without running the handler (plugins/idempotency.ts).
 *  7. The handler: one service call. Services' own `db.transaction(...)` become savepoints of the
 *     request's; a service writing in another's transaction is handed its `tx`. Domain events are
 *     emitted, whole, inside it, and the integrations outbox stores them in the same transaction.
 *  8. The answer, still inside the transaction, which stays open across the handler's awaits: the
 *     idempotency key keeps the response, and a 2xx write gets its audit row as `config.audit`
 *     declares it (target and ids; `false` for none) (plugins/audit-hook.ts).
 *  9. COMMIT, then the afterCommit callbacks (the search index, caches), then the response is
 *     released: a client never sees a 2xx for a write that a crash could still undo, and never a
 *     change the index has not heard of. A rollback drops the callbacks with the change.
 * 10. Errors, wherever thrown: one shape `{statusCode, code, message, details?}` with a stable code and
 *     a Chinese message; validation 400, SQLITE_BUSY 503 with Retry-After, anything unknown 500 with
 *     the request id and no internals (plugins/errors.ts; the public pages answer in HTML,
 *     portal/portal.http.ts). A handler that threw keeps what it had committed, as without the wrapper.
 * 11. The request log: method, route and the NAMES of query parameters, never their values
 *     (plugins/request-log.ts).
 */

/** Plugins, error handling and the domain modules, always in this order. */
export async function buildApp({ config, db, logger }: BuildAppOptions) {
  const app = Fastify({
    logger: withRequestLog(logger ?? { level: config.logLevel, redact: ['req.headers.authorization'] }),
    bodyLimit: HTTP_LIMITS.bodyLimit,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: HTTP_LIMITS.maxParamLength },
    http: { maxHeaderSize: HTTP_LIMITS.maxHeaderBytes },
    // Refusals before routing answer in the one error shape, in Chinese (plugins/http-errors.ts).
    clientErrorHandler,
    frameworkErrors,
    schemaController: lazySerializers,
  }).withTypeProvider<TypeBoxTypeProvider>()

  installValidators(app)
  installBodyParsers(app)
  await app.register(errorsPlugin)
  await app.register(securityHeadersPlugin)
  await app.register(swaggerPlugin)

  const services = await createServices({ config, db, log: app.log })
  app.decorate('services', services)
  await app.register(authPlugin, { authService: services.auth })
  // plugins: audit and security
  await app.register(securityPlugin, { services })

  await app.register(systemRoutes, { services })
  await app.register(consoleRoutes)
  // routes: portal (the public pages at /, no token)
  await app.register(portalRoutes, { portal: services.portal, intake: services.portalIntake, config })
  // The API under /api/v1: a plugin of its own, which fastify awaits.
  const apiV1: FastifyPluginAsyncTypebox = async (api) => {
    await api.register(authRoutes, { auth: services.auth })
    await api.register(metaRoutes)
    await api.register(accountsRoutes, { accounts: services.accounts, auth: services.auth })
    await api.register(unitsRoutes, { units: services.units })

    // routes: kb
    await api.register(kbRoutes, { kb: services.kb })

    // routes: search
    await api.register(searchRoutes, { search: services.search })

    // routes: calendar
    await api.register(calendarRoutes, { calendar: services.calendar, defaultWorkingDays: config.dueWorkingDays.question })

    // routes: consultations and tickets
    await api.register(consultationsRoutes, { consultations: services.consultations })
    await api.register(ticketsRoutes, { tickets: services.tickets, promotion: services.promotion, references: services.ticketReferences })
    await api.register(followupRoutes, { scope: services.stats.scope, tickets: services.tickets, followup: services.followup, promises: services.promises })

    // routes: integrations
    await api.register(integrationsRoutes, { integrations: services.integrations })

    // routes: link checks
    await api.register(linksRoutes, { scope: services.stats.scope, links: services.links })

    // routes: stats
    await api.register(supervisionRoutes, { stats: services.stats, ledger: services.ledger, publications: services.publications })

    // routes: portal (the matcher owner's view of the public's feedback)
    await api.register(answerFeedbackRoutes, { answerFeedback: services.answerFeedback })
    // routes: sheets
    await api.register(sheetsRoutes, { imports: services.imports, exports: services.exports })

    // routes: audit and security
    await api.register(proposalsRoutes, { proposals: services.proposals })
    await api.register(auditRoutes, { audit: services.audit })
  }
  await app.register(apiV1, { prefix: '/api/v1' })

  app.addHook('onClose', async () => services.stop())
  return app
}

/** Any logger configuration gets the request serializer that keeps query values out of the log. */
function withRequestLog(logger: NonNullable<FastifyServerOptions['logger']>): FastifyServerOptions['logger'] {
  if (logger === true) return { serializers: requestLogSerializers }
  if (typeof logger !== 'object') return logger
  return { ...logger, serializers: { ...logger.serializers, ...requestLogSerializers } }
}

export type App = Awaited<ReturnType<typeof buildApp>>
