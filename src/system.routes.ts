import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import type { Services } from './services.ts'
import { engineOf, postgresClientOf } from './db/postgres.ts'
import { latestIndexVersion } from './db/change-log.ts'

const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  service: Type.Object({ name: Type.String(), version: Type.String(), uptimeSeconds: Type.Number() }),
  database: Type.Object({ ok: Type.Boolean(), engine: Type.String({ description: '数据库引擎：sqlite 或 postgresql' }), error: Type.Optional(Type.String()) }),
  searchIndex: Type.Object({ ok: Type.Boolean(), documents: Type.Integer(), builtAt: Type.Union([Type.String(), Type.Null()]) }),
})

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')], { description: 'ready：可以接收请求；not_ready：索引尚未建好或数据库不可用' }),
  engine: Type.Union([Type.Literal('sqlite'), Type.Literal('postgresql')], { description: '数据库引擎' }),
  role: Type.Union([Type.Literal('leader'), Type.Literal('follower')], { description: 'leader：本进程负责后台任务（推送、提醒、清理）；follower：其余副本。SQLite 上只有一个进程，总是 leader' }),
  database: Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) }),
  index: Type.Object({
    ready: Type.Boolean({ description: '检索索引已建好' }),
    documents: Type.Integer({ description: '索引中的问答条目数' }),
    appliedVersion: Type.Integer({ description: '本进程的索引和缓存已应用到的变更日志版本' }),
    latestVersion: Type.Integer({ description: '数据库中最新的变更日志版本（数据库不可用时为最后一次读到的）' }),
    lag: Type.Integer({ description: '落后的版本数：latestVersion − appliedVersion' }),
  }),
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

  // Readiness for a load balancer: 200 once this replica's index is built and the database answers;
  // 503, with the same body, before that. Several replicas on one PostgreSQL database report how far
  // their index follows the others' changes (db/change-log.ts).
  app.get('/health/ready', {
    config: { roles: 'public' },
    schema: { tags: ['system'], operationId: 'ready', summary: '就绪检查：数据库、检索索引与变更同步进度（负载均衡据此转发）', security: [], response: { 200: ReadySchema, 503: ReadySchema } },
  }, async (_req, reply) => {
    let database: { ok: boolean; error?: string } = { ok: true }
    try {
      services.following.saw(await latestIndexVersion(services.db))
    } catch (e) {
      database = { ok: false, error: '数据库不可用' }
      app.log.error({ err: e }, 'readiness check: database')
    }
    const { ok: built, documents } = await services.search.status()
    const { applied, latest } = services.following.status()
    const ready = database.ok && built
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      engine: engineOf(services.db),
      role: services.role(),
      database,
      index: { ready: built, documents, appliedVersion: applied, latestVersion: latest, lag: Math.max(0, latest - applied) },
    })
  })

  app.get('/openapi.json', {
    config: { roles: 'public' },
    schema: { hide: true },
  }, async () => app.swagger())
}
