import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../common/schemas.ts'
import type { StatsService } from './stats.service.ts'
import {
  ConsultationStatsSchema, CoverageSchema, FollowupStatsSchema, EntryStatsSchema, LimitedPeriodQuery, MaintenanceQuery, MaintenanceSchema,
  PeriodQuerySchema, TrendsQuery, TrendsSchema, UnitQuery, UnitStatsSchema, UnmatchedStatsSchema,
} from './stats.schemas.ts'

const tags = ['stats']
// Admins see every unit; a unit token sees itself (resolveScope).
const roles = ['admin', 'unit'] as const

export const statsRoutes: FastifyPluginAsyncTypebox<{ stats: StatsService }> = async (app, { stats }) => {
  app.get('/stats/consultations', {
    config: { roles },
    schema: {
      tags, operationId: 'statsConsultations', summary: '咨询量：按渠道、类型统计，当场答复与登记交办的占比',
      querystring: PeriodQuerySchema, response: { 200: ConsultationStatsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, ...period } = req.query
    return stats.consultations(period, await stats.scope(req.actor, unit))
  })

  app.get('/stats/trends', {
    config: { roles },
    schema: {
      tags, operationId: 'statsTrends', summary: '趋势：按日、周、月的各渠道咨询量、当场答复比例、工单新增、回复与超期，各单位按时回复率',
      querystring: TrendsQuery, response: { 200: TrendsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, interval, ...period } = req.query
    return stats.trends({ ...period, interval }, await stats.scope(req.actor, unit))
  })

  app.get('/stats/units', {
    config: { roles },
    schema: {
      tags, operationId: 'statsUnits', summary: '各单位办理情况：受理、按时回复、超期、办理工作日（平均与第 90 百分位）、转办与退回',
      querystring: PeriodQuerySchema, response: { 200: UnitStatsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, ...period } = req.query
    return stats.units(period, await stats.scope(req.actor, unit))
  })

  app.get('/stats/after-reply', {
    config: { roles },
    schema: {
      tags, operationId: 'statsAfterReply', summary: '答复之后：各单位及逐月的满意率、评价率、重办率、承诺按期兑现率',
      querystring: PeriodQuerySchema, response: { 200: FollowupStatsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, ...period } = req.query
    return stats.afterReply(period, await stats.scope(req.actor, unit))
  })

  app.get('/stats/unmatched', {
    config: { roles },
    schema: {
      tags, operationId: 'statsUnmatched', summary: '未匹配的高频问题（相近问法合并），供补充问答库',
      querystring: LimitedPeriodQuery, response: { 200: UnmatchedStatsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, limit, ...period } = req.query
    return stats.unmatched({ ...period, limit: limit ?? 20 }, await stats.scope(req.actor, unit))
  })

  app.get('/stats/entries', {
    config: { roles },
    schema: {
      tags, operationId: 'statsEntries', summary: '命中最多的条目与从未命中的条目',
      querystring: LimitedPeriodQuery, response: { 200: EntryStatsSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, limit, ...period } = req.query
    return stats.entries({ ...period, limit: limit ?? 20 }, await stats.scope(req.actor, unit))
  })

  app.get('/stats/coverage', {
    config: { roles },
    schema: {
      tags, operationId: 'statsCoverage', summary: '各政策领域的条目覆盖情况，标出没有条目的必须覆盖领域',
      querystring: UnitQuery, response: { 200: CoverageSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => stats.coverage(await stats.scope(req.actor, req.query.unit)))

  app.get('/stats/maintenance', {
    config: { roles },
    schema: {
      tags, operationId: 'statsMaintenance', summary: '待清理的条目：依据已失效政策的条目、长期未复核的条目',
      querystring: MaintenanceQuery, response: { 200: MaintenanceSchema, ...errorResponses(403, 404) },
    },
  }, async (req) => {
    const { unit, months, limit } = req.query
    return stats.maintenance({ months, limit: limit ?? 50 }, await stats.scope(req.actor, unit))
  })
}
