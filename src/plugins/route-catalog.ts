import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Role } from '../auth/auth.types.ts'

export interface CatalogRoute {
  method: string
  url: string
  roles: readonly Role[] | 'public'
  idempotency: boolean
  audit: boolean
  bodyLimit: number | undefined
  operationId: string | undefined
  schema: Record<string, unknown> | undefined
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered, with its roles: read by the security tests and the role matrix. */
    routeCatalog: CatalogRoute[]
  }
}

export const routeCatalogPlugin = fp(async function routeCatalog(app: FastifyInstance) {
  const catalog: CatalogRoute[] = []
  app.decorate('routeCatalog', catalog)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      catalog.push({
        method,
        url: route.url,
        // Read lazily: onRoute hooks registered after this one (in child plugins) may still change the route.
        get roles() { return route.config?.roles ?? ['admin'] },
        get idempotency() { return route.config?.idempotency === true },
        get audit() { return route.config?.audit !== false },
        get bodyLimit() { return route.bodyLimit },
        get operationId() { return (route.schema as { operationId?: string } | undefined)?.operationId },
        get schema() { return route.schema as Record<string, unknown> | undefined },
      })
    }
  })
})
