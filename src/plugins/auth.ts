import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Actor, AuthService } from '../auth/auth.service.ts'
import type { Role } from '../auth/auth.table.ts'
import { ForbiddenError, UnauthenticatedError } from '../auth/auth.errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; `public` needs no token. Routes that say nothing are for admins only. */
    roles?: readonly Role[] | 'public'
  }
  interface FastifyRequest {
    actor: Actor
  }
}

const ROLE_NAMES: Record<Role, string> = { admin: '管理员', agent: '坐席', unit: '单位', reviewer: '审核人', integration: '接入系统' }

export const authPlugin = fp(async function auth(app: FastifyInstance, { authService }: { authService: AuthService }) {
  app.decorateRequest('actor', null as unknown as Actor)
  app.addHook('onRequest', async (req) => {
    // An unknown path or method answers 404/405 to anyone: the route list is public (OpenAPI) anyway.
    if (req.is404) return
    const roles = req.routeOptions.config.roles ?? ['admin']
    if (roles === 'public') return
    const header = req.headers.authorization
    const match = header?.match(/^Bearer\s+(\S+)\s*$/i)
    if (!match) throw new UnauthenticatedError()
    req.actor = authService.authenticate(match[1])
    if (!roles.includes(req.actor.role)) throw new ForbiddenError(ROLE_NAMES[req.actor.role])
  })
})
