import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import type { Services } from './services.ts'
import { postgresClientOf } from './db/postgres.ts'

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  service: Type.Object({ name: Type.String(), version: Type.String(), uptimeSeconds: Type.Number() }),
  database: Type.Object({ ok: Type.Boolean(), engine: Type.String({ description: '数据库引擎：sqlite 或 postgresql' }), error: Type.Optional(Type.String()) }),
  searchIndex: Type.Object({ ok: Type.Boolean(), documents: Type.Integer(), builtAt: Type.Union([Type.String(), Type.Null()]) }),
})

export const systemRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (app, { services }) => {
  app.get('/health', {
    config: { roles: 'public' },
    schema: { tags: ['system'], operationId: 'health', summary: '服务、数据库与检索索引的状态', security: [], response: { 200: HealthSchema, 503: HealthSchema } },
  }, async (_req, reply) => {
    let database: { ok: boolean; engine: string; error?: string }
    const engine = postgresClientOf(services.db) ? 'postgresql' : 'sqlite'
    try {
      await services.db.all(sql`select 1`)
      database = { ok: true, engine }
    } catch (e) {
      database = { ok: false, engine, error: '数据库不可用' }
      app.log.error({ err: e }, 'health check: database')
    }
    const searchIndex = await services.search.status()
    const ok = database.ok && searchIndex.ok
    return reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'degraded',
      service: { name: 'policy-qa-kb', version: '1.0.0', uptimeSeconds: Math.round(process.uptime()) },
      database,
      searchIndex,
    })
  })

  // Liveness for a load balancer: answers while the process runs, touching nothing.
  app.get('/health/live', {
    config: { roles: 'public' },
    schema: { tags: ['system'], operationId: 'live', summary: '进程存活检查', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/openapi.json', {
    config: { roles: 'public' },
    schema: { hide: true },
  }, async () => app.swagger())
}
