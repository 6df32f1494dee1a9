import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor, AuthService } from '../auth/auth.service.ts'
import type { Role } from '../auth/auth.types.ts'
import { CsrfError, ForbiddenError, UnauthenticatedError } from '../auth/auth.errors.ts'
import { CSRF_HEADER, csrfTokenFor, readSessionCookie } from '../auth/session.ts'
import { isWriteMethod } from './write-transaction.ts'

// The route's `roles` is declared with every other config key in route-config.ts.
declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor
    /** The session's secret when the caller signed in with an account (cookie); undefined for a bearer token. */
    sessionSecret: string | undefined
  }
}

const ROLE_NAMES: Record<Role, string> = { admin: '管理员', agent: '坐席', unit: '单位', reviewer: '审核人', integration: '接入系统' }

export const authPlugin = fp(async function auth(app: FastifyInstance, { authService }: { authService: AuthService }) {
  app.decorateRequest('actor', null as unknown as Actor)
  app.decorateRequest('sessionSecret', undefined)
  app.addHook('onRequest', async (req) => {
    // An unknown path or method answers 404/405 to anyone: the route list is public (OpenAPI) anyway.
    if (req.is404) return
    const roles = req.routeOptions.config.roles ?? ['admin']
    if (roles === 'public') return
    // A bearer token (machine clients, scripts) wins over a session cookie (people in the console).
    const match = req.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)
    if (match) {
      req.actor = await authService.authenticate(match[1])
    } else {
      const secret = readSessionCookie(req.headers.cookie)
      if (!secret) throw new UnauthenticatedError()
      req.actor = await authService.authenticate(secret)
      req.sessionSecret = secret
      if (isWriteMethod(req.method) && req.headers[CSRF_HEADER] !== csrfTokenFor(secret)) throw new CsrfError()
    }
    if (!roles.includes(req.actor.role)) throw new ForbiddenError(ROLE_NAMES[req.actor.role])
  })
})
