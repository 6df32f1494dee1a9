import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Role } from '../auth/auth.table.ts'

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
      const schema = route.schema as Record<string, unknown> | undefined
      catalog.push({
        method,
        url: route.url,
        roles: route.config?.roles ?? ['admin'],
        idempotency: route.config?.idempotency === true,
        audit: route.config?.audit !== false,
        bodyLimit: route.bodyLimit,
        operationId: schema?.operationId as string | undefined,
        get schema() { return route.schema as Record<string, unknown> | undefined },
      })
    }
  })
})
